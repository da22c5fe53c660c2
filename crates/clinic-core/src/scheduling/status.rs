//! The appointment status machine, written once as a table.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Scheduled,
    Confirmed,
    CheckedIn,
    InProgress,
    Completed,
    Cancelled,
    NoShow,
    /// Moved to another time: a new appointment, linked to this one, took its place.
    Rescheduled,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 8] = [
        AppointmentStatus::Scheduled,
        AppointmentStatus::Confirmed,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::InProgress,
        AppointmentStatus::Completed,
        AppointmentStatus::Cancelled,
        AppointmentStatus::NoShow,
        AppointmentStatus::Rescheduled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Scheduled => "scheduled",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::InProgress => "in_progress",
            AppointmentStatus::Completed => "completed",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Rescheduled => "rescheduled",
        }
    }

    pub fn parse(text: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The status rules: the visit moves forward one step at a time (arriving unconfirmed is fine);
    /// before the patient arrives it may be cancelled, rescheduled or marked a no-show (the time check
    /// for a no-show is the caller's); completed, cancelled, no-show and rescheduled are final.
    pub fn can_become(self, next: AppointmentStatus) -> bool {
        use AppointmentStatus::*;
        matches!(
            (self, next),
            (Scheduled, Confirmed)
                | (Scheduled | Confirmed, CheckedIn)
                | (CheckedIn, InProgress)
                | (InProgress, Completed)
                | (Scheduled | Confirmed, Cancelled)
                | (Scheduled | Confirmed, Rescheduled)
                | (Scheduled | Confirmed, NoShow)
        )
    }

    /// No status follows this one.
    pub fn is_final(self) -> bool {
        AppointmentStatus::ALL
            .into_iter()
            .all(|next| !self.can_become(next))
    }

    /// Whether the appointment still holds its time in the provider's calendar.
    pub fn occupies_slot(self) -> bool {
        !matches!(
            self,
            AppointmentStatus::Cancelled
                | AppointmentStatus::NoShow
                | AppointmentStatus::Rescheduled
        )
    }
}

/// The statuses that free their time, as SQL text, for queries that look for bookings.
pub(crate) const FREEING_STATUSES: &str = "('cancelled', 'no_show', 'rescheduled')";

#[cfg(test)]
mod tests {
    use super::AppointmentStatus::{self, *};

    #[test]
    fn the_status_table() {
        let allowed = [
            (Scheduled, Confirmed),
            (Scheduled, CheckedIn),
            (Confirmed, CheckedIn),
            (CheckedIn, InProgress),
            (InProgress, Completed),
            (Scheduled, Cancelled),
            (Confirmed, Cancelled),
            (Scheduled, Rescheduled),
            (Confirmed, Rescheduled),
            (Scheduled, NoShow),
            (Confirmed, NoShow),
        ];
        for from in AppointmentStatus::ALL {
            for to in AppointmentStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn completed_cancelled_no_show_and_rescheduled_are_final() {
        let finals: Vec<_> = AppointmentStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [Completed, Cancelled, NoShow, Rescheduled]);
    }

    #[test]
    fn the_freeing_statuses_are_those_that_hold_no_time() {
        for status in AppointmentStatus::ALL {
            assert_eq!(
                super::FREEING_STATUSES.contains(&format!("'{}'", status.as_str())),
                !status.occupies_slot(),
                "{status:?}"
            );
        }
    }
}
