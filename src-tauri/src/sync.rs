//! Syncing while the app runs: the background task that holds a round with the clinic server after
//! local changes, every so often, and with growing pauses while the server cannot be reached; and a
//! new computer's join, pulled in on a thread of its own. The rules of a round are clinic-core's;
//! this module decides only when rounds run and remembers how they went, for the header and
//! Administration > Sync.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use clinic_core::{
    Clinic, CoreError, ErrorCode, JoinProgress, RecoveryKey, SYNC_QUIET, ServerAddress, SyncReport,
    SyncStatus, message, retry_delay,
};
use clinic_sync::HttpsServer;
use serde::Serialize;
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::ipc::{IpcError, IpcResult};
use crate::state::AppState;

/// The event the UI hears after a round brought other devices' changes: its cached screens refetch.
pub const SYNCED_EVENT: &str = "clinic-synced";

/// How this computer's syncing goes, as the header and Administration > Sync show it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncOverview {
    pub status: SyncStatus,
    /// Whether the last round reached the server; None before the first round since the app started.
    pub online: Option<bool>,
    /// A round is running now.
    pub syncing: bool,
    /// Rounds that failed in a row, and since when.
    pub failures: u32,
    pub failing_since: Option<String>,
    /// Why the last round failed.
    pub last_failure: Option<IpcError>,
    /// The last round failed for a reason someone has to act on (the server refused this computer, a
    /// change, or its version), not just because the server could not be reached.
    pub needs_action: bool,
    pub next_round_at: Option<String>,
}

/// A new computer's join, as its first-run screen shows it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinView {
    /// Pulling now.
    pub running: bool,
    /// Everything pulled: the clinic is here.
    pub pulled: bool,
    pub progress: Option<JoinProgress>,
    /// Why the pull stopped, or why it is waiting to try again.
    pub error: Option<IpcError>,
    /// This computer's recovery key, shown while the clinic arrives (it exists from the start, and is
    /// never shown again).
    pub recovery_key: Option<String>,
}

#[derive(Default)]
struct Rounds {
    running: bool,
    online: Option<bool>,
    failures: u32,
    failing_since: Option<DateTime<Utc>>,
    last_failure: Option<IpcError>,
    next_round_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct Joining {
    running: bool,
    progress: Option<JoinProgress>,
    error: Option<IpcError>,
    /// Made with the store; held until the user has put it away.
    recovery_key: Option<RecoveryKey>,
}

/// What the app holds about syncing.
pub struct Syncing {
    rounds: Mutex<Rounds>,
    joining: Mutex<Joining>,
    /// One round at a time, whoever starts it (the background task, or Sync now).
    one_round: Mutex<()>,
    /// Wakes the background task for a round at once (just paired).
    wake: tokio::sync::Notify,
    /// How often the background round runs when nothing calls for one sooner.
    every: Duration,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Up to a fifth either way, so that computers cut off together do not all come back at once.
fn jitter() -> f64 {
    rand::random_range(-1.0..=1.0)
}

/// The server this computer is paired with, from its sync status.
fn server_of(status: &SyncStatus) -> IpcResult<HttpsServer> {
    match (&status.server_url, &status.fingerprint, status.paired) {
        (Some(url), Some(fingerprint), true) => Ok(HttpsServer::new(&ServerAddress {
            url: url.clone(),
            fingerprint: fingerprint.clone(),
        })?),
        _ => Err(CoreError::Conflict(message!("sync_not_paired")).into()),
    }
}

impl Syncing {
    pub fn new(every: Duration) -> Syncing {
        Syncing {
            rounds: Mutex::new(Rounds::default()),
            joining: Mutex::new(Joining::default()),
            one_round: Mutex::new(()),
            wake: tokio::sync::Notify::new(),
            every,
        }
    }

    pub fn overview(&self, clinic: &Clinic) -> IpcResult<SyncOverview> {
        let status = clinic.sync_status()?;
        let rounds = lock(&self.rounds);
        Ok(SyncOverview {
            status,
            online: rounds.online,
            syncing: rounds.running,
            failures: rounds.failures,
            failing_since: rounds.failing_since.map(stamp),
            needs_action: rounds
                .last_failure
                .as_ref()
                .is_some_and(|f| f.code != ErrorCode::ServerUnreachable),
            last_failure: rounds.last_failure.clone(),
            next_round_at: rounds.next_round_at.map(stamp),
        })
    }

    /// Asks the background task for a round now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs one round (`run` calls clinic-core with the paired server) and remembers how it went. Call
    /// it on a blocking thread.
    pub fn round(
        &self,
        clinic: &Clinic,
        run: impl FnOnce(&HttpsServer) -> Result<SyncReport, CoreError>,
    ) -> IpcResult<SyncReport> {
        let _one = lock(&self.one_round);
        let server = server_of(&clinic.sync_status()?)?;
        lock(&self.rounds).running = true;
        let outcome = run(&server).map_err(IpcError::from);
        let mut rounds = lock(&self.rounds);
        rounds.running = false;
        match &outcome {
            Ok(_) => {
                rounds.online = Some(true);
                rounds.failures = 0;
                rounds.failing_since = None;
                rounds.last_failure = None;
            }
            Err(err) => {
                rounds.online = Some(err.code != ErrorCode::ServerUnreachable);
                rounds.failures += 1;
                rounds.failing_since.get_or_insert_with(Utc::now);
                rounds.last_failure = Some(err.clone());
            }
        }
        outcome
    }

    fn failing(&self) -> bool {
        lock(&self.rounds).failures > 0
    }

