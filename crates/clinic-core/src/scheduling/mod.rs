//! Scheduling: providers and their weeks (working hours, breaks, time off), the clinic's opening hours,
//! appointment types and the slot length. Appointments, the calendar, the waiting room and the waitlist
//! are in the submodules.

mod appointments;
mod calendar;
pub mod clash;
mod queue;
mod slots;
mod status;
mod waitlist;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use clinic_store::{Fields, Reader, Row, RowResult, Table, WriteTx, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::time::{day_bounds, local_to_utc, parse_instant};
use crate::validate::{date, optional, required};
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

pub use appointments::{
    AppointmentSummary, BookedSeries, NewAppointment, PlannedOccurrence, RecurringPlan, Reschedule,
    WalkIn,
};
pub(crate) use appointments::{
    appointment_summary, refused_booking_moved, refused_booking_overbooked,
};
pub use calendar::{Calendar, CalendarProvider, CallListEntry, StatusCount};
pub use queue::{QueueEntry, RoomCall};
pub use slots::{FreeTime, Slot, SlotQuery};
pub use status::AppointmentStatus;
pub use waitlist::{NewWaitlistEntry, WaitlistEntry};

/// A provider to add, or a provider's new details.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewProvider {
    pub user_id: Option<String>,
    pub display_name: String,
    pub specialty: String,
    pub licence_number: Option<String>,
    pub colour: String,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub id: String,
    pub user_id: Option<String>,
    pub display_name: String,
    pub specialty: String,
    pub licence_number: Option<String>,
    pub colour: String,
    pub archived: bool,
}

/// A span of wall-clock time ("HH:MM" to "HH:MM", clinic-local): a working block or opening hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeBlock {
    pub starts_at: String,
    pub ends_at: String,
}

/// A span of real time (RFC 3339 instants), e.g. one occurrence of a series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeSpan {
    pub starts_at: String,
    pub ends_at: String,
}

/// One weekday of a week: its blocks, in order (the gaps between a provider's blocks are breaks).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WeekdayHours {
    /// ISO weekday: 1 = Monday .. 7 = Sunday.
    pub weekday: u32,
    pub blocks: Vec<TimeBlock>,
}

/// Time off to record: whole days (`fromTime`/`toTime` empty) or hours of one day.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewTimeOff {
    pub provider_id: String,
    /// First day, "YYYY-MM-DD".
    pub from_date: String,
    /// Last day (inclusive) for whole days; empty means the same day.
    pub to_date: Option<String>,
    /// "HH:MM" for hours of `fromDate`; both times or neither.
    pub from_time: Option<String>,
    pub to_time: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeOff {
    pub id: String,
    pub provider_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: Option<String>,
}

/// Time off was recorded; these appointments fall inside it and need a new time.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeOffAdded {
    pub id: String,
    pub affected: Vec<AppointmentSummary>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentType {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub duration_minutes: i64,
}

pub(crate) fn parse_id(field: &'static str, text: &str) -> CoreResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| CoreError::invalid(field, message!("record_id")))
}

/// An optional record id: empty or missing means none.
pub(crate) fn optional_id(field: &'static str, text: Option<&str>) -> CoreResult<Option<Uuid>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| parse_id(field, t))
        .transpose()
}

pub(crate) fn instant(field: &'static str, text: &str) -> CoreResult<DateTime<Utc>> {
    parse_instant(text).ok_or_else(|| CoreError::invalid(field, message!("date_time_format")))
}

fn clock_time(field: &'static str, text: &str) -> CoreResult<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| CoreError::invalid(field, message!("time_format")))
}

fn check_weekday(weekday: u32) -> CoreResult<()> {
    if (1..=7).contains(&weekday) {
        Ok(())
    } else {
        Err(CoreError::invalid("weekday", message!("weekday")))
    }
}

/// Checks a day's blocks: each ends after it starts, and none overlaps another. Returns them in order.
fn day_blocks(blocks: &[TimeBlock]) -> CoreResult<Vec<(NaiveTime, NaiveTime)>> {
    let mut spans = Vec::with_capacity(blocks.len());
    for block in blocks {
        let start = clock_time("startsAt", &block.starts_at)?;
        let end = clock_time("endsAt", &block.ends_at)?;
        if end <= start {
            return Err(CoreError::invalid("endsAt", message!("end_before_start")));
        }
        spans.push((start, end));
    }
    spans.sort();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(CoreError::invalid("startsAt", message!("blocks_overlap")));
    }
    Ok(spans)
}

