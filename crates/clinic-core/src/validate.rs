//! Small input checks shared by the domain areas; each names the field it checks.

use chrono::NaiveDate;

use crate::{CoreError, CoreResult, message};

/// A required text: trimmed, not empty, at most `max` characters.
pub(crate) fn required(field: &'static str, value: &str, max: usize) -> CoreResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CoreError::invalid(field, message!("required")));
    }
    if value.chars().count() > max {
        return Err(CoreError::invalid(field, message!("too_long", max = max)));
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
