//! Appointments: booking with its conflict checks, status changes, rescheduling, walk-ins and
//! recurring series.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use clinic_store::{Fields, Reader, Row, RowResult, Table, WriteTx, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::clash::{
    BookedTime, HeldBy, LONGEST_BOOKING, ProviderClash, first_clash, provider_clash,
};
use super::slots::{
    DayContext, OutsideHours, Slot, Span, day_plan, fits, free_slots, outside_hours, slot,
};
use super::status::{AppointmentTime, ClinicNow};
use super::{
    AppointmentStatus, Provider, active_provider, default_minutes, instant, minutes, optional_id,
    parse_id,
};
use crate::auth::permissions::Action;
use crate::patients::active_patient;
use crate::time::{day_bounds, local_hhmm, local_to_utc, parse_instant, today};
use crate::validate::optional;
use crate::{Clinic, CoreError, CoreResult, Message, SessionUser, message};

/// An appointment to book.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewAppointment {
    pub patient_id: String,
    pub provider_id: String,
    pub appointment_type_id: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: Option<String>,
    /// The user saw that the patient is booked elsewhere at an overlapping time and books anyway.
    #[serde(default)]
    #[ts(optional)]
    pub allow_patient_overlap: Option<bool>,
    /// The user saw that the time runs into a break or past the provider's hours and books anyway.
    #[serde(default)]
    #[ts(optional)]
    pub allow_outside_hours: Option<bool>,
}

/// A new time (and maybe another provider) for an appointment.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Reschedule {
    /// Empty keeps the provider.
    pub provider_id: Option<String>,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    #[ts(optional)]
    pub allow_patient_overlap: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub allow_outside_hours: Option<bool>,
}

/// A patient who came without an appointment: booked from now and checked in at once.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WalkIn {
    pub patient_id: String,
    pub provider_id: String,
    pub appointment_type_id: Option<String>,
    pub reason: Option<String>,
}

/// A recurring booking: the first appointment, then the same wall-clock time every `everyWeeks` weeks.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecurringPlan {
    pub first: NewAppointment,
    pub every_weeks: u32,
    /// How many appointments in all (2 to 52).
    pub count: u32,
}

/// The most appointments one series books.
const MAX_SERIES: u32 = 52;

/// One occurrence of a planned series: free, or why not and the nearest free slot that day.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedOccurrence {
    pub starts_at: String,
    pub ends_at: String,
    pub local_date: String,
    pub local_start: String,
    pub local_end: String,
    /// Why this time cannot be booked, if it cannot.
    pub conflict: Option<Message>,
    pub alternative: Option<Slot>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BookedSeries {
    pub series_id: String,
    pub appointment_ids: Vec<String>,
}

/// An appointment as lists and the calendar show it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentSummary {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    /// The clinic-local date ("YYYY-MM-DD") and wall-clock times ("HH:MM").
    pub local_date: String,
    pub local_start: String,
    pub local_end: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub provider_id: String,
    pub provider_name: String,
    pub provider_color: String,
    pub status: AppointmentStatus,
    pub appointment_type_id: Option<String>,
    pub appointment_type: Option<String>,
    pub reason: Option<String>,
    pub walk_in: bool,
    pub checked_in_at: Option<String>,
    pub series_id: Option<String>,
    pub rescheduled_from_id: Option<String>,
    /// Booked anyway into time its provider already had booked.
    pub overbooked: bool,
    /// The clinic server refused it, or another computer's edit met it: see Needs attention.
    pub needs_attention: bool,
    /// The statuses it may take now by the clinic's rules and clock (not the user's role): what the UI
    /// offers. `rescheduled` means it may be moved.
    pub next_statuses: Vec<AppointmentStatus>,
}

/// The columns `summary_row` reads, from `SUMMARY_FROM`.
pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.starts_at, a.ends_at, a.patient_id,
        p.first_name || ' ' || p.last_name, p.mrn, a.provider_id, v.display_name, v.colour, a.status,
        a.appointment_type_id, t.name, a.reason, a.walk_in, a.checked_in_at, a.series_id,
        a.rescheduled_from_id, a.overbooked,
        EXISTS (SELECT 1 FROM conflicts WHERE conflicts.table_name = 'appointments'
                AND conflicts.row_id = a.id AND conflicts.resolved_at IS NULL)";
