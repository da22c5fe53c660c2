//! Scheduling: providers and their weeks, opening hours, appointment types, free slots, booking and
//! the status of appointments, the calendar, the waiting room and its display, the waitlist. Every
//! call is checked and audited in clinic-core.

use std::sync::Arc;

use chrono::NaiveDate;
use clinic_core::{
    AppointmentStatus, AppointmentSummary, AppointmentType, BookedSeries, Calendar, CallListEntry,
    CoreError, FreeTime, NewAppointment, NewProvider, NewTimeOff, NewWaitlistEntry,
    PlannedOccurrence, Provider, QueueEntry, RecurringPlan, Reschedule, RoomCall, Slot, SlotQuery,
    TimeBlock, TimeOff, TimeOffAdded, TimeSpan, WaitlistEntry, WalkIn, WeekdayHours, message,
};
use serde::Deserialize;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};
use ts_rs::TS;

use crate::ipc::{IpcError, IpcResult};
use crate::state::AppState;

/// The label of the waiting-room display window.
const DISPLAY_WINDOW: &str = "waiting-room";

fn day(field: &'static str, text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::invalid(field, message!("date_format")))
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListProvidersArgs {
    pub include_archived: bool,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderIdArgs {
    pub provider_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateProviderArgs {
    pub provider_id: String,
    pub provider: NewProvider,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetProviderArchivedArgs {
    pub provider_id: String,
    pub archived: bool,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetWorkingHoursArgs {
    pub provider_id: String,
    pub weekday: u32,
    pub blocks: Vec<TimeBlock>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetOpeningHoursArgs {
    pub weekday: u32,
    pub blocks: Vec<TimeBlock>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeOffArgs {
    pub provider_id: String,
    /// Time off not ended by this clinic-local date, "YYYY-MM-DD".
    pub from_date: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimeOffIdArgs {
    pub time_off_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentTypeInput {
    /// Empty to add a new type.
    pub type_id: Option<String>,
    pub name: String,
    #[ts(type = "number")]
    pub duration_minutes: i64,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentTypeIdArgs {
    pub type_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SlotMinutesArgs {
    #[ts(type = "number")]
    pub minutes: i64,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AvailableSlotsArgs {
    pub provider_id: String,
    /// A clinic-local date, "YYYY-MM-DD".
    pub day: String,
    pub appointment_type_id: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FreeTimeArgs {
    pub provider_id: String,
    pub starts_at: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentIdArgs {
    pub appointment_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleArgs {
    pub appointment_id: String,
    pub to: Reschedule,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetAppointmentStatusArgs {
    pub appointment_id: String,
    pub status: AppointmentStatus,
    pub cancellation_reason: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BookRecurringArgs {
    pub first: NewAppointment,
    pub occurrences: Vec<TimeSpan>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CalendarArgs {
    /// The first clinic-local date, "YYYY-MM-DD".
    pub from_date: String,
    pub days: u32,
    /// One provider (the week view); empty for every provider.
    pub provider_id: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DayArgs {
    /// A clinic-local date, "YYYY-MM-DD".
    pub day: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CallPatientArgs {
    pub appointment_id: String,
    pub room: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntryArgs {
    pub entry_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BookFromWaitlistArgs {
    pub entry_id: String,
    pub freed_appointment_id: String,
}

#[tauri::command]
pub async fn list_providers(
    state: State<'_, Arc<AppState>>,
    args: ListProvidersArgs,
) -> IpcResult<Vec<Provider>> {
    state
        .as_user(move |c, u| c.providers(u, args.include_archived))
        .await
}

#[tauri::command]
pub async fn add_provider(state: State<'_, Arc<AppState>>, args: NewProvider) -> IpcResult<String> {
    state.as_user(move |c, u| c.add_provider(u, args)).await
}

#[tauri::command]
pub async fn update_provider(
    state: State<'_, Arc<AppState>>,
    args: UpdateProviderArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.update_provider(u, &args.provider_id, args.provider))
        .await
}

#[tauri::command]
pub async fn set_provider_archived(
    state: State<'_, Arc<AppState>>,
    args: SetProviderArchivedArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.set_provider_archived(u, &args.provider_id, args.archived))
        .await
}

#[tauri::command]
pub async fn working_hours(
    state: State<'_, Arc<AppState>>,
    args: ProviderIdArgs,
) -> IpcResult<Vec<WeekdayHours>> {
    state
        .as_user(move |c, u| c.working_hours(u, &args.provider_id))
        .await
}

/// Sets one weekday's blocks and returns the provider's whole week as stored.
#[tauri::command]
pub async fn set_working_hours(
    state: State<'_, Arc<AppState>>,
    args: SetWorkingHoursArgs,
) -> IpcResult<Vec<WeekdayHours>> {
    state
        .as_user(move |c, u| {
            c.set_working_hours(u, &args.provider_id, args.weekday, &args.blocks)?;
            c.working_hours(u, &args.provider_id)
        })
        .await
}

#[tauri::command]
pub async fn opening_hours(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<WeekdayHours>> {
    state.as_user(|c, u| c.opening_hours(u)).await
}

/// Sets one weekday's opening hours and returns the whole week as stored.
#[tauri::command]
pub async fn set_opening_hours(
    state: State<'_, Arc<AppState>>,
    args: SetOpeningHoursArgs,
) -> IpcResult<Vec<WeekdayHours>> {
    state
        .as_user(move |c, u| {
            c.set_opening_hours(u, args.weekday, &args.blocks)?;
            c.opening_hours(u)
        })
        .await
}

#[tauri::command]
pub async fn add_time_off(
    state: State<'_, Arc<AppState>>,
    args: NewTimeOff,
) -> IpcResult<TimeOffAdded> {
    state.as_user(move |c, u| c.add_time_off(u, args)).await
}

#[tauri::command]
pub async fn list_time_off(
    state: State<'_, Arc<AppState>>,
    args: TimeOffArgs,
) -> IpcResult<Vec<TimeOff>> {
    state
        .as_user(move |c, u| c.time_off(u, &args.provider_id, day("fromDate", &args.from_date)?))
        .await
}

#[tauri::command]
pub async fn cancel_time_off(
    state: State<'_, Arc<AppState>>,
    args: TimeOffIdArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.cancel_time_off(u, &args.time_off_id))
        .await
}

#[tauri::command]
pub async fn appointment_types(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<AppointmentType>> {
    state.as_user(|c, u| c.appointment_types(u)).await
}

/// Adds a type, or changes one when `typeId` is given; returns all types.
#[tauri::command]
pub async fn save_appointment_type(
    state: State<'_, Arc<AppState>>,
    args: AppointmentTypeInput,
) -> IpcResult<Vec<AppointmentType>> {
    state
        .as_user(move |c, u| {
            match args.type_id.as_deref().filter(|t| !t.is_empty()) {
                Some(id) => c.update_appointment_type(u, id, &args.name, args.duration_minutes)?,
                None => drop(c.add_appointment_type(u, &args.name, args.duration_minutes)?),
            }
            c.appointment_types(u)
        })
        .await
}

#[tauri::command]
pub async fn archive_appointment_type(
    state: State<'_, Arc<AppState>>,
    args: AppointmentTypeIdArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.archive_appointment_type(u, &args.type_id))
        .await
}

#[tauri::command]
pub async fn slot_minutes(state: State<'_, Arc<AppState>>) -> IpcResult<u32> {
    state.as_user(|c, u| c.slot_minutes(u)).await
}

#[tauri::command]
pub async fn set_slot_minutes(
    state: State<'_, Arc<AppState>>,
    args: SlotMinutesArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.set_slot_minutes(u, args.minutes))
        .await
}

#[tauri::command]
pub async fn free_time(
    state: State<'_, Arc<AppState>>,
    args: FreeTimeArgs,
) -> IpcResult<Option<FreeTime>> {
    state
        .as_user(move |c, u| c.free_time(u, &args.provider_id, &args.starts_at))
        .await
}

#[tauri::command]
pub async fn available_slots(
    state: State<'_, Arc<AppState>>,
    args: AvailableSlotsArgs,
) -> IpcResult<Vec<Slot>> {
    state
        .as_user(move |c, u| {
            c.available_slots(
                u,
                &args.provider_id,
                day("day", &args.day)?,
                args.appointment_type_id.as_deref(),
            )
        })
        .await
}

#[tauri::command]
pub async fn next_free_slots(
    state: State<'_, Arc<AppState>>,
    args: SlotQuery,
) -> IpcResult<Vec<Slot>> {
    state.as_user(move |c, u| c.next_free_slots(u, args)).await
}

#[tauri::command]
pub async fn book_appointment(
    state: State<'_, Arc<AppState>>,
    args: NewAppointment,
) -> IpcResult<String> {
    state.as_user(move |c, u| c.book_appointment(u, args)).await
}

#[tauri::command]
pub async fn reschedule_appointment(
    state: State<'_, Arc<AppState>>,
    args: RescheduleArgs,
) -> IpcResult<String> {
    state
        .as_user(move |c, u| c.reschedule_appointment(u, &args.appointment_id, args.to))
        .await
}

#[tauri::command]
pub async fn set_appointment_status(
    state: State<'_, Arc<AppState>>,
    args: SetAppointmentStatusArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| {
            c.set_appointment_status(
                u,
                &args.appointment_id,
                args.status,
                args.cancellation_reason.as_deref(),
            )
        })
        .await
}

#[tauri::command]
pub async fn book_walk_in(state: State<'_, Arc<AppState>>, args: WalkIn) -> IpcResult<String> {
    state.as_user(move |c, u| c.book_walk_in(u, args)).await
}

#[tauri::command]
pub async fn plan_recurring(
    state: State<'_, Arc<AppState>>,
    args: RecurringPlan,
) -> IpcResult<Vec<PlannedOccurrence>> {
    state.as_user(move |c, u| c.plan_recurring(u, args)).await
}

#[tauri::command]
pub async fn book_recurring(
    state: State<'_, Arc<AppState>>,
    args: BookRecurringArgs,
) -> IpcResult<BookedSeries> {
    state
        .as_user(move |c, u| c.book_recurring(u, args.first, &args.occurrences))
        .await
}

#[tauri::command]
pub async fn appointment(
    state: State<'_, Arc<AppState>>,
    args: AppointmentIdArgs,
) -> IpcResult<AppointmentSummary> {
    state
        .as_user(move |c, u| c.appointment(u, &args.appointment_id))
        .await
}

#[tauri::command]
pub async fn calendar(state: State<'_, Arc<AppState>>, args: CalendarArgs) -> IpcResult<Calendar> {
    state
        .as_user(move |c, u| {
            c.calendar(
                u,
                day("fromDate", &args.from_date)?,
                args.days,
                args.provider_id.as_deref(),
            )
        })
        .await
}

#[tauri::command]
pub async fn call_list(
    state: State<'_, Arc<AppState>>,
    args: DayArgs,
) -> IpcResult<Vec<CallListEntry>> {
    state
        .as_user(move |c, u| c.call_list(u, day("day", &args.day)?))
        .await
}

#[tauri::command]
pub async fn waiting_room(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<QueueEntry>> {
    state.as_user(|c, u| c.waiting_room(u)).await
}

#[tauri::command]
pub async fn call_patient(state: State<'_, Arc<AppState>>, args: CallPatientArgs) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.call_patient(u, &args.appointment_id, &args.room))
        .await
}

/// The calls the waiting-room display shows (first name and last initial only).
#[tauri::command]
pub async fn room_calls(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<RoomCall>> {
    state.as_display(|c, u| c.room_calls(u, 6)).await
}

/// Opens the waiting-room display: its own window, full screen on a second monitor when there is one.
/// It acts for the user who opened it, who must be allowed to see the schedule.
#[tauri::command]
pub async fn open_waiting_room_display(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
) -> IpcResult<()> {
    let user = state
        .as_user(|c, u| c.room_calls(u, 1).map(|_| u.clone()))
        .await?;
    state.grant_display(user);
    if let Some(window) = app.get_webview_window(DISPLAY_WINDOW) {
        return window
            .set_focus()
            .map_err(|e| IpcError::internal(format!("the display could not be shown: {e}")));
    }
    let primary = app.primary_monitor().ok().flatten();
    let second = app
        .available_monitors()
        .unwrap_or_default()
        .into_iter()
        .find(|m| {
            primary
                .as_ref()
                .is_none_or(|p| p.position() != m.position())
        });
    let mut builder = WebviewWindowBuilder::new(
        &app,
        DISPLAY_WINDOW,
        WebviewUrl::App("index.html?view=waiting-room".into()),
    )
    .title("Waiting room");
    builder = match &second {
        Some(monitor) => {
            let at = monitor.position().to_logical::<f64>(monitor.scale_factor());
            builder.position(at.x, at.y).fullscreen(true)
        }
        None => builder.inner_size(960.0, 600.0),
    };
    builder
        .build()
        .map(drop)
        .map_err(|e| IpcError::internal(format!("the display could not be opened: {e}")))
}

#[tauri::command]
pub async fn add_to_waitlist(
    state: State<'_, Arc<AppState>>,
    args: NewWaitlistEntry,
) -> IpcResult<String> {
    state.as_user(move |c, u| c.add_to_waitlist(u, args)).await
}

#[tauri::command]
pub async fn waitlist(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<WaitlistEntry>> {
    state.as_user(|c, u| c.waitlist(u)).await
}

#[tauri::command]
pub async fn remove_from_waitlist(
    state: State<'_, Arc<AppState>>,
    args: WaitlistEntryArgs,
) -> IpcResult<()> {
    state
        .as_user(move |c, u| c.remove_from_waitlist(u, &args.entry_id))
        .await
}

#[tauri::command]
pub async fn waitlist_candidates(
    state: State<'_, Arc<AppState>>,
    args: AppointmentIdArgs,
) -> IpcResult<Vec<WaitlistEntry>> {
    state
        .as_user(move |c, u| c.waitlist_candidates(u, &args.appointment_id))
        .await
}

#[tauri::command]
pub async fn book_from_waitlist(
    state: State<'_, Arc<AppState>>,
    args: BookFromWaitlistArgs,
) -> IpcResult<String> {
    state
        .as_user(move |c, u| c.book_from_waitlist(u, &args.entry_id, &args.freed_appointment_id))
        .await
}
