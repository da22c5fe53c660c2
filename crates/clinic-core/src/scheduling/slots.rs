//! Free appointment slots of one provider on one day, computed from plain data so that the rules can be
//! tested (and property-tested) without a database.
//!
//! Working hours and opening hours are wall-clock times in the clinic's time zone. They are turned into
//! UTC instants once, and the slot grid then steps in real minutes from the start of each window. So on a
//! daylight-saving day a morning that starts at 08:00 still starts at 08:00, the hour that does not exist
//! in spring has no slots, and the hour that happens twice in autumn has both of its slots.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use clinic_store::{Reader, format_instant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::appointments::{BOOKED_COLUMNS, stored_booking};
use super::clash::HeldBy;
use super::{
    Provider, active_provider, default_minutes, opening_blocks, optional_id, parse_id,
    time_off_between, working_blocks,
};
use crate::auth::permissions::Action;
use crate::time::{day_bounds, local_hhmm, local_to_utc, parse_instant, today};
use crate::validate::{date, optional};
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// A span of wall-clock time on one day, [start, end).
pub(crate) type LocalSpan = (NaiveTime, NaiveTime);
/// A span of real time, [start, end).
pub(crate) type Span = (DateTime<Utc>, DateTime<Utc>);

/// Everything that decides one provider's free slots on one day.
#[derive(Clone, Debug)]
pub(crate) struct DayPlan {
    pub tz: Tz,
    pub day: NaiveDate,
    /// The provider's working blocks that day; the gaps between them are breaks.
    pub working: Vec<LocalSpan>,
    /// The clinic's opening hours that day; `None` when the clinic set no opening hours at all.
    pub opening: Option<Vec<LocalSpan>>,
    /// Bookings that hold time, and time off.
    pub busy: Vec<Span>,
    pub slot_minutes: i64,
    pub duration_minutes: i64,
    /// No slot starts before this (now).
    pub not_before: DateTime<Utc>,
}

