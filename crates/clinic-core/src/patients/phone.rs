//! Phone numbers: parsed as typed (with the clinic's country for numbers without a country code) and
//! kept in one canonical form, E.164 ("+34612345678"), so that the same number is the same text.

use phonenumber::{Mode, country};

use crate::{CoreError, CoreResult, message};

/// Whether `code` is a country Clinic can read phone numbers of (ISO 3166 alpha-2, e.g. "US", "ES").
pub(crate) fn known_country(code: &str) -> bool {
    code.parse::<country::Id>().is_ok()
}

/// The canonical form of a phone number typed in `country` (the clinic's default country).
pub(crate) fn canonical(field: &'static str, typed: &str, country: &str) -> CoreResult<String> {
    let region = country.parse::<country::Id>().ok();
    let number = phonenumber::parse(region, typed.trim())
        .map_err(|_| CoreError::invalid(field, message!("phone_format")))?;
    let national = number.national().value();
    if !(1_000..=999_999_999_999_999).contains(&national) {
        return Err(CoreError::invalid(field, message!("phone_too_short")));
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// A canonical number as people read it, e.g. "+34 612 34 56 78".
pub(crate) fn display(canonical: &str) -> String {
    phonenumber::parse(None, canonical)
        .map(|n| n.format().mode(Mode::International).to_string())
        .unwrap_or_else(|_| canonical.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_kept_in_one_form_whatever_way_they_are_typed() {
        for typed in [
            "612 34 56 78",
            "+34 612-345-678",
            "(+34) 612.34.56.78",
            "0034612345678",
        ] {
            assert_eq!(
                canonical("phone", typed, "ES").unwrap(),
                "+34612345678",
                "{typed}"
            );
        }
        assert_eq!(
            canonical("phone", "(555) 010-0123", "US").unwrap(),
            "+15550100123"
        );
        assert_eq!(
            canonical("phone", "020 7946 0958", "GB").unwrap(),
            "+442079460958"
        );
        assert_eq!(display("+442079460958"), "+44 20 7946 0958");
    }

    #[test]
    fn what_is_not_a_number_is_refused_on_its_field() {
        for typed in ["call me", "12", ""] {
            let err = canonical("phone", typed, "US").unwrap_err();
            assert_eq!(err.field(), Some("phone"), "{typed}");
        }
        assert!(known_country("ES") && !known_country("XX"));
    }
}