/// How many columns [`SUMMARY_COLUMNS`] are: a query's own columns after them start here.
pub(crate) const SUMMARY_WIDTH: usize = 19;
pub(crate) const SUMMARY_FROM: &str = "FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    JOIN providers v ON v.id = a.provider_id
    LEFT JOIN appointment_types t ON t.id = a.appointment_type_id";

pub(crate) fn summary_row(
    tz: Tz,
    now: DateTime<Utc>,
) -> impl Fn(&Row<'_>) -> RowResult<AppointmentSummary> {
    let clock = ClinicNow {
        now,
        today: today(tz, now),
    };
    move |row| {
        let starts: String = row.get(1)?;
        let ends: String = row.get(2)?;
        let start = parse_instant(&starts);
        let status = AppointmentStatus::parse(&row.get::<_, String>(9)?)
            .unwrap_or(AppointmentStatus::Scheduled);
        Ok(AppointmentSummary {
            next_statuses: start
                .map(|starts_at| {
                    let day = starts_at.with_timezone(&tz).date_naive();
                    status.next_now(AppointmentTime { day, starts_at }, clock)
                })
                .unwrap_or_default(),
            id: row.get(0)?,
            local_date: start
                .map(|t| t.with_timezone(&tz).date_naive().to_string())
                .unwrap_or_default(),
            local_start: start.map(|t| local_hhmm(tz, t)).unwrap_or_default(),
            local_end: parse_instant(&ends)
                .map(|t| local_hhmm(tz, t))
                .unwrap_or_default(),
            starts_at: starts,
            ends_at: ends,
            patient_id: row.get(3)?,
            patient_name: row.get(4)?,
            patient_mrn: row.get(5)?,
            provider_id: row.get(6)?,
            provider_name: row.get(7)?,
            provider_color: row.get(8)?,
            status,
            appointment_type_id: row.get(10)?,
            appointment_type: row.get(11)?,
            reason: row.get(12)?,
            walk_in: row.get(13)?,
            checked_in_at: row.get(14)?,
            series_id: row.get(15)?,
            rescheduled_from_id: row.get(16)?,
            overbooked: row.get(17)?,
            needs_attention: row.get(18)?,
        })
    }
}

/// Appointments starting in [from, to), optionally of one provider and only those holding time, by
/// start.
pub(crate) fn appointments_between(
    r: &Reader<'_>,
    (tz, now): (Tz, DateTime<Utc>),
    provider: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    holding_time_only: bool,
) -> CoreResult<Vec<AppointmentSummary>> {
    let found = r.query_all(
        &format!(
            "SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM}
             WHERE a.archived_at IS NULL AND a.starts_at < ?2 AND a.ends_at > ?1
               AND (?3 IS NULL OR a.provider_id = ?3)
             ORDER BY a.starts_at, v.display_name"
        ),
        (format_instant(from), format_instant(to), provider),
        summary_row(tz, now),
    )?;
    if !holding_time_only {
        return Ok(found);
    }
    let mut holding = Vec::with_capacity(found.len());
    for a in found {
        let booked = BookedTime {
            id: a.id.clone(),
            span: stored_span(&a.starts_at, &a.ends_at)?,
            status: a.status,
            walk_in: a.walk_in,
            archived: false,
            overbooked: a.overbooked,
        };
        if booked.holds_time(HeldBy::Provider) {
            holding.push(a);
        }
    }
    Ok(holding)
}

/// A time as messages name it: the clinic-local day (which the UI writes as its dialogs do) and the
/// wall-clock start and end.
struct When {
    date: NaiveDate,
    start: String,
    end: String,
}

fn when(tz: Tz, (start, end): Span) -> When {
    When {
        date: start.with_timezone(&tz).date_naive(),
        start: local_hhmm(tz, start),
        end: local_hhmm(tz, end),
    }
}

/// A span read back from the store.
fn stored_span(starts_at: &str, ends_at: &str) -> CoreResult<Span> {
    parse_instant(starts_at)
        .zip(parse_instant(ends_at))
        .ok_or_else(|| CoreError::Internal(format!("a stored time is unreadable: {starts_at}")))
}

/// A booking's checked inputs.
struct Booking {
    patient: Uuid,
    provider: Uuid,
    kind: Option<Uuid>,
    span: Span,
    reason: Option<String>,
    allow_patient_overlap: bool,
    allow_outside_hours: bool,
}

