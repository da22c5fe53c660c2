//! The booking rule, written once over plain data: which bookings hold time, and which of them a new
//! time clashes with. The app's checks (booking, rescheduling, free slots, time off) read candidate
//! rows by provider or patient and time, and let this decide; the clinic server will decide the same
//! way over its own rows, so the two can never disagree.

use super::AppointmentStatus;
use super::slots::{Span, overlaps};

/// A booking as the rule sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookedTime {
    pub id: String,
    pub span: Span,
    pub status: AppointmentStatus,
    /// Squeezed in between bookings: it holds its patient's time, not its provider's.
    pub walk_in: bool,
    pub archived: bool,
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
