//! Clinic time: instants are stored in UTC; days, opening hours and slots are in the clinic's time zone.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::{CoreError, CoreResult, message};

pub fn parse_time_zone(field: &'static str, name: &str) -> CoreResult<Tz> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| CoreError::invalid(field, message!("unknown_time_zone", zone = name.trim())))
}

/// Every time zone name Clinic accepts, for pickers.
pub fn time_zone_names() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

/// Today's date on the clinic's wall clock.
pub fn today(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// The UTC instant of a clinic-local wall-clock time. In a daylight-saving gap the time does not exist:
/// the first instant after the gap is used. In an overlap the earlier of the two instants is used.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            let mut probe = local;
            loop {
                probe += chrono::Duration::minutes(1);
                if let LocalResult::Single(at) | LocalResult::Ambiguous(at, _) =
                    tz.from_local_datetime(&probe)
                {
                    return at.with_timezone(&Utc);
                }
            }
        }
    }
}

/// The UTC bounds [start, end) of a clinic-local day (23 or 25 hours long on daylight-saving days).
pub fn day_bounds(tz: Tz, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_to_utc(tz, day.and_time(NaiveTime::MIN));
    let next = day.succ_opt().unwrap_or(day);
    (start, local_to_utc(tz, next.and_time(NaiveTime::MIN)))
}

/// "HH:MM" on the clinic's wall clock.
pub fn local_hhmm(tz: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&tz).format("%H:%M").to_string()
}

pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_bounds_follow_daylight_saving() {
        let tz: Tz = "Europe/Madrid".parse().unwrap();
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (start, end) = day_bounds(tz, spring);
        assert_eq!((end - start).num_hours(), 23);
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let (start, end) = day_bounds(tz, autumn);
        assert_eq!((end - start).num_hours(), 25);
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_to_the_end_of_the_gap() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let local = NaiveDate::from_ymd_opt(2026, 3, 8)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(local_hhmm(tz, local_to_utc(tz, local)), "03:00");
    }
}
