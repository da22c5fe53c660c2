//! This device and the clinic server: pairing, a new computer joining the clinic, and the round that
//! pushes this device's changes and then pulls everyone else's. The rules of the round live here; how
//! requests travel (HTTPS to the certificate pinned at pairing) is a [`ClinicServer`], which the
//! `clinic-sync` crate provides.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use clinic_store::protocol::{
    AuditChainHead, AuditPush, ClinicAuditPage, ClinicAuditQuery, DeviceInfo, PairRequest, Paired,
    PullAnswer, PushAnswer, PushRequest, PushResult, ReenrolRequest, TokenAnswer,
    normalized_fingerprint,
};
use clinic_store::{
    AuditEvent, ContentDigest, DeviceSetup, KeyOptions, RecoveryKey, SCHEMA_VERSION, Store,
    SyncLink,
};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the server says of itself before a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// Changes when the server's store is restored or made anew.
    pub epoch: String,
    /// The server's clock when it answered: the clinic's time, which devices stamp their changes on.
    pub time: DateTime<Utc>,
}

/// Changes sent in one push.
pub const PUSH_BATCH: usize = 500;
/// Changes asked for in one pull (each page is applied in one transaction).
pub const PULL_PAGE: usize = 1_000;

/// The clinic server, as the round needs it. Failures are [`CoreError::ServerUnreachable`] (no answer:
/// try again later) or [`CoreError::ServerRefused`] (an answer that says no, with its reason).
pub trait ClinicServer {
    /// The server's current epoch and time.
    fn hello(&self) -> CoreResult<ServerHello>;
    fn pair(&self, request: &PairRequest) -> CoreResult<Paired>;
    /// Exchanges the device's credential for an access token (15 minutes) and its next credential.
    fn token(&self, credential: &str) -> CoreResult<TokenAnswer>;
    /// Goes on as a new device (this one was restored from a backup).
    fn reenrol(&self, access: &str, request: &ReenrolRequest) -> CoreResult<Paired>;
    fn push(&self, access: &str, request: &PushRequest) -> CoreResult<PushAnswer>;
    fn pull(&self, access: &str, after: i64, limit: usize) -> CoreResult<PullAnswer>;
    /// Every device of the clinic the server knows, revoked ones too.
    fn devices(&self, access: &str) -> CoreResult<Vec<DeviceInfo>>;
    /// The newest entry of this device's audit chain the server holds.
    fn audit_head(&self, access: &str) -> CoreResult<AuditChainHead>;
    /// Sends this device's next audit entries (continuing that chain); answers with the new head.
    fn push_audit(&self, access: &str, push: &AuditPush) -> CoreResult<AuditChainHead>;
    /// A page of the whole clinic's audit trail.
    fn clinic_audit(&self, access: &str, query: &ClinicAuditQuery) -> CoreResult<ClinicAuditPage>;
    /// Listens to the live channel: calls `heard` with the stream's newest place whenever it moves
    /// (at once on connecting, unless `last_seen` is it already) until `heard` answers false or the
    /// connection ends.
    fn listen(
        &self,
        access: &str,
        last_seen: Option<i64>,
        heard: &mut dyn FnMut(i64) -> bool,
    ) -> CoreResult<()>;
}

/// Where the clinic server is and which certificate is its, as `clinic-server pair` printed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAddress {
    pub url: String,
    pub fingerprint: String,
}

impl ServerAddress {
    /// The address and fingerprint as a person typed or pasted them: `https://host:port`, and the
    /// certificate's SHA-256 (any case, with or without colons).
    pub fn parse(url: &str, fingerprint: &str) -> CoreResult<ServerAddress> {
        let url = ServerAddress::parse_url(url)?;
        let fingerprint = normalized_fingerprint(fingerprint)
            .ok_or_else(|| CoreError::invalid("fingerprint", message!("fingerprint_format")))?;
        Ok(ServerAddress { url, fingerprint })
    }