/// The free slots of the day, in time order: every slot lies inside a working block and inside opening
/// hours, overlaps no busy span, and does not start before `not_before`.
pub(crate) fn free_slots(plan: &DayPlan) -> Vec<Span> {
    let step = Duration::minutes(plan.slot_minutes.max(1));
    let length = Duration::minutes(plan.duration_minutes.max(1));
    let mut slots = Vec::new();
    for (start, end) in windows(plan) {
        let mut at = start;
        while at + length <= end {
            let slot = (at, at + length);
            if at >= plan.not_before && !plan.busy.iter().any(|busy| overlaps(*busy, slot)) {
                slots.push(slot);
            }
            at += step;
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

/// The day's working blocks cut to the opening hours, as real-time windows.
fn windows(plan: &DayPlan) -> Vec<Span> {
    let instant = |t: NaiveTime| local_to_utc(plan.tz, plan.day.and_time(t));
    let local: Vec<LocalSpan> = match &plan.opening {
        None => plan.working.clone(),
        Some(opening) => plan
            .working
            .iter()
            .flat_map(|w| opening.iter().map(move |o| (w.0.max(o.0), w.1.min(o.1))))
            .filter(|(s, e)| s < e)
            .collect(),
    };
    local
        .into_iter()
        .map(|(s, e)| (instant(s), instant(e)))
        .filter(|(s, e)| s < e)
        .collect()
}

pub(crate) fn overlaps(a: Span, b: Span) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Whether a span lies inside the day's hours (working and opening) and overlaps nothing busy; the grid
/// and `not_before` do not matter here (an existing booking may sit off the grid).
pub(crate) fn fits(plan: &DayPlan, span: Span) -> bool {
    windows(plan).iter().any(|w| w.0 <= span.0 && span.1 <= w.1)
        && !plan.busy.iter().any(|busy| overlaps(*busy, span))
}

/// How a span falls outside a provider's hours that day (working hours cut to opening hours): a
/// warning the user may confirm, never a refusal (a front desk squeezes patients in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OutsideHours {
    /// No hours at all that day.
    NotWorking,
    /// It starts before the first block.
    BeforeHours { starts: NaiveTime },
    /// It starts in, or runs into, a break between two blocks.
    Break { from: NaiveTime, to: NaiveTime },
    /// It starts after, or runs past, the end of the last block.
    AfterHours { ends: NaiveTime },
}

/// Where `span` leaves the day's hours, or None when it lies inside one block. Busy time is not looked
/// at here: bookings and time off are the conflict checks' business.
pub(crate) fn outside_hours(plan: &DayPlan, span: Span) -> Option<OutsideHours> {
    let windows = windows(plan);
    if windows.iter().any(|w| w.0 <= span.0 && span.1 <= w.1) {
        return None;
    }
    let local = |t: DateTime<Utc>| t.with_timezone(&plan.tz).time();
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return Some(OutsideHours::NotWorking);
    };
    if span.0 < first.0 {
        return Some(OutsideHours::BeforeHours {
            starts: local(first.0),
        });
    }
    // The first gap the span touches: it starts in it, or its block ends before the span does.
    for pair in windows.windows(2) {
        let (block, next) = (pair[0], pair[1]);
        if span.0 < next.0 && span.1 > block.1 {
            return Some(OutsideHours::Break {
                from: local(block.1),
                to: local(next.0),
            });
        }
    }
    Some(OutsideHours::AfterHours {
        ends: local(last.1),
    })
}

/// The minutes free from `at` on: up to the end of its block or the next busy span, whichever comes
/// first; None when `at` is outside the hours or busy.
pub(crate) fn free_from(plan: &DayPlan, at: DateTime<Utc>) -> Option<(i64, DateTime<Utc>)> {
    let window = windows(plan).into_iter().find(|w| w.0 <= at && at < w.1)?;
    if plan.busy.iter().any(|b| b.0 <= at && at < b.1) {
        return None;
    }
    let until = plan
        .busy
        .iter()
        .filter(|b| b.0 > at)
        .map(|b| b.0)
        .fold(window.1, DateTime::min);
    Some(((until - at).num_minutes(), until))
}

/// A free slot to offer.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub provider_id: String,
    pub provider_name: String,
    pub provider_colour: String,
    pub starts_at: String,
    pub ends_at: String,
    /// The clinic-local date ("YYYY-MM-DD") and wall-clock times ("HH:MM").
    pub local_date: String,
    pub local_start: String,
    pub local_end: String,
}

/// Where to look for the next free slots: one provider, or every provider of a specialty.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SlotQuery {
    pub provider_id: Option<String>,
    pub specialty: Option<String>,
    /// The slot is as long as this type's default (else `durationMinutes`, else the slot length).
    pub appointment_type_id: Option<String>,
    #[ts(type = "number | null")]
    pub duration_minutes: Option<i64>,
    /// The first day to look at, "YYYY-MM-DD"; today when empty.
    pub from_date: Option<String>,
    /// How many slots (1 to 50).
    pub count: u32,
}

/// The time free from a start on, up to a break, a booking, time off or the end of the provider's
/// hours: the booking dialog offers the appointment types that fit in it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FreeTime {
    #[ts(type = "number")]
    pub minutes: i64,
    /// Where the free time ends, on the clinic's wall clock ("HH:MM").
    pub until: String,
}

/// How far ahead the next free slots are looked for.
const SEARCH_DAYS: i64 = 90;