fn booking(new: &NewAppointment) -> CoreResult<Booking> {
    let patient = parse_id("patientId", &new.patient_id)?;
    let provider = parse_id("providerId", &new.provider_id)?;
    let kind = optional_id("appointmentTypeId", new.appointment_type_id.as_deref())?;
    let span = span(&new.starts_at, &new.ends_at)?;
    Ok(Booking {
        patient,
        provider,
        kind,
        span,
        reason: optional("reason", new.reason.as_deref(), 200)?,
        allow_patient_overlap: new.allow_patient_overlap.unwrap_or(false),
        allow_outside_hours: new.allow_outside_hours.unwrap_or(false),
    })
}

fn span(starts_at: &str, ends_at: &str) -> CoreResult<Span> {
    let starts = instant("startsAt", starts_at)?;
    let ends = instant("endsAt", ends_at)?;
    if ends <= starts {
        return Err(CoreError::invalid("endsAt", message!("end_before_start")));
    }
    if ends - starts > LONGEST_BOOKING {
        return Err(CoreError::invalid(
            "endsAt",
            message!("appointment_too_long", hours = LONGEST_BOOKING.num_hours()),
        ));
    }
    Ok((starts, ends))
}

/// The checks every booking passes: the provider is free (no booking, no time off), and the patient is
/// not booked elsewhere at the same time unless the user said so. `ignore` is the appointment being
/// moved.
fn check_free(
    r: &Reader<'_>,
    tz: Tz,
    provider: &Provider,
    patient: Uuid,
    span: Span,
    ignore: Option<&str>,
    allow_patient_overlap: bool,
) -> CoreResult<()> {
    let (booked, names) = bookings_around(r, HeldBy::Provider, &provider.id, span)?;
    let off = super::time_off_between(r, &provider.id, span.0, span.1)?;
    let away = off
        .iter()
        .map(|o| stored_span(&o.starts_at, &o.ends_at))
        .collect::<CoreResult<Vec<_>>>()?;
    match provider_clash(span, ignore, &booked, &away) {
        Some(ProviderClash::Booked(clash)) => {
            let (patient, mrn, _) = named(&booked, &names, clash);
            let at = when(tz, clash.span);
            return Err(CoreError::Conflict(message!(
                "provider_booked",
                provider = &provider.display_name,
                date = at.date,
                start = at.start,
                end = at.end,
                patient = patient,
                mrn = mrn,
            )));
        }
        Some(ProviderClash::Away(i)) => {
            return Err(CoreError::Conflict(time_off_message(
                tz,
                provider,
                away[i],
                span,
                off[i].reason.as_deref(),
            )));
        }
        None => {}
    }
    if !allow_patient_overlap
        && let Some(other) = first_overlap(r, &patient.to_string(), span, ignore)?
    {
        let at = when(tz, other.span);
        return Err(CoreError::PatientAlreadyBooked(message!(
            "patient_booked",
            patient = other.patient,
            date = at.date,
            start = at.start,
            end = at.end,
            provider = other.provider,
        )));
    }
    Ok(())
}

/// The provider's time off that a booking runs into, on the booking's day: "all day" when it covers the
/// day, else the hours of that day it covers (time off may span several days).
fn time_off_message(
    tz: Tz,
    provider: &Provider,
    off: Span,
    booking: Span,
    reason: Option<&str>,
) -> Message {
    let day = booking.0.with_timezone(&tz).date_naive();
    let (day_starts, day_ends) = day_bounds(tz, day);
    let (from, to) = (off.0.max(day_starts), off.1.min(day_ends));
    let name = &provider.display_name;
    let all_day = (from, to) == (day_starts, day_ends);
    match (all_day, reason) {
        (true, Some(reason)) => message!(
            "provider_off_all_day_because",
            provider = name,
            date = day,
            reason = reason,
        ),
        (true, None) => message!("provider_off_all_day", provider = name, date = day),
        (false, Some(reason)) => message!(
            "provider_off_because",
            provider = name,
            date = day,
            start = local_hhmm(tz, from),
            end = local_hhmm(tz, to),
            reason = reason,
        ),
        (false, None) => message!(
            "provider_off",
            provider = name,
            date = day,
            start = local_hhmm(tz, from),
            end = local_hhmm(tz, to),
        ),
    }
}

/// An existing booking a new time overlaps.
struct Overlap {
    span: Span,
    patient: String,
    provider: String,
}

/// Who a booking is: its patient's name and MRN, and its provider's name.
type Names = (String, String, String);

