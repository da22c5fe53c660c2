//! The appointment status machine, written once as a table.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Message;

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

/// When an appointment is, as the status rules need it: its clinic-local day and its start.
#[derive(Clone, Copy, Debug)]
pub struct AppointmentTime {
    pub day: NaiveDate,
    pub starts_at: DateTime<Utc>,
}

/// The clinic's clock when a status change is asked for: the instant and the clinic-local day.
#[derive(Clone, Copy, Debug)]
pub struct ClinicNow {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// Why an appointment cannot take a status now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusRefusal {
    NotNext {
        from: AppointmentStatus,
        to: AppointmentStatus,
    },
    /// A patient is checked in on the appointment's own clinic day, never for another day (a walk-in
    /// is booked for now, so it is today's).
    CheckInOnAnotherDay {
        day: NaiveDate,
    },
    NoShowBeforeStart,
}

impl StatusRefusal {
    /// What the user is told.
    pub fn message(&self) -> Message {
        match self {
            StatusRefusal::NotNext { from, to } => {
                crate::message!("status_not_next", from = from.said(), to = to.said())
            }
            StatusRefusal::CheckInOnAnotherDay { day } => {
                crate::message!("check_in_on_the_day", date = *day)
            }
            StatusRefusal::NoShowBeforeStart => crate::message!("no_show_before_start"),
        }
    }
}

impl AppointmentStatus {
    /// What a user must be allowed to do to move an appointment to this status.
    pub(crate) fn needs(self) -> crate::Action {
        match self {
            AppointmentStatus::CheckedIn => crate::Action::CheckIn,
            AppointmentStatus::InProgress | AppointmentStatus::Completed => {
                crate::Action::StartVisit
            }
            _ => crate::Action::EditSchedule,
        }
    }

    /// "checked in", as messages say it.
    pub(crate) fn said(self) -> String {
        self.as_str().replace('_', " ")
    }

    /// Whether the appointment may take `next` now: the table of [`Self::can_become`], then the rules of
    /// the clock: check-in on the appointment's own day, no-show only after the start.
    pub fn change_refused(
        self,
        next: AppointmentStatus,
        at: AppointmentTime,
        clock: ClinicNow,
    ) -> Option<StatusRefusal> {
        if !self.can_become(next) {
            return Some(StatusRefusal::NotNext {
                from: self,
                to: next,
            });
        }
        match next {
            AppointmentStatus::CheckedIn if at.day != clock.today => {
                Some(StatusRefusal::CheckInOnAnotherDay { day: at.day })
            }
            AppointmentStatus::NoShow if at.starts_at > clock.now => {
                Some(StatusRefusal::NoShowBeforeStart)
            }
            _ => None,
        }
    }

    /// The statuses the appointment may take now, for the UI to offer (rescheduled: may be moved).
    pub fn next_now(self, at: AppointmentTime, clock: ClinicNow) -> Vec<AppointmentStatus> {
        AppointmentStatus::ALL
            .into_iter()
            .filter(|&next| self.change_refused(next, at, clock).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone, Utc};

    use super::AppointmentStatus::{self, *};
    use super::{AppointmentTime, ClinicNow, StatusRefusal};

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

    /// The table again, on the clinic's clock: every status pair for an appointment of yesterday, today
    /// (before and after its start) and tomorrow. Check-in only on the appointment's day; no-show only
    /// after the start; everything else as the table says.
    #[test]
    fn the_status_table_on_the_clinic_clock() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 11, 0, 0).unwrap();
        let clock = ClinicNow { now, today };
        let cases = [
            (
                "yesterday",
                today.pred_opt().unwrap(),
                now - Duration::days(1),
            ),
            ("today, started", today, now - Duration::minutes(10)),
            ("today, later", today, now + Duration::hours(2)),
            (
                "tomorrow",
                today.succ_opt().unwrap(),
                now + Duration::days(1),
            ),
        ];
        for (name, day, starts_at) in cases {
            let at = AppointmentTime { day, starts_at };
            for from in AppointmentStatus::ALL {
                for to in AppointmentStatus::ALL {
                    let expected = if !from.can_become(to) {
                        Some(StatusRefusal::NotNext { from, to })
                    } else if to == CheckedIn && day != today {
                        Some(StatusRefusal::CheckInOnAnotherDay { day })
                    } else if to == NoShow && starts_at > now {
                        Some(StatusRefusal::NoShowBeforeStart)
                    } else {
                        None
                    };
                    assert_eq!(
                        from.change_refused(to, at, clock),
                        expected,
                        "{name}: {from:?} -> {to:?}"
                    );
                }
            }
        }
        let tomorrow = AppointmentTime {
            day: today.succ_opt().unwrap(),
            starts_at: now + Duration::days(1),
        };
        assert_eq!(
            Scheduled.next_now(tomorrow, clock),
            [Confirmed, Cancelled, Rescheduled],
            "tomorrow's appointment is confirmed, cancelled or moved, not checked in"
        );
        let started = AppointmentTime {
            day: today,
            starts_at: now - Duration::minutes(5),
        };
        assert_eq!(
            Confirmed.next_now(started, clock),
            [CheckedIn, Cancelled, NoShow, Rescheduled]
        );
    }

    #[test]
    fn completed_cancelled_no_show_and_rescheduled_are_final() {
        let finals: Vec<_> = AppointmentStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [Completed, Cancelled, NoShow, Rescheduled]);
    }
}