/// Replaces one weekday's stored blocks (`old`: id, start, end) with `wanted`. Blocks that stay as they
/// are are not rewritten, so the change log shows only real changes.
fn replace_blocks(
    tx: &mut WriteTx<'_>,
    table: Table,
    old: &[(String, String, String)],
    wanted: &[(NaiveTime, NaiveTime)],
    fields: impl Fn(&str, &str) -> Fields,
) -> CoreResult<()> {
    let wanted: Vec<(String, String)> = wanted.iter().map(|(s, e)| (hhmm(*s), hhmm(*e))).collect();
    for (id, s, e) in old {
        if !wanted.contains(&(s.clone(), e.clone())) {
            tx.archive(table, parse_id("id", id)?)?;
        }
    }
    for (s, e) in &wanted {
        if !old.iter().any(|(_, os, oe)| os == s && oe == e) {
            tx.insert(table, fields(s, e))?;
        }
    }
    Ok(())
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn week_from_rows(rows: Vec<(u32, String, String)>) -> Vec<WeekdayHours> {
    (1..=7)
        .map(|weekday| WeekdayHours {
            weekday,
            blocks: rows
                .iter()
                .filter(|(w, _, _)| *w == weekday)
                .map(|(_, s, e)| TimeBlock {
                    starts_at: s.clone(),
                    ends_at: e.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A provider's working blocks on a date (weekly hours valid that day), as wall-clock spans.
pub(crate) fn working_blocks(
    r: &Reader<'_>,
    provider: &str,
    day: NaiveDate,
) -> CoreResult<Vec<(NaiveTime, NaiveTime)>> {
    use chrono::Datelike;
    let rows: Vec<(String, String)> = r.query_all(
        "SELECT starts_at, ends_at FROM provider_schedules
         WHERE provider_id = ?1 AND weekday = ?2 AND archived_at IS NULL
           AND (valid_from IS NULL OR valid_from <= ?3) AND (valid_until IS NULL OR valid_until >= ?3)
         ORDER BY starts_at",
        (provider, day.weekday().number_from_monday(), day.to_string()),
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(parse_spans(rows))
}

/// The clinic's opening hours on a date; `None` when the clinic has set no opening hours at all (then
/// only the providers' hours count).
pub(crate) fn opening_blocks(
    r: &Reader<'_>,
    day: NaiveDate,
) -> CoreResult<Option<Vec<(NaiveTime, NaiveTime)>>> {
    use chrono::Datelike;
    if r.count(
        "SELECT count(*) FROM opening_hours WHERE archived_at IS NULL",
        [],
    )? == 0
    {
        return Ok(None);
    }
    let rows: Vec<(String, String)> = r.query_all(
        "SELECT opens_at, closes_at FROM opening_hours WHERE weekday = ?1 AND archived_at IS NULL
         ORDER BY opens_at",
        [day.weekday().number_from_monday()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(Some(parse_spans(rows)))
}

fn parse_spans(rows: Vec<(String, String)>) -> Vec<(NaiveTime, NaiveTime)> {
    rows.into_iter()
        .filter_map(|(s, e)| {
            Some((
                NaiveTime::parse_from_str(&s, "%H:%M").ok()?,
                NaiveTime::parse_from_str(&e, "%H:%M").ok()?,
            ))
        })
        .collect()
}

/// A provider's time off overlapping [from, to), as real-time spans.
pub(crate) fn time_off_between(
    r: &Reader<'_>,
    provider: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> CoreResult<Vec<TimeOff>> {
    Ok(r.query_all(
        "SELECT id, provider_id, starts_at, ends_at, reason FROM provider_time_off
         WHERE provider_id = ?1 AND archived_at IS NULL AND starts_at < ?3 AND ends_at > ?2
         ORDER BY starts_at",
        (provider, format_instant(from), format_instant(to)),
        |row| {
            Ok(TimeOff {
                id: row.get(0)?,
                provider_id: row.get(1)?,
                starts_at: row.get(2)?,
                ends_at: row.get(3)?,
                reason: row.get(4)?,
            })
        },
    )?)
}

/// An active provider, or a clear error.
pub(crate) fn active_provider(r: &Reader<'_>, provider: Uuid) -> CoreResult<Provider> {
    let found = r.query_opt(
        &format!("SELECT {PROVIDER_COLUMNS} FROM providers WHERE id = ?1"),
        [provider.to_string()],
        provider_row,
    )?;
    match found {
        Some(p) if !p.archived => Ok(p),
        Some(_) => Err(CoreError::invalid(
            "providerId",
            message!("provider_archived"),
        )),
        None => Err(CoreError::invalid(
            "providerId",
            message!("provider_not_found"),
        )),
    }
}

const PROVIDER_COLUMNS: &str =
    "id, user_id, display_name, specialty, licence_number, colour, archived_at IS NOT NULL";

fn provider_row(row: &Row<'_>) -> RowResult<Provider> {
    Ok(Provider {
        id: row.get(0)?,
        user_id: row.get(1)?,
        display_name: row.get(2)?,
        specialty: row.get(3)?,
        licence_number: row.get(4)?,
        colour: row.get(5)?,
        archived: row.get(6)?,
    })
}

fn provider_fields(new: &NewProvider) -> CoreResult<Fields> {
    let display_name = required("displayName", &new.display_name, 80)?;
    let specialty = required("specialty", &new.specialty, 80)?;
    let licence = optional("licenceNumber", new.licence_number.as_deref(), 40)?;
    let colour = new.colour.trim().to_lowercase();
    if !(colour.len() == 7
        && colour.starts_with('#')
        && colour[1..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(CoreError::invalid("colour", message!("colour_format")));
    }
    let user_id = optional_id("userId", new.user_id.as_deref())?;
    Ok(Fields::new()
        .set("user_id", user_id)
        .set("display_name", display_name.as_str())
        .set("specialty", specialty.as_str())
        .set("licence_number", licence.as_deref())
        .set("colour", colour.as_str()))
}

impl Clinic {
    /// Providers by name; archived ones only when asked.
    pub fn providers(&self, by: &SessionUser, include_archived: bool) -> CoreResult<Vec<Provider>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        access.read(|r| {
            Ok(r.query_all(
                &format!(
                    "SELECT {PROVIDER_COLUMNS} FROM providers WHERE ?1 OR archived_at IS NULL
                     ORDER BY display_name COLLATE NOCASE"
                ),
                [include_archived],
                provider_row,
            )?)
        })
    }

    pub fn add_provider(&self, by: &SessionUser, new: NewProvider) -> CoreResult<String> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let fields = provider_fields(&new)?;
        access.write(|tx| Ok(tx.insert(Table::Providers, fields)?.to_string()))
    }

    pub fn update_provider(
        &self,
        by: &SessionUser,
        provider_id: &str,
        details: NewProvider,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let id = parse_id("providerId", provider_id)?;
        let fields = provider_fields(&details)?;
        access.write(|tx| {
            active_provider(&tx.reader(), id)?;
            tx.update(Table::Providers, id, fields)?;
            Ok(())
        })
    }

    /// A provider who stops seeing patients is archived (their history stays); restoring brings them back.
    pub fn set_provider_archived(
        &self,
        by: &SessionUser,
        provider_id: &str,
        archived: bool,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let id = parse_id("providerId", provider_id)?;
        access.write(|tx| {
            let changed = if archived {
                tx.archive(Table::Providers, id)?
            } else {
                tx.restore(Table::Providers, id)?
            };
            if !changed
                && tx.reader().count(
                    "SELECT count(*) FROM providers WHERE id = ?1",
                    [id.to_string()],
                )? == 0
            {
                return Err(CoreError::NotFound(message!("provider_not_found")));
            }
            Ok(())
        })
    }

    /// A provider's weekly working hours, Monday to Sunday.
    pub fn working_hours(
        &self,
        by: &SessionUser,
        provider_id: &str,
    ) -> CoreResult<Vec<WeekdayHours>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let id = parse_id("providerId", provider_id)?.to_string();
        let rows = access.read(|r| {
            Ok(r.query_all(
                "SELECT weekday, starts_at, ends_at FROM provider_schedules
                 WHERE provider_id = ?1 AND archived_at IS NULL ORDER BY weekday, starts_at",
                [&id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?)
        })?;
        Ok(week_from_rows(rows))
    }

    /// Sets a provider's working blocks on one weekday (1 = Monday), replacing that day's blocks; the
    /// gaps between blocks are breaks, and no blocks means a day off.
    pub fn set_working_hours(
        &self,
        by: &SessionUser,
        provider_id: &str,
        weekday: u32,
        blocks: &[TimeBlock],
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let provider = parse_id("providerId", provider_id)?;
        check_weekday(weekday)?;
        let spans = day_blocks(blocks)?;
        access.write(|tx| {
            active_provider(&tx.reader(), provider)?;
            let old: Vec<(String, String, String)> = tx.reader().query_all(
                "SELECT id, starts_at, ends_at FROM provider_schedules
                 WHERE provider_id = ?1 AND weekday = ?2 AND archived_at IS NULL",
                (provider.to_string(), weekday),
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            replace_blocks(tx, Table::ProviderSchedules, &old, &spans, |s, e| {
                Fields::new()
                    .set("provider_id", provider)
                    .set("weekday", weekday)
                    .set("starts_at", s)
                    .set("ends_at", e)
            })
        })
    }

    /// The clinic's opening hours, Monday to Sunday. A clinic with none set is open whenever its
    /// providers work.
    pub fn opening_hours(&self, by: &SessionUser) -> CoreResult<Vec<WeekdayHours>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let rows = access.read(|r| {
            Ok(r.query_all(
                "SELECT weekday, opens_at, closes_at FROM opening_hours
                 WHERE archived_at IS NULL ORDER BY weekday, opens_at",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?)
        })?;
        Ok(week_from_rows(rows))
    }

    /// Sets the clinic's opening hours on one weekday (1 = Monday), replacing that day's; none = closed.
    pub fn set_opening_hours(
        &self,
        by: &SessionUser,
        weekday: u32,
        blocks: &[TimeBlock],
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        check_weekday(weekday)?;
        let spans = day_blocks(blocks)?;
        access.write(|tx| {
            let old: Vec<(String, String, String)> = tx.reader().query_all(
                "SELECT id, opens_at, closes_at FROM opening_hours WHERE weekday = ?1 AND archived_at IS NULL",
                [weekday],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            replace_blocks(tx, Table::OpeningHours, &old, &spans, |s, e| {
                Fields::new()
                    .set("weekday", weekday)
                    .set("opens_at", s)
                    .set("closes_at", e)
            })
        })
    }

    /// Records time off: whole days, or hours of one day. Returns the appointments it falls on, which
    /// keep their time until the front desk moves them (they are not cancelled behind anyone's back).
    pub fn add_time_off(&self, by: &SessionUser, new: NewTimeOff) -> CoreResult<TimeOffAdded> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let provider = parse_id("providerId", &new.provider_id)?;
        let tz = self.settings()?.time_zone;
        let from_date = date("fromDate", &new.from_date)?;
        let to_date = match new.to_date.as_deref().map(str::trim) {
            None | Some("") => from_date,
            Some(text) => date("toDate", text)?,
        };
        if to_date < from_date {
            return Err(CoreError::invalid(
                "toDate",
                message!("last_day_before_first"),
            ));
        }
        if (to_date - from_date).num_days() > 366 {
            return Err(CoreError::invalid("toDate", message!("at_most_a_year")));
        }
        let from_time = optional("fromTime", new.from_time.as_deref(), 5)?;
        let to_time = optional("toTime", new.to_time.as_deref(), 5)?;
        let (starts, ends) = match (from_time, to_time) {
            (None, None) => (day_bounds(tz, from_date).0, day_bounds(tz, to_date).1),
            (Some(from), Some(to)) => {
                if to_date != from_date {
                    return Err(CoreError::invalid("toDate", message!("hours_off_one_day")));
                }
                let (from, to) = (clock_time("fromTime", &from)?, clock_time("toTime", &to)?);
                if to <= from {
                    return Err(CoreError::invalid("toTime", message!("end_before_start")));
                }
                (
                    local_to_utc(tz, from_date.and_time(from)),
                    local_to_utc(tz, from_date.and_time(to)),
                )
            }
            (None, Some(_)) => {
                return Err(CoreError::invalid(
                    "fromTime",
                    message!("both_times_or_neither"),
                ));
            }
            (Some(_), None) => {
                return Err(CoreError::invalid(
                    "toTime",
                    message!("both_times_or_neither"),
                ));
            }
        };
        let reason = optional("reason", new.reason.as_deref(), 200)?;
        let id = access.write(|tx| {
            active_provider(&tx.reader(), provider)?;
            Ok(tx
                .insert(
                    Table::ProviderTimeOff,
                    Fields::new()
                        .set("provider_id", provider)
                        .set("starts_at", format_instant(starts))
                        .set("ends_at", format_instant(ends))
                        .set("reason", reason.as_deref()),
                )?
                .to_string())
        })?;
        let affected = access.read(|r| {
            appointments::appointments_between(
                &r,
                (tz, self.now()),
                Some(&provider.to_string()),
                starts,
                ends,
                true,
            )
        })?;
        Ok(TimeOffAdded { id, affected })
    }

    /// A provider's time off that has not ended by `from` (a date), in time order.
    pub fn time_off(
        &self,
        by: &SessionUser,
        provider_id: &str,
        from: NaiveDate,
    ) -> CoreResult<Vec<TimeOff>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let provider = parse_id("providerId", provider_id)?.to_string();
        let tz = self.settings()?.time_zone;
        let since = day_bounds(tz, from).0;
        access.read(|r| time_off_between(&r, &provider, since, DateTime::<Utc>::MAX_UTC))
    }

    /// Takes back time off (it is archived, not deleted).
    pub fn cancel_time_off(&self, by: &SessionUser, time_off_id: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let id = parse_id("timeOffId", time_off_id)?;
        access.write(|tx| {
            if !tx.archive(Table::ProviderTimeOff, id)? {
                return Err(CoreError::NotFound(message!("time_off_not_found")));
            }
            Ok(())
        })
    }

    /// Adds an appointment type with its default length. Returns its id.
    pub fn add_appointment_type(
        &self,
        by: &SessionUser,
        name: &str,
        minutes: i64,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let fields = appointment_type_fields(name, minutes)?;
        access.write(|tx| Ok(tx.insert(Table::AppointmentTypes, fields)?.to_string()))
    }

    pub fn update_appointment_type(
        &self,
        by: &SessionUser,
        type_id: &str,
        name: &str,
        minutes: i64,
    ) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let id = parse_id("appointmentTypeId", type_id)?;
        let fields = appointment_type_fields(name, minutes)?;
        access.write(|tx| {
            if tx.reader().count(
                "SELECT count(*) FROM appointment_types WHERE id = ?1 AND archived_at IS NULL",
                [id.to_string()],
            )? == 0
            {
                return Err(CoreError::NotFound(message!("appointment_type_not_found")));
            }
            tx.update(Table::AppointmentTypes, id, fields)?;
            Ok(())
        })
    }

    /// Retires an appointment type: booked appointments keep it, new bookings cannot choose it.
    pub fn archive_appointment_type(&self, by: &SessionUser, type_id: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let id = parse_id("appointmentTypeId", type_id)?;
        access.write(|tx| {
            if !tx.archive(Table::AppointmentTypes, id)? {
                return Err(CoreError::NotFound(message!("appointment_type_not_found")));
            }
            Ok(())
        })
    }

    /// Appointment types by name.
    pub fn appointment_types(&self, by: &SessionUser) -> CoreResult<Vec<AppointmentType>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        access.read(|r| {
            Ok(r.query_all(
                "SELECT id, name, duration_minutes FROM appointment_types WHERE archived_at IS NULL
                 ORDER BY name COLLATE NOCASE",
                [],
                |row| {
                    Ok(AppointmentType {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        duration_minutes: row.get(2)?,
                    })
                },
            )?)
        })
    }

    /// The length of the booking grid, in minutes.
    pub fn slot_minutes(&self, by: &SessionUser) -> CoreResult<u32> {
        self.authorize(by, Action::ViewSchedule)?;
        let minutes = self.settings()?.slot_minutes;
        u32::try_from(minutes).map_err(|_| {
            CoreError::Internal(format!("the stored slot length {minutes} is invalid"))
        })
    }

    /// The length of the booking grid, in minutes (5 to 120; 15 by default).
    pub fn set_slot_minutes(&self, by: &SessionUser, minutes: i64) -> CoreResult<()> {
        let access = self.authorize(by, Action::ManageSettings)?;
        if !(5..=120).contains(&minutes) || 60 % minutes != 0 && minutes % 60 != 0 {
            return Err(CoreError::invalid("slotMinutes", message!("slot_minutes")));
        }
        let id = parse_id("id", &self.settings()?.id)?;
        access.write(|tx| {
            tx.update(
                Table::ClinicSettings,
                id,
                Fields::new().set("slot_minutes", minutes),
            )?;
            Ok(())
        })
    }
}

fn appointment_type_fields(name: &str, minutes: i64) -> CoreResult<Fields> {
    let name = required("name", name, 80)?;
    if !(5..=480).contains(&minutes) {
        return Err(CoreError::invalid(
            "durationMinutes",
            message!("minutes_between", min = 5, max = 480),
        ));
    }
    Ok(Fields::new()
        .set("name", name.as_str())
        .set("duration_minutes", minutes))
}

/// The length of an appointment: its type's default, else the clinic's slot length.
pub(crate) fn default_minutes(
    r: &Reader<'_>,
    appointment_type: Option<Uuid>,
    slot_minutes: i64,
) -> CoreResult<i64> {
    let Some(kind) = appointment_type else {
        return Ok(slot_minutes);
    };
    r.query_opt(
        "SELECT duration_minutes FROM appointment_types WHERE id = ?1 AND archived_at IS NULL",
        [kind.to_string()],
        |row| row.get(0),
    )?
    .ok_or_else(|| CoreError::invalid("appointmentTypeId", message!("appointment_type_not_found")))
}

/// Minutes as a duration, for arithmetic on instants.
pub(crate) fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}
