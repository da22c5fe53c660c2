//! Turning what the front desk types into a full-text query over `patient_search` (see the V4
//! migration): every word must match, each as the start of a name, of the email address, or of one of
//! the patient's numbers (MRN, phone digits, date of birth), in any order, ignoring case and accents.
//! An email address matches from its beginning only: the index splits it into words at its punctuation,
//! and the words of its domain ("example", "org") are no one's name.

use chrono::NaiveDate;

/// The FTS5 MATCH expression for `text`, or None when it has nothing to search for.
pub(crate) fn match_expression(text: &str) -> Option<String> {
    // A phone number is typed in groups ("612 34 56 78"): one number, not four words.
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && text.chars().filter(char::is_ascii_digit).count() >= 4;
    if phone_like {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        return term(&digits);
    }
    let terms: Vec<String> = text.split_whitespace().filter_map(term).collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// One typed word: a name, or the email address, starting with it; for a word with digits, the
/// patient's numbers written without separators ("555-0100" is the start of "5550100123"; "A-000123"
/// of "A000123"), without a leading trunk 0, and as a date of birth when it reads as one.
fn term(word: &str) -> Option<String> {
    let compact: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    if compact.is_empty() {
        return None;
    }
    let prefix = format!("\"{}\"*", word.replace('"', "\"\""));
    // `^`: the phrase must start at the column's first word, the address's beginning.
    let mut alternatives = vec![format!("name : {prefix}"), format!("email : ^{prefix}")];
    if compact.chars().any(|c| c.is_ascii_digit()) {
        alternatives.push(format!("numbers : \"{compact}\"*"));
        if let Some(rest) = compact.strip_prefix('0').filter(|r| r.len() >= 4) {
            alternatives.push(format!("numbers : \"{rest}\"*"));
        }
        for date in dates(word) {
            alternatives.push(format!("numbers : \"{}\"", date.format("%Y%m%d")));
        }
    }
    Some(format!("({})", alternatives.join(" OR ")))
}

/// The dates a typed word can mean: 1980-02-29, 29/02/1980 or 02/29/1980 (both read when both are
/// valid), with '.', '/' or '-'.
fn dates(word: &str) -> Vec<NaiveDate> {
    let parts: Vec<&str> = word.split(['/', '.', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Vec::new();
    };
    let number = |s: &str| s.parse::<u32>().ok();
    let mut found = Vec::new();
    if a.len() == 4 {
        if let (Some(y), Some(m), Some(d)) = (number(a), number(b), number(c))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            found.push(date);
        }
    } else if c.len() == 4
        && let (Some(x), Some(y), Some(year)) = (number(a), number(b), number(c))
    {
        for (d, m) in [(x, y), (y, x)] {
            if let Some(date) = NaiveDate::from_ymd_opt(year as i32, m, d)
                && !found.contains(&date)
            {
                found.push(date);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_as_a_prefix_in_any_order() {
        assert_eq!(
            match_expression("nun  jos").as_deref(),
            Some(
                "(name : \"nun\"* OR email : ^\"nun\"*) AND (name : \"jos\"* OR email : ^\"jos\"*)"
            )
        );
        assert_eq!(match_expression("  ").as_deref(), None);
        assert_eq!(match_expression("- ,").as_deref(), None);
        // Quotes cannot break out of the term.
        assert_eq!(
            match_expression("o\"brien").as_deref(),
            Some("(name : \"o\"\"brien\"* OR email : ^\"o\"\"brien\"*)")
        );
    }

    #[test]
    fn numbers_dates_and_mrns_match_without_their_separators() {
        let phone = match_expression("555-0100").unwrap();
        assert!(phone.contains("numbers : \"5550100\"*"), "{phone}");
        // A number typed in groups is one number; a leading trunk 0 may be left out.
        let grouped = match_expression("020 7946 0958").unwrap();
        assert!(grouped.contains("numbers : \"02079460958\"*"), "{grouped}");
        assert!(grouped.contains("numbers : \"2079460958\"*"), "{grouped}");
        let mrn = match_expression("A-000123").unwrap();
        assert!(mrn.contains("numbers : \"A000123\"*"), "{mrn}");
        let iso = match_expression("1980-02-29").unwrap();
        assert!(iso.contains("numbers : \"19800229\""), "{iso}");
        let either = match_expression("03/04/1990").unwrap();
        assert!(
            either.contains("\"19900403\"") && either.contains("\"19900304\""),
            "{either}"
        );
        let only = match_expression("29/02/1980").unwrap();
        assert!(
            only.contains("\"19800229\"") && !only.contains("19800229\" OR numbers : \"1980"),
            "{only}"
        );
    }
}
