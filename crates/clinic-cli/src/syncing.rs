//! This computer and the clinic server: pairing, joining a clinic as a new computer, a sync round and
//! where it stands. The rules are clinic-core's; the HTTPS link is clinic-sync's.

use std::path::Path;

use clap::{Args, Subcommand};
use clinic_core::{Clinic, JoinProgress, KeyOptions, ServerAddress, SessionUser};
use clinic_sync::HttpsServer;

use crate::{explain, print_json};

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Pair this clinic's computer with a clinic server (as an administrator); the clinic's first
    /// computer brings the clinic to the server
    Pair(ServerArgs),
    /// One round: send this computer's changes, then fetch everyone else's. Exit 0 when up to date
    Run,
    /// Where this computer stands with the clinic server, as JSON
    Status,
    /// The digest of this computer's clinic data (per table: rows and SHA-256), to compare with
    /// `clinic-server digest` and other computers': equal when they hold the same
    Digest,
}

/// What `clinic-server pair` printed, typed or pasted here.
#[derive(Args)]
pub struct ServerArgs {
    /// The server's address, https://name-or-address:port
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// The one-time pairing code
    #[arg(long)]
    pub code: String,
    /// The server certificate's SHA-256 fingerprint, to compare with what the server shows
    #[arg(long, value_name = "FP")]
    pub fingerprint: String,
}

impl ServerArgs {
    fn server(&self) -> Result<(HttpsServer, ServerAddress), String> {
        let address = ServerAddress::parse(&self.server, &self.fingerprint).map_err(explain)?;
        let server = HttpsServer::new(&address).map_err(explain)?;
        Ok((server, address))
    }
}

pub fn run(clinic: &Clinic, user: &SessionUser, command: SyncCommand) -> Result<(), String> {
    match command {
        SyncCommand::Pair(args) => {
            let (server, address) = args.server()?;
            let status = clinic
                .pair_with_server(user, &server, &address, &args.code)
                .map_err(explain)?;
            print_json(&status)
        }
        SyncCommand::Run => {
            let status = clinic.sync_status().map_err(explain)?;
            let address = paired_address(&status)?;
            let server = HttpsServer::new(&address).map_err(explain)?;
            print_json(&clinic.sync_now(user, &server).map_err(explain)?)
        }
        SyncCommand::Status => print_json(&clinic.sync_status().map_err(explain)?),
        SyncCommand::Digest => print_json(&clinic.content_digest(user).map_err(explain)?),
    }
}

fn paired_address(status: &clinic_core::SyncStatus) -> Result<ServerAddress, String> {
    match (&status.server_url, &status.fingerprint, status.paired) {
        (Some(url), Some(fingerprint), true) => Ok(ServerAddress {
            url: url.clone(),
            fingerprint: fingerprint.clone(),
        }),
        _ => Err(
            "this computer is not paired with a clinic server: run `clinic sync pair` first".into(),
        ),
    }
}

/// A new data directory for this computer, filled with the clinic the server serves. A join cut short
/// is finished by running the same command again (its code is not used a second time).
pub fn join(
    dir: &Path,
    key: &KeyOptions,
    args: &ServerArgs,
    sheet: Option<&Path>,
) -> Result<(), String> {
    let mut report = |p: JoinProgress| {
        let percent = if p.latest > 0 {
            p.applied_through.saturating_mul(100) / p.latest
        } else {
            100
        };
        eprintln!(
            "clinic: joining: {} of {} changes ({percent}%)",
            p.applied_through, p.latest
        );
    };
    if Clinic::exists(dir) {
        let clinic = Clinic::open(dir, key).map_err(explain)?;
        if !clinic.join_unfinished().map_err(explain)? {
            return Err(format!("{} already holds a clinic", dir.display()));
        }
        let status = clinic.sync_status().map_err(explain)?;
        let server = HttpsServer::new(&paired_address(&status)?).map_err(explain)?;
        clinic.finish_join(&server, &mut report).map_err(explain)?;
        return print_json(&clinic.sync_status().map_err(explain)?);
    }
    let (server, address) = args.server()?;
    let (clinic, recovery_key) =
        Clinic::join(dir, key, &server, &address, &args.code).map_err(explain)?;
    let made_by = clinic.device_name().map_err(explain)?;
    // The key is handed over before the clinic is pulled in: the store exists and the key is the only
    // other way in, even if the pull is cut short or the command killed.
    crate::safekeeping::hand_over_recovery_key(&clinic, &recovery_key, dir, &made_by, None)?;
    clinic.finish_join(&server, &mut report).map_err(|e| {
        format!(
            "{}; run the same command again to finish joining",
            explain(e)
        )
    })?;
    // The sheet names the clinic, which has arrived now.
    if let Some(sheet) = sheet {
        crate::safekeeping::save_recovery_sheet(&clinic, &recovery_key, dir, &made_by, sheet)?;
        crate::safekeeping::sheet_written(Some(sheet));
    }
    print_json(&clinic.sync_status().map_err(explain)?)
}