    /// The address alone, as typed or pasted (before its certificate is known): `https://host:port`.
    pub fn parse_url(url: &str) -> CoreResult<String> {
        let url = url.trim().trim_end_matches('/');
        let host = url.strip_prefix("https://").unwrap_or_default();
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
            return Err(CoreError::invalid("server", message!("server_address")));
        }
        Ok(url.to_owned())
    }
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// This device's changes the server took.
    pub pushed: usize,
    /// This device's changes the server refused (kept for a person to see, with the reason).
    pub refused: usize,
    /// Changes sent again because the server's store was restored or made anew (a new epoch).
    pub resent: usize,
    /// Other devices' changes applied here.
    pub pulled: usize,
    /// Edits here that met another device's edit of the same field (kept for a person to see).
    pub conflicts: usize,
}

/// Where this device stands with the clinic server, for `clinic sync status` and the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub paired: bool,
    pub server_url: Option<String>,
    pub fingerprint: Option<String>,
    pub device_id: String,
    /// This device's share of the number series (MRNs, invoices).
    pub device_prefix: String,
    pub paired_at: Option<String>,
    pub last_sync_at: Option<String>,
    /// Changes made here that the server has not taken yet.
    #[ts(type = "number")]
    pub changes_waiting: i64,
    /// How many changes this computer has made so far (its last device number): it grows with every
    /// change made here, which is how the app's background sync notices them.
    #[ts(type = "number")]
    pub changes_made: i64,
    /// Conflicts and refused changes no one has resolved yet.
    #[ts(type = "number")]
    pub needs_attention: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// A joining computer's progress through the clinic's changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinProgress {
    #[ts(type = "number")]
    pub applied_through: i64,
    #[ts(type = "number")]
    pub latest: i64,
}

/// A device of the clinic, for the administrators' list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClinicDevice {
    pub id: String,
    pub name: String,
    /// Its share of the number series (MRNs, invoices).
    pub prefix: String,
    pub paired_at: String,
    pub last_seen_at: Option<String>,
    /// Revoked devices are refused by the server; their changes stay.
    pub revoked_at: Option<String>,
    /// The device this list is shown on.
    pub this_device: bool,
}

/// How often the background round runs when nothing else calls for one (the live channel calls for one
/// as soon as another computer's changes reach the server).
pub const SYNC_EVERY: Duration = Duration::from_secs(30);
/// How long local changes must be quiet before they are sent: commands a moment apart (a form and the
/// dialog after it) go in one round, and a check-in still reaches the doctor's screen within a second.
pub const SYNC_QUIET: Duration = Duration::from_millis(200);
/// How long a round's access token serves the live channel (the server gives 15 minutes).
const LIVE_ACCESS_FOR: Duration = Duration::from_secs(14 * 60);

/// How long to wait after `failures` failed rounds in a row before the next try: doubling from 5 s
/// up to 5 minutes, moved by `jitter` (-1.0..=1.0) by up to a fifth either way, so that computers cut
/// off together do not all come back at once.
pub fn retry_delay(failures: u32, jitter: f64) -> Duration {
    const FIRST: f64 = 5.0;
    const LONGEST: f64 = 300.0;
    let base = (FIRST * 2f64.powi(failures.saturating_sub(1).min(16) as i32)).min(LONGEST);
    Duration::from_secs_f64(base * (1.0 + 0.2 * jitter.clamp(-1.0, 1.0)))
}

