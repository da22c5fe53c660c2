//! Small input checks shared by the domain areas; each names the field it checks.

use chrono::NaiveDate;

use crate::{CoreError, CoreResult, message};

/// A required one-line text: trimmed, not empty, at most `max` characters, and no control characters
/// (a NUL or an escape sequence in a name would break screens, printouts and files later).
pub(crate) fn required(field: &'static str, value: &str, max: usize) -> CoreResult<String> {
    checked(field, value, max, |c| c.is_control())
}

/// A required text of several lines (a visit note): as [`required`], but line breaks and tabs are
/// kept.
pub(crate) fn required_lines(field: &'static str, value: &str, max: usize) -> CoreResult<String> {
    checked(field, value, max, |c| {
        c.is_control() && !matches!(c, '\n' | '\r' | '\t')
    })
}

fn checked(
    field: &'static str,
    value: &str,
    max: usize,
    forbidden: impl Fn(char) -> bool,
) -> CoreResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CoreError::invalid(field, message!("required")));
    }
    if value.chars().count() > max {
        return Err(CoreError::invalid(field, message!("too_long", max = max)));
    }
    if value.chars().any(forbidden) {
        return Err(CoreError::invalid(field, message!("control_characters")));
    }
    Ok(value.to_owned())
}

/// An optional text: trimmed; empty becomes None.
pub(crate) fn optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> CoreResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required(field, v, max).map(Some),
    }
}

pub(crate) fn date(field: &'static str, value: &str) -> CoreResult<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::invalid(field, message!("date_format")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_a_note_keeps_its_lines() {
        for text in ["Ana\0", "Ana\u{1b}[31m", "An\na", "A\u{7f}na"] {
            let err = required("firstName", text, 80).unwrap_err();
            assert_eq!(err.field(), Some("firstName"), "{text:?}");
        }
        assert_eq!(required("firstName", " Zoë ", 80).unwrap(), "Zoë");
        assert_eq!(
            required_lines("body", "Sore throat.\n\tNo fever.", 100).unwrap(),
            "Sore throat.\n\tNo fever."
        );
        assert!(required_lines("body", "Sore\0throat", 100).is_err());
    }
}
