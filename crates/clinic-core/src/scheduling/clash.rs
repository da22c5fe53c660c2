//! The booking rule, written once over plain data: which bookings hold time, and which of them a new
//! time clashes with. The app's checks (booking, rescheduling, free slots, time off) read candidate
//! rows by provider or patient and time, and let this decide; the clinic server decides the same way
//! over its own rows ([`BookedTime::from_fields`]), so the two can never disagree.

use serde_json::{Map, Value};

use super::AppointmentStatus;
use super::slots::{Span, overlaps};
use crate::time::parse_instant;

/// The longest a booking lasts: a booking that clashes with a time starts at most this long before it
/// ends (the clinic server looks no further back).
pub const LONGEST_BOOKING: chrono::TimeDelta = chrono::TimeDelta::hours(8);

/// A booking as the rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookedTime {
    pub id: String,
    pub span: Span,
    pub status: AppointmentStatus,
    /// Squeezed in between bookings: it holds its patient's time, not its provider's.
    pub walk_in: bool,
    pub archived: bool,
    /// Booked on purpose into time its provider already had booked ("book anyway"): it stands beside
    /// the other booking, and holds its time all the same.
    pub overbooked: bool,
}

/// Whose time a new booking must not clash with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldBy {
    /// The provider's calendar: walk-ins hold none of it.
    Provider,
    /// The patient, with any provider.
    Patient,
}

impl BookedTime {
    /// A booking and its provider from an appointment's columns as the clinic server keeps them
    /// (column → JSON value); columns an insert left out take the table's defaults. None when the
    /// row has no readable provider, times or status.
    pub fn from_fields(id: &str, fields: &Map<String, Value>) -> Option<(String, BookedTime)> {
        let text = |column: &str| fields.get(column).and_then(Value::as_str);
        let provider = text("provider_id")?.to_owned();
        let span = (
            parse_instant(text("starts_at")?)?,
            parse_instant(text("ends_at")?)?,
        );
        let status = match fields.get("status") {
            None | Some(Value::Null) => AppointmentStatus::Scheduled,
            Some(status) => AppointmentStatus::parse(status.as_str()?)?,
        };
        let archived = fields.get("archived_at").is_some_and(|a| !a.is_null());
        let booked = BookedTime {
            id: id.to_owned(),
            span,
            status,
            walk_in: flag(fields, "walk_in")?,
            archived,
            overbooked: flag(fields, "overbooked")?,
        };
        Some((provider, booked))
    }

    /// Whether this booking still holds time for `whom`: not archived, not freed by its status
    /// (cancelled, no-show, rescheduled), and for a provider not a walk-in.
    pub fn holds_time(&self, whom: HeldBy) -> bool {
        !self.archived && self.status.occupies_slot() && !(whom == HeldBy::Provider && self.walk_in)
    }
}

/// The earliest of `booked` (one provider's or one patient's bookings) that holds time for `whom` and
/// overlaps `span`, leaving out `ignore` (the booking being moved). Spans that only touch do not clash.
pub fn first_clash<'a>(
    booked: &'a [BookedTime],
    whom: HeldBy,
    span: Span,
    ignore: Option<&str>,
) -> Option<&'a BookedTime> {
    booked
        .iter()
        .filter(|b| Some(b.id.as_str()) != ignore && b.holds_time(whom) && overlaps(b.span, span))
        .min_by_key(|b| b.span.0)
}

/// A yes/no column as a change or the server holds it (1 or true; absent or empty is no). None when it
/// holds anything else, which no device could store.
pub fn flag(fields: &Map<String, Value>, column: &str) -> Option<bool> {
    match fields.get(column) {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(set)) => Some(*set),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Some(_) => None,
    }
}

/// What a booking runs into on its provider's calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderClash<'a> {
    /// Another booking that holds the provider's time.
    Booked(&'a BookedTime),
    /// The provider's time off: its index in the time off given.
    Away(usize),
}