    /// The pause before the next background round: the usual one after a round that went well,
    /// growing ones while rounds fail.
    fn pause(&self) -> Duration {
        match lock(&self.rounds).failures {
            0 => self.every,
            failures => retry_delay(failures, jitter()),
        }
    }

    pub fn view_join(&self, clinic: &Clinic) -> IpcResult<JoinView> {
        let pulled = !clinic.join_unfinished()?;
        let joining = lock(&self.joining);
        Ok(JoinView {
            running: joining.running,
            pulled,
            progress: joining.progress,
            error: joining.error.clone(),
            recovery_key: joining
                .recovery_key
                .as_ref()
                .map(|k| k.to_display().to_string()),
        })
    }

    pub fn hold_join_key(&self, key: RecoveryKey) {
        lock(&self.joining).recovery_key = Some(key);
    }

    pub fn holds_join_key(&self) -> bool {
        lock(&self.joining).recovery_key.is_some()
    }

    /// Runs `f` on the joining computer's recovery key, if it is still held.
    pub fn with_join_key<T>(&self, f: impl FnOnce(&RecoveryKey) -> T) -> Option<T> {
        lock(&self.joining).recovery_key.as_ref().map(f)
    }

    pub fn drop_join_key(&self) {
        lock(&self.joining).recovery_key = None;
    }

    /// Pulls the clinic into a joining computer on a thread of its own, from where it stopped. While
    /// the server cannot be reached it tries again with growing pauses (the screen says so); a refusal
    /// stops it until the user tries again. Does nothing while a pull is running.
    pub fn start_join(self: &Arc<Self>, clinic: Arc<Clinic>) {
        {
            let mut joining = lock(&self.joining);
            if joining.running {
                return;
            }
            joining.running = true;
            joining.error = None;
        }
        let syncing = Arc::clone(self);
        std::thread::spawn(move || {
            let mut failures = 0;
            loop {
                let outcome = clinic.sync_status().map_err(IpcError::from).and_then(|s| {
                    let server = server_of(&s)?;
                    let mut report = |p| lock(&syncing.joining).progress = Some(p);
                    Ok(clinic.finish_join(&server, &mut report)?)
                });
                let mut joining = lock(&syncing.joining);
                match outcome {
                    Ok(()) => {
                        joining.error = None;
                        break;
                    }
                    Err(err) if err.code == ErrorCode::ServerUnreachable => {
                        failures += 1;
                        joining.error = Some(err);
                        drop(joining);
                        std::thread::sleep(retry_delay(failures, jitter()));
                    }
                    Err(err) => {
                        tracing::warn!(code = ?err.code, "joining the clinic stopped");
                        joining.error = Some(err);
                        break;
                    }
                }
            }
            lock(&syncing.joining).running = false;
        });
    }
}

/// Starts the background task: it looks every second whether a round is due, and holds one when the
/// pause since the last is over, when local changes have been quiet for [`SYNC_QUIET`] (a burst of
/// typing is one round), or when woken. Nothing runs while no clinic is open, none is paired, or the
/// clinic is still arriving on a joining computer.
pub fn start(app: AppHandle, state: Arc<AppState>) {
    tauri::async_runtime::spawn(async move {
        // The first round soon after the clinic opens: catch up with what others did meanwhile.
        let mut due = Instant::now() + Duration::from_secs(2);
        let mut waiting_after_round = 0;
        let mut waiting_seen = 0;
        let mut quiet_since = Instant::now();
        loop {
            tokio::select! {
                () = state.syncing.wake.notified() => due = Instant::now(),
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            let Some(clinic) = state.clinic_if_open() else {
                continue;
            };
            let look = Arc::clone(&clinic);
            let looked = tauri::async_runtime::spawn_blocking(move || {
                Ok::<_, CoreError>((look.sync_status()?, look.join_unfinished()?))
            })
            .await;
            let Ok(Ok((status, joining))) = looked else {
                continue;
            };
            if !status.paired || joining {
                continue;
            }
            let waiting = status.changes_waiting;
            if waiting != waiting_seen {
                waiting_seen = waiting;
                quiet_since = Instant::now();
            }
            let quiet_changes = waiting > waiting_after_round
                && quiet_since.elapsed() >= SYNC_QUIET
                && !state.syncing.failing();
            if Instant::now() < due && !quiet_changes {
                continue;
            }
            let syncing = Arc::clone(&state);
            let ran = tauri::async_runtime::spawn_blocking(move || {
                let report = syncing
                    .syncing
                    .round(&clinic, |server| clinic.sync_round(server));
                (report, clinic.sync_status().map(|s| s.changes_waiting))
            })
            .await;
            let pause = state.syncing.pause();
            due = Instant::now() + pause;
            lock(&state.syncing.rounds).next_round_at =
                Some(Utc::now() + chrono::Duration::from_std(pause).unwrap_or_default());
            if let Ok((report, waiting)) = ran {
                waiting_after_round = waiting.unwrap_or(0);
                match report {
                    Ok(report) if report.pulled > 0 => {
                        if let Err(err) = app.emit(SYNCED_EVENT, report) {
                            tracing::warn!("the screens could not be told of a sync: {err}");
                        }
                    }
                    Ok(_) => {}
                    Err(err) => tracing::info!(code = ?err.code, "a sync round failed"),
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_while_rounds_fail_and_reset_after_one_succeeds() {
        let syncing = Syncing::new(Duration::from_secs(30));
        assert_eq!(syncing.pause(), Duration::from_secs(30));
        lock(&syncing.rounds).failures = 3;
        let pause = syncing.pause();
        assert!(pause >= Duration::from_secs(16) && pause <= Duration::from_secs(24));
        lock(&syncing.rounds).failures = 0;
        assert_eq!(syncing.pause(), Duration::from_secs(30));
    }
}
