//! Reading the audit trail from the command line.

use clap::Subcommand;
use clinic_core::{AuditQuery, Clinic, SessionUser};

use crate::{explain, print_json, print_text};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain; names the first entry that was changed or removed
    Verify,
    /// Print entries, newest first, one JSON object a line
    List {
        #[command(flatten)]
        filter: Filter,
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Print every matching entry as CSV, oldest first
    Export {
        #[command(flatten)]
        filter: Filter,
    },
    /// Who looked at a patient's record: each user, how often, when, and what they did
    Patient {
        /// The patient's id
        patient_id: String,
    },
}

#[derive(clap::Args)]
pub struct Filter {
    /// Only this user's entries (a username)
    #[arg(long, value_name = "USERNAME")]
    by: Option<String>,
    /// Only entries about this patient (an id), including lists that showed them
    #[arg(long)]
    patient: Option<String>,
    /// Only this action, e.g. sign_in, update, list_patients
    #[arg(long)]
    action: Option<String>,
    /// From this clinic-local date (YYYY-MM-DD)
    #[arg(long)]
    from: Option<String>,
    /// To this clinic-local date, inclusive
    #[arg(long)]
    to: Option<String>,
}

pub fn run(clinic: &Clinic, user: &SessionUser, command: AuditCommand) -> Result<(), String> {
    match command {
        AuditCommand::Verify => {
            let check = clinic.verify_audit(user).map_err(explain)?;
            if check.intact() {
                return print_json(
                    &serde_json::json!({ "audit_chain": "intact", "altered_rows": [] }),
                );
            }
            // The details for whoever investigates; the one line says what is wrong.
            print_json(&check)?;
            Err(match check.first_broken_entry {
                Some(seq) => {
                    format!(
                        "the audit trail was altered: entry {seq} does not match its hash chain"
                    )
                }
                None => format!(
                    "rows were changed outside Clinic: {}",
                    altered_list(&check.altered_rows)
                ),
            })
        }
        AuditCommand::List { filter, limit } => {
            let query = AuditQuery {
                limit,
                ..query(clinic, user, filter)?
            };
            for entry in clinic.audit_log(user, query).map_err(explain)?.entries {
                print_text(&serde_json::to_string(&entry).map_err(|e| e.to_string())?)?;
            }
            Ok(())
        }
        AuditCommand::Export { filter } => {
            let query = query(clinic, user, filter)?;
            let csv = clinic.export_audit_csv(user, query).map_err(explain)?;
            print_text(csv.trim_end())
        }
        AuditCommand::Patient { patient_id } => {
            for access in clinic
                .patient_access_report(user, &patient_id)
                .map_err(explain)?
            {
                print_text(&serde_json::to_string(&access).map_err(|e| e.to_string())?)?;
            }
            Ok(())
        }
    }
}

fn query(clinic: &Clinic, user: &SessionUser, filter: Filter) -> Result<AuditQuery, String> {
    let user_id = match filter.by {
        None => None,
        Some(username) => Some(
            clinic
                .list_users(user)
                .map_err(explain)?
                .into_iter()
                .find(|u| u.username == username.to_lowercase())
                .map(|u| u.id)
                .ok_or_else(|| format!("there is no user {username}"))?,
        ),
    };
    Ok(AuditQuery {
        user_id,
        patient_id: filter.patient,
        action: filter.action,
        from: filter.from,
        to: filter.to,
        ..AuditQuery::default()
    })
}

/// "users 0190… (role), payments 0191… (amount_minor)", the first five.
fn altered_list(rows: &[clinic_core::AlteredRow]) -> String {
    let mut named: Vec<String> = rows
        .iter()
        .take(5)
        .map(|r| format!("{} {} ({})", r.table, r.row_id, r.columns.join(", ")))
        .collect();
    if rows.len() > 5 {
        named.push(format!("and {} more", rows.len() - 5));
    }
    named.join("; ")
}