impl Clinic {
    /// The free slots of one provider on one clinic-local day, for an appointment of the given type (or
    /// the clinic's slot length).
    pub fn available_slots(
        &self,
        by: &SessionUser,
        provider_id: &str,
        day: NaiveDate,
        appointment_type_id: Option<&str>,
    ) -> CoreResult<Vec<Slot>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let provider = parse_id("providerId", provider_id)?;
        let kind = optional_id("appointmentTypeId", appointment_type_id)?;
        let settings = self.settings()?;
        let now = self.now();
        access.read(|r| {
            let provider = active_provider(&r, provider)?;
            let minutes = default_minutes(&r, kind, settings.slot_minutes)?;
            provider_day_slots(
                &r,
                &DayContext::new(settings.time_zone, settings.slot_minutes, now),
                &provider,
                day,
                minutes,
            )
        })
    }

    /// The free time of a provider from `starts_at` on; None when that moment is outside the hours or
    /// already taken.
    pub fn free_time(
        &self,
        by: &SessionUser,
        provider_id: &str,
        starts_at: &str,
    ) -> CoreResult<Option<FreeTime>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        let provider = parse_id("providerId", provider_id)?;
        let at = super::instant("startsAt", starts_at)?;
        let settings = self.settings()?;
        let tz = settings.time_zone;
        let context = DayContext::new(tz, settings.slot_minutes, self.now());
        access.read(|r| {
            let provider = active_provider(&r, provider)?;
            let day = at.with_timezone(&tz).date_naive();
            let plan = day_plan(&r, &context, &provider.id, day, 1, None)?;
            Ok(free_from(&plan, at).map(|(minutes, until)| FreeTime {
                minutes,
                until: local_hhmm(tz, until),
            }))
        })
    }

    /// The next free slots from a day on, with one provider or any provider of a specialty, soonest
    /// first (at most 90 days ahead).
    pub fn next_free_slots(&self, by: &SessionUser, query: SlotQuery) -> CoreResult<Vec<Slot>> {
        let access = self.authorize(by, Action::ViewSchedule)?;
        if !(1..=50).contains(&query.count) {
            return Err(CoreError::invalid(
                "count",
                message!("between", min = 1, max = 50),
            ));
        }
        let provider = optional_id("providerId", query.provider_id.as_deref())?;
        let specialty = optional("specialty", query.specialty.as_deref(), 80)?;
        if provider.is_none() && specialty.is_none() {
            return Err(CoreError::invalid(
                "specialty",
                message!("provider_or_specialty"),
            ));
        }
        let kind = optional_id("appointmentTypeId", query.appointment_type_id.as_deref())?;
        if let Some(m) = query.duration_minutes
            && !(5..=480).contains(&m)
        {
            return Err(CoreError::invalid(
                "durationMinutes",
                message!("minutes_between", min = 5, max = 480),
            ));
        }
        let settings = self.settings()?;
        let now = self.now();
        let first = match query.from_date.as_deref().map(str::trim) {
            None | Some("") => today(settings.time_zone, now),
            Some(text) => date("fromDate", text)?,
        };
        let context = DayContext::new(settings.time_zone, settings.slot_minutes, now);
        access.read(|r| {
            let providers: Vec<Provider> = match provider {
                Some(id) => vec![active_provider(&r, id)?],
                None => r.query_all(
                    &format!(
                        "SELECT {} FROM providers WHERE archived_at IS NULL AND specialty = ?1 COLLATE NOCASE
                         ORDER BY display_name",
                        super::PROVIDER_COLUMNS
                    ),
                    [specialty.as_deref()],
                    super::provider_row,
                )?,
            };
            let minutes = match (kind, query.duration_minutes) {
                (None, Some(m)) => m,
                _ => default_minutes(&r, kind, settings.slot_minutes)?,
            };
            let mut found = Vec::new();
            for offset in 0..SEARCH_DAYS {
                let day = first + Duration::days(offset);
                let mut of_day = Vec::new();
                for provider in &providers {
                    of_day.extend(provider_day_slots(&r, &context, provider, day, minutes)?);
                }
                of_day.sort_by(|a, b| (&a.starts_at, &a.provider_name).cmp(&(&b.starts_at, &b.provider_name)));
                found.extend(of_day);
                if found.len() >= query.count as usize {
                    break;
                }
            }
            found.truncate(query.count as usize);
            Ok(found)
        })
    }
}

/// What every day's slot computation shares.
pub(crate) struct DayContext {
    pub tz: Tz,
    pub slot_minutes: i64,
    pub now: DateTime<Utc>,
}

impl DayContext {
    pub(crate) fn new(tz: Tz, slot_minutes: i64, now: DateTime<Utc>) -> DayContext {
        DayContext {
            tz,
            slot_minutes,
            now,
        }
    }
}