/// The bookings of a provider (`HeldBy::Provider`, `holder` its id) or a patient whose times overlap
/// `span`, with their names. The query only narrows the rows by whose and when; the rule decides.
fn bookings_around(
    r: &Reader<'_>,
    whom: HeldBy,
    holder: &str,
    span: Span,
) -> CoreResult<(Vec<BookedTime>, Vec<Names>)> {
    let filter = match whom {
        HeldBy::Provider => "a.provider_id = ?1",
        HeldBy::Patient => "a.patient_id = ?1",
    };
    let rows = r.query_all(
        &format!(
            "SELECT {BOOKED_COLUMNS}, p.first_name || ' ' || p.last_name, p.mrn, v.display_name
             FROM appointments a
             JOIN patients p ON p.id = a.patient_id
             JOIN providers v ON v.id = a.provider_id
             WHERE {filter} AND a.starts_at < ?3 AND a.ends_at > ?2"
        ),
        (holder, format_instant(span.0), format_instant(span.1)),
        |row| {
            Ok((
                stored_booking(row)?,
                (row.get(7)?, row.get(8)?, row.get(9)?),
            ))
        },
    )?;
    let mut booked = Vec::with_capacity(rows.len());
    let mut names = Vec::with_capacity(rows.len());
    for (stored, who) in rows {
        booked.push(stored.for_the_rule()?);
        names.push(who);
    }
    Ok((booked, names))
}

/// The names of `clash`, one of `booked`.
fn named(booked: &[BookedTime], names: &[Names], clash: &BookedTime) -> Names {
    booked
        .iter()
        .position(|b| b.id == clash.id)
        .and_then(|at| names.get(at).cloned())
        .unwrap_or_default()
}

/// The earliest booking of a patient that clashes with `span` by the booking rule ([`first_clash`]),
/// but `ignore`.
fn first_overlap(
    r: &Reader<'_>,
    holder: &str,
    span: Span,
    ignore: Option<&str>,
) -> CoreResult<Option<Overlap>> {
    let (booked, names) = bookings_around(r, HeldBy::Patient, holder, span)?;
    Ok(
        first_clash(&booked, HeldBy::Patient, span, ignore).map(|clash| {
            let (patient, _, provider) = named(&booked, &names, clash);
            Overlap {
                span: clash.span,
                patient,
                provider,
            }
        }),
    )
}

/// The columns [`stored_booking`] reads first, from `appointments a`.
pub(crate) const BOOKED_COLUMNS: &str =
    "a.id, a.starts_at, a.ends_at, a.status, a.walk_in, a.archived_at IS NOT NULL, a.overbooked";

/// A booking as stored: id, start, end, status, walk-in, archived, overbooked.
pub(crate) struct StoredBooking(String, String, String, String, bool, bool, bool);