impl Clinic {
    /// Pairs this device with the clinic server using a one-time code. The clinic's first device
    /// brings its clinic (every change it holds is pushed at its first round); the server refuses a
    /// device of another clinic.
    pub fn pair_with_server(
        &self,
        by: &SessionUser,
        server: &dyn ClinicServer,
        address: &ServerAddress,
        code: &str,
    ) -> CoreResult<SyncStatus> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let store = access.store();
        let state = store.sync_state()?;
        // A store paired before (restored from a backup, or moving to another server) goes on as a
        // new device: the numbers it would give its next changes may be the server's already.
        let again = state.paired_at.is_some() || state.restored_at.is_some();
        let device_name = self.device_name()?;
        let paired = server.pair(&PairRequest {
            code: code.to_owned(),
            device_id: if again {
                Uuid::now_v7().to_string()
            } else {
                store.device_id()
            },
            device_name: device_name.clone(),
            clinic_id: Some(store.clinic_id().to_owned()),
            schema_version: SCHEMA_VERSION,
            next_seq: again.then(|| store.next_device_seq()).transpose()?,
        })?;
        if again {
            store.reenrol(&paired, &device_name)?;
        } else if paired.prefix != store.device_prefix() {
            // Only a copy of another device's store gets here; numbering on with a prefix the server
            // gave another device would make MRNs and invoice numbers collide.
            return Err(CoreError::Conflict(message!(
                "sync_prefix_taken",
                prefix = store.device_prefix()
            )));
        }
        store.link_to_server(&SyncLink {
            server_url: address.url.clone(),
            fingerprint: address.fingerprint.clone(),
            credential: paired.credential,
            epoch: paired.epoch,
        })?;
        access.audit(AuditEvent {
            action: "paired_with_server".into(),
            entity: "device".into(),
            entity_id: Some(store.device_id().to_owned()),
            details: Some(serde_json::json!({ "server": address.url })),
            ..AuditEvent::default()
        })?;
        self.sync_status()
    }

    /// One round with the server: push everything waiting here, then pull everything new. A round
    /// cut short (no connection) loses nothing: what was taken is recorded as taken, the rest is sent
    /// next time, and each pulled page is applied with its cursor in one transaction.
    pub fn sync_now(&self, by: &SessionUser, server: &dyn ClinicServer) -> CoreResult<SyncReport> {
        self.current_user(by)?;
        self.sync_round(server)
    }

    /// The round itself, for the app's background task (which runs with no one signed in too).
    pub fn sync_round(&self, server: &dyn ClinicServer) -> CoreResult<SyncReport> {
        // The device's own bookkeeping with the server, on no one's behalf.
        let system = self.system(None);
        let store = system.store();
        let link = store
            .sync_link()?
            .ok_or_else(|| CoreError::Conflict(message!("sync_not_paired")))?;
        let outcome = (|| {
            // Restored from a backup: go on as a new device before sending anything.
            let link = if store.sync_state()?.restored_at.is_some() {
                self.reenrol(store, server)?
            } else {
                link
            };
            match round(store, server, &link, &|| self.now()) {
                // Put back to an earlier state some other way (its files copied back by hand).
                Err(CoreError::ServerRefused { code, .. }) if code == "device_restored" => {
                    let link = self.reenrol(store, server)?;
                    round(store, server, &link, &|| self.now())
                }
                outcome => outcome,
            }
        })();
        let outcome = outcome.map(|(report, access)| {
            *lock(&self.live_access) = Some((access, std::time::Instant::now()));
            report
        });
        let error = outcome.as_ref().err().map(ToString::to_string);
        store.record_sync_outcome(error.as_deref())?;
        if let Ok(report) = &outcome {
            tracing::info!(
                pushed = report.pushed,
                refused = report.refused,
                resent = report.resent,
                pulled = report.pulled,
                conflicts = report.conflicts,
                "sync round done"
            );
        }
        outcome
    }

    /// Whether the live channel can be listened to: a round has given an access token lately.
    pub fn can_listen(&self) -> bool {
        self.live_access().is_some()
    }

    fn live_access(&self) -> Option<String> {
        lock(&self.live_access)
            .clone()
            .filter(|(_, given)| given.elapsed() < LIVE_ACCESS_FOR)
            .map(|(access, _)| access)
    }

    /// Listens to the clinic server's live channel with the last round's access token, and calls
    /// `news` whenever the stream has moved past what this computer has pulled (the app then holds a
    /// round at once). Returns when the connection ends or fails; `last_seen` keeps where the stream
    /// was, to say on the next connection. Without a token ([`Clinic::can_listen`]: none given yet, an
    /// old one, or one the server turned away) it answers `ServerUnreachable` at once.
    pub fn listen_for_changes(
        &self,
        server: &dyn ClinicServer,
        last_seen: &mut Option<i64>,
        news: &mut dyn FnMut(),
    ) -> CoreResult<()> {
        let access = self.live_access().ok_or_else(|| {
            CoreError::ServerUnreachable("no access token yet: waiting for a round".into())
        })?;
        let system = self.system(None);
        let store = system.store();
        let outcome = server.listen(&access, *last_seen, &mut |latest| {
            *last_seen = Some(latest);
            if store.pull_cursor().is_ok_and(|pulled| latest > pulled) {
                news();
            }
            true
        });
        if matches!(outcome, Err(CoreError::ServerRefused { .. })) {
            *lock(&self.live_access) = None;
        }
        outcome
    }

    /// Becomes a new device of the clinic (see [`Store::reenrol`]); returns the new link.
    fn reenrol(&self, store: &Store, server: &dyn ClinicServer) -> CoreResult<SyncLink> {
        let device_name = self.device_name()?;
        let access = open_session(store, server)?;
        let paired = server.reenrol(
            &access,
            &ReenrolRequest {
                device_id: Uuid::now_v7().to_string(),
                device_name: device_name.clone(),
                schema_version: SCHEMA_VERSION,
                next_seq: store.next_device_seq()?,
            },
        )?;
        let made_again = store.reenrol(&paired, &device_name)?;
        tracing::warn!(
            made_again,
            "this device was restored from a backup: it goes on as a new device of the clinic"
        );
        store
            .sync_link()?
            .ok_or_else(|| CoreError::Conflict(message!("sync_not_paired")))
    }

    /// Where this device stands with the server. It holds no patient data and no secret, so it needs
    /// no sign-in: the app shows it before anyone signs in, and a joining computer has no users yet.
    pub fn sync_status(&self) -> CoreResult<SyncStatus> {
        // The device's own bookkeeping with the server, on no one's behalf.
        let system = self.system(None);
        let store = system.store();
        let state = store.sync_state()?;
        Ok(SyncStatus {
            paired: store.sync_link()?.is_some(),
            server_url: state.server_url,
            fingerprint: state.fingerprint,
            device_id: store.device_id().to_owned(),
            device_prefix: store.device_prefix().to_owned(),
            paired_at: state.paired_at,
            last_sync_at: state.last_sync_at,
            changes_waiting: state.changes_waiting,
            changes_made: store.next_device_seq()? - 1,
            needs_attention: state.needs_attention,
            last_error: state.last_error,
            last_error_at: state.last_error_at,
        })
    }

    /// The clinic's devices as the server knows them (administrators only; needs the server).
    pub fn clinic_devices(
        &self,
        by: &SessionUser,
        server: &dyn ClinicServer,
    ) -> CoreResult<Vec<ClinicDevice>> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let store = access.store();
        let token = open_session(store, server)?;
        let this_device = store.device_id();
        Ok(server
            .devices(&token)?
            .into_iter()
            .map(|d| ClinicDevice {
                this_device: d.id == this_device,
                id: d.id,
                name: d.name,
                prefix: d.prefix,
                paired_at: d.paired_at,
                last_seen_at: d.last_seen_at,
                revoked_at: d.revoked_at,
            })
            .collect())
    }

    /// The digest of this device's synced content, per table: equal to the server's (`clinic-server
    /// digest`) and every other device's once they have converged. Hashes only, no patient data.
    pub fn content_digest(&self, by: &SessionUser) -> CoreResult<ContentDigest> {
        let access = self.authorize(by, Action::ViewAudit)?;
        Ok(access.store().content_digest()?)
    }

    /// A new computer joins the clinic the server serves: it pairs (getting its number series from
    /// the server) and creates its own encrypted store with its own key and recovery key. Returns the
    /// recovery key, to be shown once and printed; then [`Clinic::finish_join`] pulls the clinic in.
    pub fn join(
        dir: &Path,
        key: &KeyOptions,
        server: &dyn ClinicServer,
        address: &ServerAddress,
        code: &str,
    ) -> CoreResult<(Clinic, RecoveryKey)> {
        if Store::exists(dir) {
            return Err(clinic_store::StoreError::AlreadyInitialized(dir.to_owned()).into());
        }
        let device_id = Uuid::now_v7();
        let paired = server.pair(&PairRequest {
            code: code.to_owned(),
            device_id: device_id.to_string(),
            device_name: crate::clinic::this_computer_name(),
            clinic_id: None,
            schema_version: SCHEMA_VERSION,
            next_seq: None,
        })?;
        let clinic_id = paired.clinic_id.parse().map_err(|_| {
            CoreError::Internal("the server sent a clinic id that is not one".into())
        })?;
        let setup = DeviceSetup {
            device_id: Some(device_id),
            clinic_id,
            device_name: crate::clinic::this_computer_name(),
            prefix: paired.prefix.clone(),
        };
        let link = SyncLink {
            server_url: address.url.clone(),
            fingerprint: address.fingerprint.clone(),
            credential: paired.credential,
            epoch: paired.epoch,
        };
        // Linked and marked joining as it is made: a store cut off after this still knows where its
        // clinic comes from, and no one signs in before the clinic has arrived.
        let (store, recovery_key) = Store::create(dir, key, &setup, |tx| {
            tx.link_to_server(&link)?;
            tx.set_joining(true)?;
            Ok::<_, CoreError>(())
        })?;
        Ok((Clinic::from_store(store), recovery_key))
    }

    /// Whether this device joined a clinic and has not pulled all of it yet (a join cut short by a
    /// lost connection or a restart): then no one can sign in here until [`Clinic::finish_join`].
    pub fn join_unfinished(&self) -> CoreResult<bool> {
        let system = self.system(None);
        let store = system.store();
        Ok(store.sync_state()?.joining)
    }

    /// Pulls the clinic into a joining device, from where it stopped (a join cut short by a lost
    /// connection or a restart goes on here), reporting progress after each page. Needs no sign-in:
    /// the clinic's users arrive with it.
    pub fn finish_join(
        &self,
        server: &dyn ClinicServer,
        progress: &mut dyn FnMut(JoinProgress),
    ) -> CoreResult<()> {
        // The device's own bookkeeping with the server, on no one's behalf.
        let system = self.system(None);
        let store = system.store();
        let pulled = (|| {
            // A new computer's clock may be off too: its first question sets the offset.
            let hello = server.hello()?;
            store.set_clock_offset((hello.time - self.now()).num_milliseconds())?;
            let access = open_session(store, server)?;
            pull_all(store, server, &access, &|| self.now(), progress)
        })();
        store.record_sync_outcome(pulled.as_ref().err().map(ToString::to_string).as_deref())?;
        pulled?;
        Ok(store.set_joining(false)?)
    }
}