/// A provider's day as the slot rules see it, read from the store. `ignore` leaves one appointment out
/// of the bookings (the one being moved).
pub(crate) fn day_plan(
    r: &Reader<'_>,
    context: &DayContext,
    provider: &str,
    day: NaiveDate,
    minutes: i64,
    ignore: Option<&str>,
) -> CoreResult<DayPlan> {
    let (from, to) = day_bounds(context.tz, day);
    // The query narrows the rows by provider and day; the booking rule says which hold time.
    let rows = r.query_all(
        &format!(
            "SELECT {BOOKED_COLUMNS} FROM appointments a
             WHERE a.provider_id = ?1 AND a.starts_at < ?3 AND a.ends_at > ?2"
        ),
        (provider, format_instant(from), format_instant(to)),
        stored_booking,
    )?;
    let mut busy: Vec<Span> = Vec::with_capacity(rows.len());
    for stored in rows {
        let booked = stored.for_the_rule()?;
        if Some(booked.id.as_str()) != ignore && booked.holds_time(HeldBy::Provider) {
            busy.push(booked.span);
        }
    }
    busy.extend(
        time_off_between(r, provider, from, to)?
            .into_iter()
            .filter_map(|t| Some((parse_instant(&t.starts_at)?, parse_instant(&t.ends_at)?))),
    );
    Ok(DayPlan {
        tz: context.tz,
        day,
        working: working_blocks(r, provider, day)?,
        opening: opening_blocks(r, day)?,
        busy,
        slot_minutes: context.slot_minutes,
        duration_minutes: minutes,
        not_before: context.now,
    })
}

fn provider_day_slots(
    r: &Reader<'_>,
    context: &DayContext,
    provider: &Provider,
    day: NaiveDate,
    minutes: i64,
) -> CoreResult<Vec<Slot>> {
    let plan = day_plan(r, context, &provider.id, day, minutes, None)?;
    Ok(free_slots(&plan)
        .into_iter()
        .map(|span| slot(context.tz, provider, span))
        .collect())
}