/// Reads a booking from the first columns of a row ([`BOOKED_COLUMNS`]).
pub(crate) fn stored_booking(row: &Row<'_>) -> RowResult<StoredBooking> {
    Ok(StoredBooking(
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

impl StoredBooking {
    /// The booking as the booking rule sees it.
    pub(crate) fn for_the_rule(self) -> CoreResult<BookedTime> {
        let StoredBooking(id, starts, ends, status, walk_in, archived, overbooked) = self;
        Ok(BookedTime {
            span: stored_span(&starts, &ends)?,
            status: AppointmentStatus::parse(&status).ok_or_else(|| {
                CoreError::Internal(format!("an appointment has the unknown status {status}"))
            })?,
            id,
            walk_in,
            archived,
            overbooked,
        })
    }
}

fn not_past(span: Span, now: DateTime<Utc>) -> CoreResult<()> {
    // A minute of grace: the slot the user clicked may have begun while the dialog was open.
    if span.0 < now - Duration::minutes(1) {
        return Err(CoreError::invalid("startsAt", message!("time_passed")));
    }
    Ok(())
}

/// Writes a checked booking; the caller has run `check_free` in the same transaction.
fn insert_booking(
    tx: &mut WriteTx<'_>,
    booking: &Booking,
    extra: impl FnOnce(Fields) -> Fields,
) -> CoreResult<Uuid> {
    let fields = Fields::new()
        .set("patient_id", booking.patient)
        .set("provider_id", booking.provider)
        .set("appointment_type_id", booking.kind)
        .set("starts_at", format_instant(booking.span.0))
        .set("ends_at", format_instant(booking.span.1))
        .set("reason", booking.reason.as_deref());
    Ok(tx.insert(Table::Appointments, extra(fields))?)
}

/// Checks and writes a booking inside the caller's transaction (see [`Clinic::book_appointment`]).
pub(crate) fn book(tx: &mut WriteTx<'_>, tz: Tz, new: &NewAppointment) -> CoreResult<Uuid> {
    let booking = booking(new)?;
    not_past(booking.span, tx.now())?;
    let r = tx.reader();
    active_patient(&r, booking.patient)?;
    let provider = active_provider(&r, booking.provider)?;
    if let Some(kind) = booking.kind {
        default_minutes(&r, Some(kind), 0)?;
    }
    check_free(
        &r,
        tz,
        &provider,
        booking.patient,
        booking.span,
        None,
        booking.allow_patient_overlap,
    )?;
    if !booking.allow_outside_hours {
        check_hours(&r, tz, tx.now(), &provider, booking.span)?;
    }
    insert_booking(tx, &booking, |f| f)
}

/// Warns (`outside_working_hours`) when a booking runs into a break or lies outside the provider's
/// hours that day, naming where.
fn check_hours(
    r: &Reader<'_>,
    tz: Tz,
    now: DateTime<Utc>,
    provider: &Provider,
    span: Span,
) -> CoreResult<()> {
    let day = span.0.with_timezone(&tz).date_naive();
    let context = DayContext::new(tz, 1, now);
    let plan = day_plan(r, &context, &provider.id, day, 1, None)?;
    let hhmm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    let name = &provider.display_name;
    let at = when(tz, span);
    let warning = match outside_hours(&plan, span) {
        None => return Ok(()),
        Some(OutsideHours::NotWorking) => message!("not_working", provider = name, date = day),
        Some(OutsideHours::BeforeHours { starts }) => message!(
            "before_hours",
            provider = name,
            starts = hhmm(starts),
            date = day,
        ),
        Some(OutsideHours::Break { from, to }) => message!(
            "runs_into_break",
            date = at.date,
            start = at.start,
            end = at.end,
            provider = name,
            from = hhmm(from),
            to = hhmm(to),
        ),
        Some(OutsideHours::AfterHours { ends }) => message!(
            "runs_past_hours",
            date = at.date,
            start = at.start,
            end = at.end,
            provider = name,
            ends = hhmm(ends),
        ),
    };
    Err(CoreError::OutsideWorkingHours(warning))
}

impl Clinic {
    /// Books an appointment. An overlapping booking or time off of the same provider is refused, naming
    /// it; a patient booked elsewhere at an overlapping time is refused with `patient_already_booked`
    /// until the user confirms (`allowPatientOverlap`).
    pub fn book_appointment(&self, by: &SessionUser, new: NewAppointment) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let tz = self.settings()?.time_zone;
        access.write(|tx| Ok(book(tx, tz, &new)?.to_string()))
    }

    /// Moves an appointment that has not begun: a new appointment takes the new time (and provider),
    /// linked to the old one, which becomes `rescheduled`. The same checks as a booking apply. Returns
    /// the new appointment's id.
    pub fn reschedule_appointment(
        &self,
        by: &SessionUser,
        appointment_id: &str,
        to: Reschedule,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let id = parse_id("appointmentId", appointment_id)?;
        let span = span(&to.starts_at, &to.ends_at)?;
        let new_provider = optional_id("providerId", to.provider_id.as_deref())?;
        let tz = self.settings()?.time_zone;
        not_past(span, self.now())?;
        access.write(|tx| {
            let r = tx.reader();
            let old = stored(&r, id)?;
            if !old.status.can_become(AppointmentStatus::Rescheduled) {
                return Err(CoreError::Conflict(message!(
                    "cannot_move",
                    status = old.status.said(),
                )));
            }
            let provider = active_provider(&r, new_provider.unwrap_or(old.provider))?;
            active_patient(&r, old.patient)?;
            let booking = Booking {
                patient: old.patient,
                provider: parse_id("providerId", &provider.id)?,
                kind: old.kind,
                span,
                reason: old.reason.clone(),
                allow_patient_overlap: to.allow_patient_overlap.unwrap_or(false),
                allow_outside_hours: to.allow_outside_hours.unwrap_or(false),
            };
            let id_text = id.to_string();
            check_free(
                &r,
                tz,
                &provider,
                booking.patient,
                span,
                Some(&id_text),
                booking.allow_patient_overlap,
            )?;
            if !booking.allow_outside_hours {
                check_hours(&r, tz, tx.now(), &provider, span)?;
            }
            tx.update(
                Table::Appointments,
                id,
                Fields::new().set("status", AppointmentStatus::Rescheduled.as_str()),
            )?;
            let new_id = insert_booking(tx, &booking, |f| {
                f.set("rescheduled_from_id", id)
                    .set("series_id", old.series.as_deref())
            })?;
            Ok(new_id.to_string())
        })
    }

    /// Moves an appointment to its next status, following [`AppointmentStatus::can_become`]. Checking
    /// in, starting and finishing stamp their time; cancelling needs a reason; a no-show only after the
    /// start time. Rescheduling has its own operation.
    pub fn set_appointment_status(
        &self,
        by: &SessionUser,
        appointment_id: &str,
        next: AppointmentStatus,
        cancellation_reason: Option<&str>,
    ) -> CoreResult<()> {
        let access = self.authorize(by, next.needs())?;
        let id = parse_id("appointmentId", appointment_id)?;
        if next == AppointmentStatus::Rescheduled {
            return Err(CoreError::invalid(
                "status",
                message!("reschedule_needs_time"),
            ));
        }
        let reason = optional("cancellationReason", cancellation_reason, 200)?;
        if next == AppointmentStatus::Cancelled && reason.is_none() {
            return Err(CoreError::invalid(
                "cancellationReason",
                message!("cancellation_reason_required"),
            ));
        }
        let tz = self.settings()?.time_zone;
        access.write(|tx| {
            let current = stored(&tx.reader(), id)?;
            let now = tx.now();
            let at = AppointmentTime {
                day: current.span.0.with_timezone(&tz).date_naive(),
                starts_at: current.span.0,
            };
            let clock = ClinicNow {
                now,
                today: today(tz, now),
            };
            if let Some(refusal) = current.status.change_refused(next, at, clock) {
                return Err(CoreError::Conflict(refusal.message()));
            }
            let fields = Fields::new().set("status", next.as_str());
            let fields = match next {
                AppointmentStatus::CheckedIn => fields.set("checked_in_at", now),
                AppointmentStatus::InProgress => fields.set("started_at", now),
                AppointmentStatus::Completed => fields.set("completed_at", now),
                AppointmentStatus::Cancelled => {
                    fields.set("cancellation_reason", reason.as_deref())
                }
                _ => fields,
            };
            tx.update(Table::Appointments, id, fields)?;
            Ok(())
        })
    }

    /// A patient who came without an appointment: booked from now for the type's length and checked in
    /// at once. A walk-in joins the waiting-room queue but holds no time in the provider's calendar (it
    /// is seen between booked patients), so it never blocks a booking.
    pub fn book_walk_in(&self, by: &SessionUser, walk_in: WalkIn) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let patient = parse_id("patientId", &walk_in.patient_id)?;
        let provider = parse_id("providerId", &walk_in.provider_id)?;
        let kind = optional_id("appointmentTypeId", walk_in.appointment_type_id.as_deref())?;
        let reason = optional("reason", walk_in.reason.as_deref(), 200)?;
        let slot_minutes = self.settings()?.slot_minutes;
        access.write(|tx| {
            let r = tx.reader();
            active_patient(&r, patient)?;
            active_provider(&r, provider)?;
            let length = default_minutes(&r, kind, slot_minutes)?;
            let now = tx.now();
            let booking = Booking {
                patient,
                provider,
                kind,
                span: (now, now + minutes(length)),
                reason,
                allow_patient_overlap: true,
                allow_outside_hours: true,
            };
            let id = insert_booking(tx, &booking, |f| {
                f.set("walk_in", true)
                    .set("status", AppointmentStatus::CheckedIn.as_str())
                    .set("checked_in_at", now)
            })?;
            Ok(id.to_string())
        })
    }

    /// The occurrences of a recurring booking, each checked as a booking would be (and against the
    /// provider's hours): the ones that cannot be booked say why and offer the nearest free slot of their
    /// day. Nothing is written.
    pub fn plan_recurring(
        &self,
        by: &SessionUser,
        plan: RecurringPlan,
    ) -> CoreResult<Vec<PlannedOccurrence>> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let first = booking(&plan.first)?;
        if !(1..=12).contains(&plan.every_weeks) {
            return Err(CoreError::invalid(
                "everyWeeks",
                message!("every_weeks_between", min = 1, max = 12),
            ));
        }
        if !(2..=MAX_SERIES).contains(&plan.count) {
            return Err(CoreError::invalid(
                "count",
                message!("appointments_between", min = 2, max = MAX_SERIES),
            ));
        }
        let settings = self.settings()?;
        let (tz, now) = (settings.time_zone, self.now());
        not_past(first.span, now)?;
        let context = DayContext::new(tz, settings.slot_minutes, now);
        access.read(|r| {
            active_patient(&r, first.patient)?;
            let provider = active_provider(&r, first.provider)?;
            let length = first.span.1 - first.span.0;
            let (day, start) = {
                let local = first.span.0.with_timezone(&tz);
                (local.date_naive(), local.time())
            };
            (0..plan.count)
                .map(|k| {
                    let day = day + Duration::weeks(i64::from(k * plan.every_weeks));
                    let starts = local_to_utc(tz, day.and_time(start));
                    let span = (starts, starts + length);
                    let mut occurrence = occurrence(tz, span);
                    let day_plan =
                        day_plan(&r, &context, &provider.id, day, length.num_minutes(), None)?;
                    let conflict = match check_free(
                        &r,
                        tz,
                        &provider,
                        first.patient,
                        span,
                        None,
                        first.allow_patient_overlap,
                    ) {
                        Err(CoreError::Conflict(m) | CoreError::PatientAlreadyBooked(m)) => Some(m),
                        Err(e) => return Err(e),
                        Ok(()) if !fits(&day_plan, span) => {
                            let at = when(tz, span);
                            Some(message!(
                                "not_working_then",
                                provider = &provider.display_name,
                                date = at.date,
                                start = at.start,
                                end = at.end,
                            ))
                        }
                        Ok(()) => None,
                    };
                    if conflict.is_some() {
                        occurrence.alternative = free_slots(&day_plan)
                            .into_iter()
                            .min_by_key(|s| (s.0 - starts).num_minutes().abs())
                            .map(|s| slot(tz, &provider, s));
                    }
                    occurrence.conflict = conflict;
                    Ok(occurrence)
                })
                .collect()
        })
    }

    /// Books the chosen occurrences of a recurring appointment as one series, in one transaction: if
    /// any of them is no longer free, nothing is booked and the error names the first that is not.
    pub fn book_recurring(
        &self,
        by: &SessionUser,
        first: NewAppointment,
        occurrences: &[super::TimeSpan],
    ) -> CoreResult<BookedSeries> {
        let access = self.authorize(by, Action::EditSchedule)?;
        let template = booking(&first)?;
        if occurrences.is_empty() || occurrences.len() > MAX_SERIES as usize {
            return Err(CoreError::invalid(
                "occurrences",
                message!("appointments_between", min = 1, max = MAX_SERIES),
            ));
        }
        let spans = occurrences
            .iter()
            .map(|o| span(&o.starts_at, &o.ends_at))
            .collect::<CoreResult<Vec<_>>>()?;
        let (tz, now) = (self.settings()?.time_zone, self.now());
        for span in &spans {
            not_past(*span, now)?;
        }
        let mut sorted = spans.clone();
        sorted.sort();
        if sorted.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err(CoreError::invalid(
                "occurrences",
                message!("occurrences_overlap"),
            ));
        }
        access.write(|tx| {
            let r = tx.reader();
            active_patient(&r, template.patient)?;
            let provider = active_provider(&r, template.provider)?;
            // The first time taken since the plan was made is named; the plan, asked again, shows all.
            for span in &spans {
                match check_free(
                    &r,
                    tz,
                    &provider,
                    template.patient,
                    *span,
                    None,
                    template.allow_patient_overlap,
                ) {
                    Ok(()) => {}
                    Err(CoreError::Conflict(_) | CoreError::PatientAlreadyBooked(_)) => {
                        let at = when(tz, *span);
                        return Err(CoreError::Conflict(message!(
                            "series_not_free",
                            date = at.date,
                            start = at.start,
                            end = at.end,
                        )));
                    }
                    Err(e) => return Err(e),
                }
            }
            let series = Uuid::now_v7();
            let mut ids = Vec::with_capacity(spans.len());
            for span in spans {
                let booking = Booking {
                    span,
                    reason: template.reason.clone(),
                    ..template
                };
                ids.push(insert_booking(tx, &booking, |f| f.set("series_id", series))?.to_string());
            }
            Ok(BookedSeries {
                series_id: series.to_string(),
                appointment_ids: ids,
            })
        })
    }

    /// One appointment, for its dialog.
    pub fn appointment(
        &self,
        by: &SessionUser,
        appointment_id: &str,
    ) -> CoreResult<AppointmentSummary> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let id = parse_id("appointmentId", appointment_id)?.to_string();
        let tz = self.settings()?.time_zone;
        let found = access.read(|r| {
            Ok(r.query_opt(
                &format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE a.id = ?1"),
                [&id],
                summary_row(tz, self.now()),
            )?)
        })?;
        let found = found.ok_or_else(|| CoreError::NotFound(message!("appointment_not_found")))?;
        access.audit_shown(
            "view_appointment",
            "appointments",
            [found.patient_id.as_str()],
        )?;
        Ok(found)
    }
}