/// Push, then pull: a device never applies others' changes over edits it has not offered yet.
/// A round; returns what it did and the access token it was given.
fn round(
    store: &Store,
    server: &dyn ClinicServer,
    link: &SyncLink,
    now: &dyn Fn() -> DateTime<Utc>,
) -> CoreResult<(SyncReport, String)> {
    let mut report = SyncReport::default();
    let hello = server.hello()?;
    store.set_clock_offset((hello.time - now()).num_milliseconds())?;
    let epoch = hello.epoch;
    let access = open_session(store, server)?;
    if epoch != link.epoch {
        // The server lost what it had (restored from an older backup, or set up again): send it
        // everything this device ever made, and follow its stream from the start.
        tracing::warn!("the clinic server has a new epoch: sending this device's changes again");
        let mut after = 0;
        loop {
            let changes = store.outbox_history(after, PUSH_BATCH)?;
            let Some(last) = changes.last() else { break };
            after = last.device_seq;
            let answer = push(store, server, &access, changes)?;
            report.resent += answer.len();
        }
        store.follow_epoch(&epoch)?;
    }
    loop {
        let changes = store.changes_to_push(PUSH_BATCH)?;
        if changes.is_empty() {
            break;
        }
        for result in push(store, server, &access, changes)? {
            match result {
                PushResult::Rejected { .. } => report.refused += 1,
                _ => report.pushed += 1,
            }
        }
    }
    let (pulled, conflicts) = pull_all(store, server, &access, now, &mut |_| {})?;
    report.pulled = pulled;
    report.conflicts = conflicts;
    // Two registrations of one person made apart: suggested as a merge once both are here.
    store.write_at(now(), None, crate::patients::suggest_merges_after_pull)?;
    push_audit_trail(store, server, &access)?;
    Ok((report, access))
}

