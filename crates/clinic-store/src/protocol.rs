//! What devices and the clinic server say to each other (`/v1/...`, JSON). Plain data, shared by the
//! server and the device's sync client so the two cannot drift apart.

use serde::{Deserialize, Serialize};

use crate::sync::{Change, PulledChange};

/// Every route of the clinic server, written once: the device's client calls them, the server serves
/// them, and a test checks its OpenAPI document lists exactly these.
pub mod routes {
    pub const HEALTH: &str = "/health";
    pub const PAIR: &str = "/v1/pair";
    pub const TOKEN: &str = "/v1/token";
    pub const REENROL: &str = "/v1/reenrol";
    pub const PUSH: &str = "/v1/push";
    pub const PULL: &str = "/v1/pull";
    pub const DEVICES: &str = "/v1/devices";
    /// The server's OpenAPI document, and the API reference page made from it.
    pub const OPENAPI: &str = "/v1/openapi.json";
    pub const REFERENCE: &str = "/v1/reference";
    /// Live updates: server-sent events announcing the stream's newest place.
    pub const EVENTS: &str = "/v1/events";
    /// The clinic's audit trail: each device's entries pushed (POST), and read (GET).
    pub const AUDIT: &str = "/v1/audit";
    /// The newest entry of this device's audit chain the server holds.
    pub const AUDIT_HEAD: &str = "/v1/audit/head";
    pub const ALL: [&str; 12] = [
        HEALTH, PAIR, TOKEN, REENROL, PUSH, PULL, DEVICES, OPENAPI, REFERENCE, EVENTS, AUDIT,
        AUDIT_HEAD,
    ];
}

/// The oldest device schema the server still takes changes from: a device below it is told to update
/// (and keeps its outbox until it does). 11: appointments carry `overbooked`, which an older device
/// could not apply.
pub const OLDEST_SYNCING_SCHEMA: i64 = 11;

/// A pairing: the one-time code from `clinic-server pair` turned into this device's credential.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PairRequest {
    pub code: String,
    pub device_id: String,
    pub device_name: String,
    /// The clinic the device holds; the first device to pair brings its clinic to the server. None:
    /// a new computer joining the server's clinic.
    pub clinic_id: Option<String>,
    pub schema_version: i64,
    /// The device number its next change will carry (a store paired before, going on as a new
    /// device); None: 1.
    #[serde(default)]
    pub next_seq: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Paired {
    pub device_id: String,
    pub clinic_id: String,
    /// The device's share of the number series from now on (the first device keeps "A").
    pub prefix: String,
    /// Exchanged for access tokens at `/v1/token` (each exchange gives the next one); kept only
    /// hashed by the server.
    pub credential: String,
    pub epoch: String,
    /// For a re-enrolment: the last device number the server had taken from the device this one goes
    /// on from. Changes up to it reached the server (after the backup the device was restored from).
    #[serde(default)]
    pub taken_through: Option<i64>,
}

/// The device's credential, exchanged for an access token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    pub credential: String,
}

/// A short-lived access token (sent as `Authorization: Bearer ...`) and the device's next credential,
/// which replaces the one it sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenAnswer {
    pub access_token: String,
    pub expires_at: String,
    pub credential: String,
}

/// A device restored from a backup asks, with its credential, to go on as a new device: its device
/// numbers after the backup may already be the server's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReenrolRequest {
    pub device_id: String,
    pub device_name: String,
    pub schema_version: i64,
    /// The device number its next change will carry: the new device's numbering starts there.
    pub next_seq: i64,
}

/// A batch from the device's outbox, in `device_seq` order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushRequest {
    pub schema_version: i64,
    /// How far into the stream the device had pulled: its changes were made without seeing later ones.
    pub seen_through: i64,
    pub changes: Vec<Change>,
}

/// What became of one pushed change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", tag = "status")]
pub enum PushResult {
    /// Taken into the stream at `server_seq`.
    Applied { device_seq: i64, server_seq: i64 },
    /// Taken before (a repeated batch): nothing changed.
    Duplicate { device_seq: i64, server_seq: i64 },
    /// Refused for good, with the reason; the device puts its row back to `current` and shows what it
    /// had to a person.
    Rejected {
        device_seq: i64,
        reason: String,
        /// What kind of refusal, for programs: one of [`refusals`].
        #[serde(default = "refused")]
        code: String,
        /// The accepted row the change clashes with (a booking, time off), if it clashes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clashes_with: Option<String>,
        /// The row as the server holds it; None when the server does not have it (its insert was
        /// refused or never arrived).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current: Option<ServerRow>,
    },
}