/// An appointment as lists show it, if it is here (for Needs attention, which is not a view of it).
pub(crate) fn appointment_summary(
    r: &Reader<'_>,
    tz: Tz,
    now: DateTime<Utc>,
    id: &str,
) -> CoreResult<Option<AppointmentSummary>> {
    Ok(r.query_opt(
        &format!("SELECT {SUMMARY_COLUMNS} {SUMMARY_FROM} WHERE a.id = ?1"),
        [id],
        summary_row(tz, now),
    )?)
}

/// The new time of a booking the clinic server refused, checked as a move is (the provider free, no
/// time off; the patient was booked at this time already, so another booking of theirs is no
/// reason to refuse): the columns to set.
pub(crate) fn refused_booking_moved(
    r: &Reader<'_>,
    tz: Tz,
    now: DateTime<Utc>,
    id: Uuid,
    starts_at: &str,
    ends_at: &str,
) -> CoreResult<Fields> {
    let span = span(starts_at, ends_at)?;
    not_past(span, now)?;
    let booked = stored(r, id)?;
    let provider = active_provider(r, booked.provider)?;
    check_free(
        r,
        tz,
        &provider,
        booked.patient,
        span,
        Some(&id.to_string()),
        true,
    )?;
    Ok(Fields::new()
        .set("starts_at", format_instant(span.0))
        .set("ends_at", format_instant(span.1)))
}