/// Audit entries sent in one push.
const AUDIT_BATCH: usize = 500;

/// Sends the server this device's audit entries it does not hold yet, so that the clinic's trail (and
/// "who looked at my record") covers this device too. The server checks each continues the chain.
pub(crate) fn push_audit_trail(
    store: &Store,
    server: &dyn ClinicServer,
    access: &str,
) -> CoreResult<()> {
    let mut head = server.audit_head(access)?;
    loop {
        let entries = store.audit_records_after(head.seq, AUDIT_BATCH)?;
        if entries.is_empty() {
            return Ok(());
        }
        head = server.push_audit(access, &AuditPush { entries })?;
    }
}

/// Exchanges the device's credential for an access token; the next credential is kept at once (the
/// server still takes the one before until the next is used, in case this is cut short).
pub(crate) fn open_session(store: &Store, server: &dyn ClinicServer) -> CoreResult<String> {
    let link = store
        .sync_link()?
        .ok_or_else(|| CoreError::Conflict(message!("sync_not_paired")))?;
    let answer = server.token(&link.credential)?;
    store.renew_credential(&answer.credential)?;
    Ok(answer.access_token)
}

fn push(
    store: &Store,
    server: &dyn ClinicServer,
    access: &str,
    changes: Vec<clinic_store::Change>,
) -> CoreResult<Vec<PushResult>> {
    let answer = server.push(
        access,
        &PushRequest {
            schema_version: SCHEMA_VERSION,
            seen_through: store.pull_cursor()?,
            changes,
        },
    )?;
    store.record_push(&answer.results)?;
    Ok(answer.results)
}