fn refused() -> String {
    refusals::REFUSED.to_owned()
}

/// Why the server refused a change, for programs (the reason beside it is for people).
pub mod refusals {
    /// Anything else (an answer from an older server).
    pub const REFUSED: &str = "refused";
    /// Not a change the server can take: an unknown table, a bad stamp or column.
    pub const BAD_CHANGE: &str = "bad_change";
    /// An edit of a row the server does not have: its insert was refused or never arrived.
    pub const NOT_ON_SERVER: &str = "not_on_server";
    /// It refers to a row whose insert the server refused.
    pub const REFERS_TO_REFUSED: &str = "refers_to_refused";
    /// Its author may not make it (the user's role, or no user).
    pub const NOT_PERMITTED: &str = "not_permitted";
    /// It books a provider's time that another booking already holds.
    pub const BOOKING_CLASH: &str = "booking_clash";
    /// It books a provider's time off.
    pub const PROVIDER_AWAY: &str = "provider_away";
    /// It changes what is kept as written: a signed note, a recorded payment's money.
    pub const KEPT_AS_WRITTEN: &str = "kept_as_written";
    /// It signs a note another computer changed since the signing one last synced: the signer had not
    /// read what would be signed.
    pub const NOTE_CHANGED_SINCE: &str = "note_changed_since";
    /// It merges two records another computer merged the other way (or into a third record).
    pub const MERGED_ELSEWHERE: &str = "merged_elsewhere";
    /// It belongs to a merge the server does not hold (a row moved to another record, the merge's own
    /// record): refused with that merge. Putting it back settles it; the merge's refusal is the one a
    /// person reads.
    pub const WITHOUT_ITS_MERGE: &str = "without_its_merge";

    /// Refusals that putting the row back settles, with nothing left for a person to do.
    pub const SETTLED_BY_PUT_BACK: [&str; 1] = [WITHOUT_ITS_MERGE];
}

/// A row as the server holds it: its columns, and the clock stamp of each column's last write
/// (`"*"`: the insert's, for every column not written since).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServerRow {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub clocks: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PushAnswer {
    pub epoch: String,
    pub results: Vec<PushResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PullAnswer {
    pub epoch: String,
    pub changes: Vec<PulledChange>,
    /// Whether more changes follow this page.
    pub more: bool,
    /// The newest change in the stream, to show a joining device's progress.
    pub latest: i64,
}

/// A device of the clinic, as the server knows it (`/v1/devices`, `clinic-server devices list`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub schema_version: i64,
    /// The last device number the server took from it.
    pub pushed_through: i64,
    pub paired_at: String,
    pub last_seen_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// One entry of a device's audit trail as it travels: its place in that device's hash chain and its
/// content, which the chain's hashes cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditRecord {
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub user_id: Option<String>,
    /// The device that wrote it (a device restored from a backup goes on under a new id, its chain with
    /// it).
    pub device_id: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The newest entry of a device's audit chain the server holds (seq 0 and the chain's first hash
/// while it holds none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditChainHead {
    pub seq: i64,
    pub hash: String,
}

/// A device's next audit entries, continuing the chain the server holds of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuditPush {
    pub entries: Vec<AuditRecord>,
}

/// Which of the clinic's audit entries to read, newest first. `asUser` is the signed-in user asking,
/// whose role the server checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClinicAuditQuery {
    pub as_user: String,
    pub user_id: Option<String>,
    /// Entries about any of these patients (comma-separated ids: a record and those merged into it),
    /// lists that showed them and exports of every patient included.
    pub patients: Option<String>,
    pub action: Option<String>,
    /// From this instant (inclusive) to that one (exclusive).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only entries up to this place (the first page's `upTo`), so later pages do not shift.
    pub up_to: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// An entry of the clinic's trail: as its device wrote it, and its place in the server's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClinicAuditEntry {
    pub place: i64,
    pub entry: AuditRecord,
}

/// A page of the clinic's trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClinicAuditPage {
    pub total: i64,
    pub up_to: i64,
    pub entries: Vec<ClinicAuditEntry>,
}

/// Every error answer: a code for programs, a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorAnswer {
    pub code: String,
    pub message: String,
}

/// The SHA-256 of a DER certificate as colon-separated upper-case hex pairs: what `clinic-server pair`
/// prints, what a person compares, and what a device pins.
pub fn certificate_fingerprint(certificate_der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(certificate_der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// A fingerprint as typed or pasted (any case, with or without colons or spaces) in its printed
/// form; None when it is not 32 bytes of hex.
pub fn normalized_fingerprint(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if digits.len() != 64 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(
        digits
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(":"),
    )
}