/// Whether a booking the clinic server refused may be booked anyway where it is, beside the booking
/// it clashes with: not into the provider's time off ([`super::clash::booking_refusal`]).
pub(crate) fn refused_booking_overbooked(r: &Reader<'_>, tz: Tz, id: Uuid) -> CoreResult<()> {
    let booked = stored(r, id)?;
    let provider = active_provider(r, booked.provider)?;
    let off = super::time_off_between(r, &provider.id, booked.span.0, booked.span.1)?;
    if let Some(off) = off.first() {
        let off_span = stored_span(&off.starts_at, &off.ends_at)?;
        return Err(CoreError::Conflict(time_off_message(
            tz,
            &provider,
            off_span,
            booked.span,
            off.reason.as_deref(),
        )));
    }
    Ok(())
}

fn occurrence(tz: Tz, span: Span) -> PlannedOccurrence {
    PlannedOccurrence {
        starts_at: format_instant(span.0),
        ends_at: format_instant(span.1),
        local_date: span.0.with_timezone(&tz).date_naive().to_string(),
        local_start: local_hhmm(tz, span.0),
        local_end: local_hhmm(tz, span.1),
        conflict: None,
        alternative: None,
    }
}

/// What the status rules and moves need of a stored appointment.
struct Stored {
    status: AppointmentStatus,
    patient: Uuid,
    provider: Uuid,
    kind: Option<Uuid>,
    span: Span,
    reason: Option<String>,
    series: Option<String>,
}

fn stored(r: &Reader<'_>, id: Uuid) -> CoreResult<Stored> {
    let row = r.query_opt(
        "SELECT status, patient_id, provider_id, appointment_type_id, starts_at, ends_at, reason, series_id
         FROM appointments WHERE id = ?1 AND archived_at IS NULL",
        [id.to_string()],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<String>>(6)?,
                row.get::<_, Option<String>>(7)?,
            ))
        },
    )?;
    let (status, patient, provider, kind, starts, ends, reason, series) =
        row.ok_or_else(|| CoreError::NotFound(message!("appointment_not_found")))?;
    let broken = || CoreError::Internal(format!("the appointment {id} is unreadable"));
    Ok(Stored {
        status: AppointmentStatus::parse(&status).ok_or_else(broken)?,
        patient: Uuid::parse_str(&patient).map_err(|_| broken())?,
        provider: Uuid::parse_str(&provider).map_err(|_| broken())?,
        kind: kind.and_then(|k| Uuid::parse_str(&k).ok()),
        span: stored_span(&starts, &ends)?,
        reason,
        series,
    })
}

/// The weekday of a clinic-local date, 1 = Monday.
pub(crate) fn weekday(day: NaiveDate) -> u32 {
    day.weekday().number_from_monday()
}
