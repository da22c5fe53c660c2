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

/// The longest pause between a joining computer's tries while the server cannot be reached.
const JOIN_RETRY_LONGEST: Duration = Duration::from_secs(30);
/// The longest pause before listening to the live channel again; rounds go on meanwhile.
const LISTEN_RETRY_LONGEST: Duration = Duration::from_secs(30);
/// How often the background task looks whether a round is due.
const LOOK_EVERY: Duration = Duration::from_millis(100);

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
    /// When the background task holds its next round (None: at once), whoever ran the last one.
    next_round_at: Option<DateTime<Utc>>,
    /// How many changes this computer had made when the last round began: any made since wait for it.
    made_before_round: i64,
}

/// Raises a `running` flag for as long as it lives, and lowers it even if the work panics, so that a
/// failure never leaves the screens saying "syncing" forever or a join that cannot be tried again.
struct Running<'a, T> {
    state: &'a Mutex<T>,
    flag: fn(&mut T) -> &mut bool,
}

impl<'a, T> Running<'a, T> {
    fn raise(state: &'a Mutex<T>, flag: fn(&mut T) -> &mut bool) -> Running<'a, T> {
        *flag(&mut lock(state)) = true;
        Running { state, flag }
    }
}

impl<T> Drop for Running<'_, T> {
    fn drop(&mut self) {
        *(self.flag)(&mut lock(self.state)) = false;
    }
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
pub(crate) fn server_of(status: &SyncStatus) -> IpcResult<HttpsServer> {
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

    /// Runs one round (`run` calls clinic-core with the paired server), remembers how it went, and sets
    /// when the background task holds the next: the usual pause after a round that went well, growing
    /// ones while rounds fail. Call it on a blocking thread.
    pub fn round(
        &self,
        clinic: &Clinic,
        run: impl FnOnce(&HttpsServer) -> Result<SyncReport, CoreError>,
    ) -> IpcResult<SyncReport> {
        let _one = lock(&self.one_round);
        let status = clinic.sync_status()?;
        let server = server_of(&status)?;
        let running = Running::raise(&self.rounds, |r| &mut r.running);
        lock(&self.rounds).made_before_round = status.changes_made;
        let outcome = run(&server).map_err(IpcError::from);
        drop(running);
        let mut rounds = lock(&self.rounds);
        let pause = match &outcome {
            Ok(_) => {
                rounds.online = Some(true);
                rounds.failures = 0;
                rounds.failing_since = None;
                rounds.last_failure = None;
                self.every
            }
            Err(err) => {
                rounds.online = Some(err.code != ErrorCode::ServerUnreachable);
                rounds.failures += 1;
                rounds.failing_since.get_or_insert_with(Utc::now);
                rounds.last_failure = Some(err.clone());
                retry_delay(rounds.failures, jitter())
            }
        };
        rounds.next_round_at =
            Some(Utc::now() + chrono::Duration::from_std(pause).unwrap_or_default());
        outcome
    }

    /// Whether the background task holds a round now: its time has come, or changes made here since
    /// the last round began have been quiet for [`SYNC_QUIET`] (not while rounds fail: their pauses
    /// stand).
    fn round_due(&self, changes_made: i64, quiet_for: Duration) -> bool {
        let rounds = lock(&self.rounds);
        let time_come = rounds.next_round_at.is_none_or(|at| Utc::now() >= at);
        let quiet_changes = changes_made > rounds.made_before_round
            && quiet_for >= SYNC_QUIET
            && rounds.failures == 0;
        time_come || quiet_changes
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
            let _running = Running {
                state: &syncing.joining,
                flag: |j| &mut j.running,
            };
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
                        // Someone is waiting at this screen: never more than half a minute.
                        std::thread::sleep(retry_delay(failures, jitter()).min(JOIN_RETRY_LONGEST));
                    }
                    Err(err) => {
                        tracing::warn!(code = ?err.code, "joining the clinic stopped");
                        joining.error = Some(err);
                        break;
                    }
                }
            }
        });
    }
}