/// Pulls and applies pages until the server has no more. Returns the changes applied and conflicts.
fn pull_all(
    store: &Store,
    server: &dyn ClinicServer,
    access: &str,
    now: &dyn Fn() -> DateTime<Utc>,
    progress: &mut dyn FnMut(JoinProgress),
) -> CoreResult<(usize, usize)> {
    let (mut applied, mut conflicts) = (0, 0);
    loop {
        let page = server.pull(access, store.pull_cursor()?, PULL_PAGE)?;
        let done = store.apply_pulled_at(now(), &page.changes)?;
        applied += done.applied;
        conflicts += done.conflicts;
        progress(JoinProgress {
            applied_through: done.cursor,
            latest: page.latest,
        });
        if !page.more {
            return Ok((applied, conflicts));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_five_seconds_to_five_minutes() {
        let secs = |failures| retry_delay(failures, 0.0).as_secs();
        assert_eq!(
            [1, 2, 3, 4, 5, 6, 7, 100].map(secs),
            [5, 10, 20, 40, 80, 160, 300, 300]
        );
    }

    #[test]
    fn jitter_moves_a_retry_by_at_most_a_fifth() {
        assert_eq!(retry_delay(2, 1.0), Duration::from_secs(12));
        assert_eq!(retry_delay(2, -1.0), Duration::from_secs(8));
        assert_eq!(retry_delay(2, 7.0), Duration::from_secs(12));
        assert_eq!(retry_delay(0, 0.0), Duration::from_secs(5));
    }
}