/// Whether a booking at `span` may take its provider's time: not when it clashes with one of `booked`
/// (the provider's bookings, leaving out `ignore`, the booking itself) or runs into `away` (the
/// provider's time off). A clash with a booking is reported before time off.
pub fn provider_clash<'a>(
    span: Span,
    ignore: Option<&str>,
    booked: &'a [BookedTime],
    away: &[Span],
) -> Option<ProviderClash<'a>> {
    if let Some(clash) = first_clash(booked, HeldBy::Provider, span, ignore) {
        return Some(ProviderClash::Booked(clash));
    }
    away.iter()
        .position(|off| overlaps(*off, span))
        .map(ProviderClash::Away)
}

/// The booking rule for one booking as it stands, over its provider's other bookings and time off:
/// None when it may hold its time. One that holds its provider's time must not clash with another
/// booking that does, nor run into time off; one booked anyway (overbooked) stands beside other
/// bookings, but never in time off.
pub fn booking_refusal<'a>(
    booking: &BookedTime,
    booked: &'a [BookedTime],
    away: &[Span],
) -> Option<ProviderClash<'a>> {
    if !booking.holds_time(HeldBy::Provider) {
        return None;
    }
    let others = if booking.overbooked { &[] } else { booked };
    provider_clash(booking.span, Some(&booking.id), others, away)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap() + chrono::Duration::minutes(minute)
    }

    fn booked(id: &str, from: i64, to: i64) -> BookedTime {
        BookedTime {
            id: id.into(),
            span: (at(from), at(to)),
            status: AppointmentStatus::Scheduled,
            walk_in: false,
            archived: false,
            overbooked: false,
        }
    }

    #[test]
    fn the_earliest_booking_that_holds_time_and_overlaps_clashes() {
        let day = [booked("b", 30, 60), booked("a", 0, 30), booked("c", 45, 90)];
        let clash = first_clash(&day, HeldBy::Provider, (at(20), at(50)), None);
        assert_eq!(clash.map(|b| b.id.as_str()), Some("a"));
        // Touching is not overlapping.
        assert_eq!(
            first_clash(&day, HeldBy::Provider, (at(90), at(120)), None),
            None
        );
        // The booking being moved does not clash with itself.
        let moving = first_clash(&day, HeldBy::Provider, (at(0), at(30)), Some("a"));
        assert_eq!(moving, None);
    }

    #[test]
    fn freed_archived_and_walk_in_bookings_hold_no_provider_time() {
        for status in AppointmentStatus::ALL {
            let mut b = booked("a", 0, 30);
            b.status = status;
            assert_eq!(
                first_clash(&[b], HeldBy::Provider, (at(10), at(20)), None).is_some(),
                !matches!(
                    status,
                    AppointmentStatus::Cancelled
                        | AppointmentStatus::NoShow
                        | AppointmentStatus::Rescheduled
                ),
                "{status:?}"
            );
        }
        let mut archived = booked("a", 0, 30);
        archived.archived = true;
        assert!(!archived.holds_time(HeldBy::Provider) && !archived.holds_time(HeldBy::Patient));
        let mut walk_in = booked("a", 0, 30);
        walk_in.walk_in = true;
        // A walk-in is squeezed into the provider's day, but its patient is busy all the same.
        assert!(!walk_in.holds_time(HeldBy::Provider));
        assert!(walk_in.holds_time(HeldBy::Patient));
    }

    #[test]
    fn time_off_is_a_clash_after_bookings() {
        let day = [booked("a", 60, 90)];
        let away = [(at(0), at(30)), (at(70), at(80))];
        let span = (at(20), at(75));
        assert_eq!(
            provider_clash(span, None, &day, &away),
            Some(ProviderClash::Booked(&day[0]))
        );
        assert_eq!(
            provider_clash(span, Some("a"), &day, &away),
            Some(ProviderClash::Away(0))
        );
        assert_eq!(provider_clash((at(30), at(60)), None, &day, &away), None);
    }

    #[test]
    fn a_booking_booked_anyway_stands_beside_others_but_never_in_time_off() {
        let day = [booked("a", 0, 30)];
        let mut anyway = booked("o", 10, 40);
        anyway.overbooked = true;
        assert_eq!(booking_refusal(&anyway, &day, &[]), None);
        // It holds its time for the next booking all the same.
        let next = booked("n", 35, 50);
        let with_it = [day[0].clone(), anyway.clone()];
        assert_eq!(
            booking_refusal(&next, &with_it, &[]),
            Some(ProviderClash::Booked(&with_it[1]))
        );
        let away = [(at(20), at(25))];
        assert_eq!(
            booking_refusal(&anyway, &day, &away),
            Some(ProviderClash::Away(0))
        );
        let mut cancelled = booked("c", 0, 30);
        cancelled.status = AppointmentStatus::Cancelled;
        assert_eq!(booking_refusal(&cancelled, &day, &away), None);
    }

    #[test]
    fn a_booking_is_read_from_the_servers_columns_with_the_tables_defaults() {
        let fields = |json: serde_json::Value| json.as_object().unwrap().clone();
        let inserted = fields(serde_json::json!({
            "provider_id": "p1",
            "patient_id": "x",
            "starts_at": "2026-12-07T09:00:00.000Z",
            "ends_at": "2026-12-07T09:30:00.000Z",
        }));
        let (provider, b) = BookedTime::from_fields("a", &inserted).unwrap();
        assert_eq!(provider, "p1");
        assert_eq!(b, booked("a", 0, 30));
        let walk_in = fields(serde_json::json!({
            "provider_id": "p1",
            "starts_at": "2026-12-07T09:00:00.000Z",
            "ends_at": "2026-12-07T09:30:00.000Z",
            "status": "cancelled",
            "walk_in": 1,
            "overbooked": 1,
            "archived_at": "2026-12-07T10:00:00.000Z",
        }));
        let (_, b) = BookedTime::from_fields("a", &walk_in).unwrap();
        assert!(b.walk_in && b.archived && b.overbooked);
        assert_eq!(b.status, AppointmentStatus::Cancelled);
        // A flag no device could store makes no booking.
        let mut odd = inserted.clone();
        odd.insert("overbooked".into(), serde_json::json!(2));
        assert_eq!(BookedTime::from_fields("a", &odd), None);
        let unreadable = fields(serde_json::json!({"provider_id": "p1", "starts_at": "soon"}));
        assert_eq!(BookedTime::from_fields("a", &unreadable), None);
    }

    proptest! {
        /// Whatever the bookings, a clash found holds time and overlaps, and none earlier does; none
        /// found means none holds time there.
        #[test]
        fn a_clash_is_the_earliest_holding_overlap(
            spans in prop::collection::vec((0i64..600, 1i64..120, 0usize..8, any::<bool>(), any::<bool>()), 0..20),
            from in 0i64..600,
            length in 1i64..120,
        ) {
            let booked: Vec<BookedTime> = spans
                .iter()
                .enumerate()
                .map(|(i, &(start, len, status, walk_in, archived))| BookedTime {
                    id: i.to_string(),
                    span: (at(start), at(start + len)),
                    status: AppointmentStatus::ALL[status],
                    walk_in,
                    archived,
                    overbooked: false,
                })
                .collect();
            let span = (at(from), at(from + length));
            for whom in [HeldBy::Provider, HeldBy::Patient] {
                let holding: Vec<&BookedTime> = booked
                    .iter()
                    .filter(|b| b.holds_time(whom) && b.span.0 < span.1 && span.0 < b.span.1)
                    .collect();
                match first_clash(&booked, whom, span, None) {
                    Some(clash) => {
                        prop_assert!(holding.contains(&clash));
                        prop_assert!(holding.iter().all(|b| b.span.0 >= clash.span.0));
                    }
                    None => prop_assert!(holding.is_empty()),
                }
            }
        }
    }
}