/// Starts the background task: it looks every tenth of a second whether a round is due (see
/// [`Syncing::round_due`]), or holds one at once when woken, as the live channel wakes it when another
/// computer's changes reach the server. Nothing runs while no clinic is open, none is paired, or the
/// clinic is still arriving on a joining computer.
pub fn start(app: AppHandle, state: Arc<AppState>) {
    listen(Arc::clone(&state));
    tauri::async_runtime::spawn(async move {
        let mut made_seen = 0;
        let mut quiet_since = Instant::now();
        loop {
            let woken = tokio::select! {
                () = state.syncing.wake.notified() => true,
                () = tokio::time::sleep(LOOK_EVERY) => false,
            };
            // Opening the clinic and reading the store may wait on locks: never on the async threads.
            let look = Arc::clone(&state);
            let looked = tauri::async_runtime::spawn_blocking(move || {
                let clinic = look.clinic_if_open()?;
                let status = clinic.sync_status().ok()?;
                let joining = clinic.join_unfinished().ok()?;
                Some((clinic, status, joining))
            })
            .await;
            let Ok(Some((clinic, status, joining))) = looked else {
                continue;
            };
            if !status.paired || joining {
                continue;
            }
            if status.changes_made != made_seen {
                made_seen = status.changes_made;
                quiet_since = Instant::now();
            }
            if !woken && !state.syncing.round_due(made_seen, quiet_since.elapsed()) {
                continue;
            }
            let syncing = Arc::clone(&state);
            let ran = tauri::async_runtime::spawn_blocking(move || {
                syncing
                    .syncing
                    .round(&clinic, |server| clinic.sync_round(server))
            })
            .await;
            match ran {
                Ok(Ok(report)) if report.pulled > 0 => {
                    if let Err(err) = app.emit(SYNCED_EVENT, report) {
                        tracing::warn!("the screens could not be told of a sync: {err}");
                    }
                }
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::info!(code = ?err.code, "a sync round failed"),
                Err(err) => tracing::error!("a sync round stopped unexpectedly: {err}"),
            }
        }
    });
}

/// Listens to the clinic server's live channel on a thread of its own for as long as the app runs, and
/// wakes the background task whenever another computer's changes have reached the server. While it
/// cannot listen (no round has given it an access token yet, the server is away) it tries again with
/// growing pauses, and the rounds every so often carry on alone.
fn listen(state: Arc<AppState>) {
    std::thread::spawn(move || {
        let mut last_seen = None;
        let mut failures = 0;
        loop {
            let ready = state.clinic_if_open().and_then(|clinic| {
                let status = clinic.sync_status().ok()?;
                let joining = clinic.join_unfinished().ok()?;
                let server = server_of(&status).ok().filter(|_| !joining)?;
                // The rounds give the access token it listens with: the first comes at once.
                clinic.can_listen().then_some((clinic, server))
            });
            let Some((clinic, server)) = ready else {
                std::thread::sleep(Duration::from_secs(1));
                continue;
            };
            let listening_since = Instant::now();
            let ended =
                clinic.listen_for_changes(&server, &mut last_seen, &mut || state.syncing.wake());
            // A connection that stood a while was a good one: the pauses start again from the shortest.
            if listening_since.elapsed() > Duration::from_secs(60) {
                failures = 0;
            }
            failures += 1;
            if let Err(err) = ended {
                tracing::debug!(code = ?err.code(), "not listening to the clinic server");
            }
            std::thread::sleep(retry_delay(failures, jitter()).min(LISTEN_RETRY_LONGEST));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_is_due_when_its_time_comes_or_local_changes_have_been_quiet() {
        let syncing = Syncing::new(Duration::from_secs(30));
        // Never synced since the app started: at once.
        assert!(syncing.round_due(0, Duration::ZERO));
        {
            let mut rounds = lock(&syncing.rounds);
            rounds.next_round_at = Some(Utc::now() + chrono::Duration::seconds(30));
            rounds.made_before_round = 10;
        }
        assert!(!syncing.round_due(10, Duration::from_secs(5)));
        // A change made during or after the last round: sent once changes have stopped for a moment.
        assert!(!syncing.round_due(11, SYNC_QUIET / 2));
        assert!(syncing.round_due(11, SYNC_QUIET));
        // While rounds fail, their growing pauses stand.
        lock(&syncing.rounds).failures = 2;
        assert!(!syncing.round_due(11, Duration::from_secs(60)));
        lock(&syncing.rounds).next_round_at = Some(Utc::now() - chrono::Duration::seconds(1));
        assert!(syncing.round_due(11, Duration::ZERO));
    }

    #[test]
    fn a_running_flag_is_lowered_even_when_the_work_panics() {
        let syncing = Syncing::new(Duration::from_secs(30));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _running = Running::raise(&syncing.rounds, |r| &mut r.running);
            assert!(lock(&syncing.rounds).running);
            panic!("a round that fails badly");
        }));
        assert!(panicked.is_err());
        assert!(!lock(&syncing.rounds).running);
    }
}