pub(crate) fn slot(tz: Tz, provider: &Provider, (start, end): Span) -> Slot {
    Slot {
        provider_id: provider.id.clone(),
        provider_name: provider.display_name.clone(),
        provider_colour: provider.colour.clone(),
        starts_at: format_instant(start),
        ends_at: format_instant(end),
        local_date: start.with_timezone(&tz).date_naive().to_string(),
        local_start: local_hhmm(tz, start),
        local_end: local_hhmm(tz, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn plan(tz: &str, day: NaiveDate, working: Vec<LocalSpan>) -> DayPlan {
        DayPlan {
            tz: tz.parse().unwrap(),
            day,
            working,
            opening: None,
            busy: vec![],
            slot_minutes: 15,
            duration_minutes: 15,
            not_before: DateTime::<Utc>::MIN_UTC,
        }
    }

    fn local_starts(plan: &DayPlan) -> Vec<String> {
        free_slots(plan)
            .into_iter()
            .map(|(s, _)| s.with_timezone(&plan.tz).format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn a_morning_on_a_daylight_saving_day_starts_at_its_wall_clock_time() {
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let p = plan("Europe/Madrid", spring, vec![(hm(8, 0), hm(9, 0))]);
        assert_eq!(local_starts(&p), ["08:00", "08:15", "08:30", "08:45"]);
        let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let p = plan("Europe/Madrid", autumn, vec![(hm(8, 0), hm(9, 0))]);
        assert_eq!(local_starts(&p), ["08:00", "08:15", "08:30", "08:45"]);
    }

    #[test]
    fn the_missing_spring_hour_has_no_slots_and_the_repeated_autumn_hour_has_two() {
        let spring = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let p = DayPlan {
            slot_minutes: 30,
            duration_minutes: 30,
            ..plan("America/New_York", spring, vec![(hm(1, 0), hm(4, 0))])
        };
        assert_eq!(local_starts(&p), ["01:00", "01:30", "03:00", "03:30"]);
        let autumn = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let p = DayPlan {
            slot_minutes: 30,
            duration_minutes: 30,
            ..plan("America/New_York", autumn, vec![(hm(0, 0), hm(3, 0))])
        };
        assert_eq!(
            local_starts(&p),
            [
                "00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30"
            ]
        );
    }

    #[test]
    fn breaks_bookings_opening_hours_and_the_past_remove_slots() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let tz: Tz = "Europe/Madrid".parse().unwrap();
        let at = |h, m| local_to_utc(tz, day.and_time(hm(h, m)));
        let p = DayPlan {
            opening: Some(vec![(hm(8, 30), hm(14, 0))]),
            busy: vec![(at(9, 0), at(9, 30))],
            not_before: at(8, 40),
            duration_minutes: 30,
            ..plan(
                "Europe/Madrid",
                day,
                vec![(hm(8, 0), hm(10, 0)), (hm(11, 0), hm(12, 0))],
            )
        };
        assert_eq!(
            local_starts(&p),
            ["09:30", "11:00", "11:15", "11:30"],
            "08:30 and 08:45 are past, 09:00 and 09:15 are booked, 10:00 to 11:00 is a break"
        );
    }

    #[test]
    fn a_booking_past_a_break_or_the_end_of_hours_is_named() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let tz: Tz = "Europe/Madrid".parse().unwrap();
        let at = |h, m| local_to_utc(tz, day.and_time(hm(h, m)));
        let p = DayPlan {
            opening: Some(vec![(hm(8, 0), hm(19, 0))]),
            ..plan(
                "Europe/Madrid",
                day,
                vec![(hm(9, 0), hm(12, 30)), (hm(13, 30), hm(18, 0))],
            )
        };
        let cases = [
            ((at(10, 0), at(10, 30)), None),
            ((at(12, 0), at(12, 30)), None),
            (
                (at(12, 15), at(12, 45)),
                Some(OutsideHours::Break {
                    from: hm(12, 30),
                    to: hm(13, 30),
                }),
            ),
            (
                (at(12, 45), at(13, 15)),
                Some(OutsideHours::Break {
                    from: hm(12, 30),
                    to: hm(13, 30),
                }),
            ),
            (
                (at(17, 45), at(18, 15)),
                Some(OutsideHours::AfterHours { ends: hm(18, 0) }),
            ),
            (
                (at(18, 30), at(19, 0)),
                Some(OutsideHours::AfterHours { ends: hm(18, 0) }),
            ),
            (
                (at(8, 30), at(9, 0)),
                Some(OutsideHours::BeforeHours { starts: hm(9, 0) }),
            ),
        ];
        for (span, expected) in cases {
            assert_eq!(outside_hours(&p, span), expected, "{span:?}");
        }
        let closed = plan("Europe/Madrid", day, vec![]);
        assert_eq!(
            outside_hours(&closed, (at(10, 0), at(10, 30))),
            Some(OutsideHours::NotWorking)
        );
    }

    #[test]
    fn the_free_time_from_a_start_ends_at_a_break_a_booking_or_the_end_of_hours() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let tz: Tz = "Europe/Madrid".parse().unwrap();
        let at = |h, m| local_to_utc(tz, day.and_time(hm(h, m)));
        let p = DayPlan {
            busy: vec![(at(10, 0), at(10, 30))],
            ..plan(
                "Europe/Madrid",
                day,
                vec![(hm(9, 0), hm(12, 30)), (hm(13, 30), hm(18, 0))],
            )
        };
        assert_eq!(free_from(&p, at(12, 15)), Some((15, at(12, 30))));
        assert_eq!(free_from(&p, at(9, 30)), Some((30, at(10, 0))));
        assert_eq!(free_from(&p, at(17, 0)), Some((60, at(18, 0))));
        assert_eq!(free_from(&p, at(10, 15)), None, "booked");
        assert_eq!(free_from(&p, at(12, 45)), None, "in the break");
    }

    const ZONES: [&str; 6] = [
        "Europe/Madrid",
        "America/New_York",
        "America/Santiago",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "UTC",
    ];

    /// Days around the daylight-saving changes of 2026 in the zones above, and some ordinary ones.
    fn any_day() -> impl Strategy<Value = NaiveDate> {
        let special = [
            (2026, 3, 29),
            (2026, 10, 25),
            (2026, 3, 8),
            (2026, 11, 1),
            (2026, 4, 5),
            (2026, 9, 6),
            (2026, 10, 4),
            (2026, 6, 15),
        ];
        prop_oneof![
            proptest::sample::select(special.to_vec())
                .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
            (0i64..730)
                .prop_map(|n| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(n)),
        ]
    }

    fn any_local_spans(max: usize) -> impl Strategy<Value = Vec<LocalSpan>> {
        proptest::collection::vec((0u32..96, 1u32..48), 0..max).prop_map(|spans| {
            spans
                .into_iter()
                .map(|(start, length)| {
                    let end = (start + length).min(96);
                    let t = |q: u32| {
                        if q >= 96 {
                            hm(23, 59)
                        } else {
                            hm(q / 4, (q % 4) * 15)
                        }
                    };
                    (t(start), t(end))
                })
                .filter(|(s, e)| s < e)
                .collect()
        })
    }

    prop_compose! {
        fn any_plan()(
            zone in proptest::sample::select(ZONES.to_vec()),
            day in any_day(),
            working in any_local_spans(4),
            opening in proptest::option::of(any_local_spans(3)),
            busy in proptest::collection::vec((0i64..1_440, 5i64..180), 0..8),
            slot_minutes in proptest::sample::select(vec![5i64, 10, 15, 20, 30, 60]),
            duration_minutes in proptest::sample::select(vec![5i64, 15, 20, 30, 45, 60, 90]),
            not_before_minute in proptest::option::of(0i64..1_440),
        ) -> DayPlan {
            let tz: Tz = zone.parse().unwrap();
            let midnight = local_to_utc(tz, day.and_time(NaiveTime::MIN));
            DayPlan {
                tz,
                day,
                working,
                opening,
                busy: busy
                    .into_iter()
                    .map(|(start, length)| {
                        let s = midnight + Duration::minutes(start);
                        (s, s + Duration::minutes(length))
                    })
                    .collect(),
                slot_minutes,
                duration_minutes,
                not_before: not_before_minute
                    .map_or(DateTime::<Utc>::MIN_UTC, |m| midnight + Duration::minutes(m)),
            }
        }
    }

    /// Whether the real span lies inside the wall-clock span on the plan's day.
    fn inside(plan: &DayPlan, slot: Span, span: LocalSpan) -> bool {
        let start = local_to_utc(plan.tz, plan.day.and_time(span.0));
        let end = local_to_utc(plan.tz, plan.day.and_time(span.1));
        start <= slot.0 && slot.1 <= end
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn every_slot_is_free_inside_hours_and_not_past(plan in any_plan()) {
            let slots = free_slots(&plan);
            for slot in &slots {
                prop_assert_eq!(slot.1 - slot.0, Duration::minutes(plan.duration_minutes));
                prop_assert!(slot.0 >= plan.not_before, "{:?} starts in the past", slot);
                for busy in &plan.busy {
                    prop_assert!(!overlaps(*busy, *slot), "{:?} overlaps {:?}", slot, busy);
                }
                prop_assert!(
                    plan.working.iter().any(|w| inside(&plan, *slot, *w)),
                    "{:?} is outside working hours (a break)", slot
                );
                if let Some(opening) = &plan.opening {
                    prop_assert!(
                        opening.iter().any(|o| inside(&plan, *slot, *o)),
                        "{:?} is outside opening hours", slot
                    );
                }
                let local_day = slot.0.with_timezone(&plan.tz).date_naive();
                prop_assert_eq!(local_day, plan.day);
            }
            prop_assert!(slots.windows(2).all(|w| w[0].0 < w[1].0), "slots are in order, once each");
        }

        #[test]
        fn a_free_working_block_inside_opening_hours_offers_its_first_slot(plan in any_plan()) {
            let plan = DayPlan { busy: vec![], not_before: DateTime::<Utc>::MIN_UTC, opening: None, ..plan };
            let slots = free_slots(&plan);
            for block in &plan.working {
                let start = local_to_utc(plan.tz, plan.day.and_time(block.0));
                let end = local_to_utc(plan.tz, plan.day.and_time(block.1));
                if end - start >= Duration::minutes(plan.duration_minutes) {
                    prop_assert!(slots.iter().any(|s| s.0 == start), "no slot at the start of {:?}", block);
                }
            }
        }
    }
}
