//! `clinic`: the administrator's command line. It has no logic of its own: every command is a call into
//! clinic-core, the same code the app runs, signed in as a user (`--user` or `CLINIC_USER`, password from
//! `CLINIC_PASSWORD` or a prompt) and checked and audited as that user; only `init`, `recover`, `demo`
//! creating a new demo clinic, and `restore` into a folder with no clinic run without one. Exit status 0
//! on success; otherwise a one-line reason on stderr and status 1 (2 for a malformed command line).
//!
//! Keys, backups and restores are in [`safekeeping`]; reading the audit trail in [`audit`]; patient
//! spreadsheets in and out in [`spreadsheets`].

mod audit;
mod safekeeping;
mod spreadsheets;
mod syncing;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clinic_core::demo::{self, DEMO_ADMIN_USERNAME, DEMO_PASSWORD};
use clinic_core::{Clinic, CoreError, KeyOptions, NewClinic, NewUser, Role, SessionUser};

#[derive(Parser)]
#[command(name = "clinic", version, about = "Administer a Clinic data directory")]
struct Cli {
    /// The clinic's data directory [default: $CLINIC_DATA_DIR, else the OS app-data folder]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Sign in as this user; the password comes from CLINIC_PASSWORD or a prompt
    #[arg(long, global = true, env = "CLINIC_USER")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a new clinic and its first administrator (password from CLINIC_ADMIN_PASSWORD or a prompt)
    Init {
        #[arg(long)]
        clinic_name: String,
        #[arg(long)]
        admin_user: String,
        /// The administrator's full name [default: the username]
        #[arg(long)]
        admin_name: Option<String>,
        /// IANA time zone, e.g. Europe/Madrid [default: this computer's]
        #[arg(long)]
        time_zone: Option<String>,
        /// ISO currency code
        #[arg(long, default_value = "USD")]
        currency: String,
        /// ISO country code: phone numbers typed without a country code are read as this country's
        #[arg(long, default_value = "US")]
        country: String,
        /// Write the printable recovery sheet (PDF) here; the recovery key is also shown once on stderr
        #[arg(long, value_name = "FILE")]
        recovery_sheet: Option<PathBuf>,
    },
    /// Open a clinic whose database key is lost, with the recovery key (CLINIC_RECOVERY_KEY or a prompt);
    /// the data gets a new key in the OS keyring, or from CLINIC_DB_PASSPHRASE when set
    Recover,
    /// Create the demo clinic, or fill an empty existing clinic with demo data (as an administrator)
    Demo {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Play today's clinic day only up to this clinic time, e.g. 08:00 for a training session that
        /// starts with the day's patients still to arrive [default: now]
        #[arg(long, value_name = "HH:MM", value_parser = clock_time)]
        day_until: Option<chrono::NaiveTime>,
    },
    /// Print what the data directory holds, as JSON
    Status,
    /// The audit trail
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The database key and the recovery key
    #[command(subcommand)]
    Keys(safekeeping::KeysCommand),
    /// Back up now (to --to DIR, or to the configured folder), or see and set where backups go
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        /// The folder to write the backup to [default: the configured backup folder]
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        #[command(subcommand)]
        command: Option<safekeeping::BackupCommand>,
    },
    /// Restore a backup file into the data directory; the current data is kept aside, never overwritten.
    /// A backup this clinic cannot open by itself needs its recovery key (CLINIC_RECOVERY_KEY or a prompt)
    Restore {
        file: PathBuf,
        /// Only show what the backup holds
        #[arg(long)]
        preview: bool,
    },
    /// Users and their roles
    #[command(subcommand)]
    Users(UsersCommand),
    /// Patients
    #[command(subcommand)]
    Patients(PatientsCommand),
    /// Bring records in from a spreadsheet (CSV)
    #[command(subcommand)]
    Import(spreadsheets::ImportCommand),
    /// Write records out to a spreadsheet (CSV)
    #[command(subcommand)]
    Export(spreadsheets::ExportCommand),
    /// Change your own password (current from CLINIC_PASSWORD, new from CLINIC_NEW_PASSWORD or prompts)
    Passwd,
    /// Set up this computer as a new computer of the clinic a clinic server serves: a new data
    /// directory, its own key and recovery key, and the whole clinic pulled in (run again to finish a
    /// join that was cut short)
    Join {
        #[command(flatten)]
        server: syncing::ServerArgs,
        /// Write the printable recovery sheet (PDF) here; the recovery key is also shown once on stderr
        #[arg(long, value_name = "FILE")]
        recovery_sheet: Option<PathBuf>,
    },
    /// This computer and the clinic server
    #[command(subcommand)]
    Sync(syncing::SyncCommand),
}

#[derive(Subcommand)]
enum PatientsCommand {
    /// Print the patients matching TEXT (names in any order, MRN, phone, email or date of birth), one
    /// JSON object a line: id, mrn, names, date of birth, phone
    Search {
        text: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// List the clinic's users as JSON, one per line
    List,
    /// Add a user (first password from CLINIC_NEW_PASSWORD or a prompt; changed at first sign-in)
    Add {
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Give a user another role
    SetRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Stop a user from signing in
    Deactivate { username: String },
    /// Let a deactivated user sign in again
    Activate { username: String },
    /// Set a new password (from CLINIC_NEW_PASSWORD or a prompt), to be changed at the next sign-in
    ResetPassword { username: String },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "one of admin, doctor, nurse, receptionist, billing".to_owned())
}

fn clock_time(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| "a time as HH:MM, e.g. 08:00".to_owned())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clinic: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Help and the version print as clap prints them. A command line that cannot be read is a failure
/// like any other: one line (clap's first, without its "error: " prefix) and exit 1.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let reason = match e.kind() {
        ErrorKind::InvalidUtf8 => "an argument is not valid text (UTF-8)".to_owned(),
        _ => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            let reason = first.strip_prefix("error: ").unwrap_or(first).to_owned();
            format!("{reason} (see clinic --help)")
        }
    };
    eprintln!("clinic: {reason}");
    ExitCode::FAILURE
}

fn run(cli: Cli) -> Result<(), String> {
    let dir = cli
        .data_dir
        .or_else(clinic_core::data_dir_from_env)
        .ok_or("no data directory: pass --data-dir or set CLINIC_DATA_DIR")?;
    let key = KeyOptions::from_env();
    match cli.command {
        Command::Init {
            clinic_name,
            admin_user,
            admin_name,
            time_zone,
            currency,
            country,
            recovery_sheet,
        } => {
            let admin_password =
                secret("CLINIC_ADMIN_PASSWORD", "New administrator password", true)?;
            let time_zone = time_zone
                .or_else(|| iana_time_zone::get_timezone().ok())
                .unwrap_or_else(|| "UTC".to_owned());
            let (admin_username, admin_password_again) =
                (admin_user.clone(), admin_password.clone());
            let new = NewClinic {
                clinic_name,
                time_zone,
                country: Some(country),
                currency,
                admin_display_name: admin_name.unwrap_or_else(|| admin_user.clone()),
                admin_username: admin_user,
                admin_password,
            };
            let admin_name = new.admin_display_name.clone();
            let (clinic, recovery_key) = Clinic::create(&dir, &key, new).map_err(explain)?;
            let admin = clinic
                .sign_in(&admin_username, &admin_password_again)
                .map_err(explain)?;
            safekeeping::hand_over_recovery_key(
                &clinic,
                &recovery_key,
                &dir,
                &admin_name,
                recovery_sheet.as_deref(),
            )?;
            print_json(&clinic.status(&admin, &dir).map_err(explain)?)
        }
        Command::Recover => safekeeping::recover(&dir, &key),
        Command::Demo { seed, day_until } => {
            if !Clinic::exists(&dir) {
                let (_, summary) =
                    demo::create_demo_clinic(&dir, &key, seed, day_until).map_err(explain)?;
                eprintln!(
                    "Demo clinic created in {}; sign in as {DEMO_ADMIN_USERNAME} / {DEMO_PASSWORD}",
                    dir.display()
                );
                return print_json(&summary);
            }
            let (clinic, admin) = sign_in(&dir, &key, cli.user)?;
            if admin.role != Role::Admin {
                return Err(format!("{} is not an administrator", admin.username));
            }
            print_json(&demo::populate(&clinic, &admin, seed, day_until).map_err(explain)?)
        }
        Command::Status => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            print_json(&clinic.status(&user, &dir).map_err(explain)?)
        }
        Command::Audit(command) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            audit::run(&clinic, &user, command)
        }
        Command::Keys(command) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            safekeeping::keys(&clinic, &user, &dir, command)
        }
        Command::Backup { to, command } => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            safekeeping::backup(&clinic, &user, to.as_deref(), command)
        }
        Command::Restore { file, preview } => {
            safekeeping::restore(&dir, &key, cli.user, &file, preview)
        }
        Command::Patients(PatientsCommand::Search { text, limit }) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            let query = clinic_core::PatientQuery::matching(&text, 0, limit);
            for p in clinic.list_patients(&user, &query).map_err(explain)?.rows {
                let line = serde_json::json!({
                    "id": p.id,
                    "mrn": p.mrn,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "date_of_birth": p.date_of_birth,
                    "phone": p.phone,
                });
                print_text(&line.to_string())?;
            }
            Ok(())
        }
        Command::Import(command) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            spreadsheets::import(&clinic, &user, command)
        }
        Command::Export(command) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            spreadsheets::export(&clinic, &user, command)
        }
        Command::Users(command) => {
            let (clinic, admin) = sign_in(&dir, &key, cli.user)?;
            users(&clinic, &admin, command)
        }
        Command::Join {
            server,
            recovery_sheet,
        } => syncing::join(&dir, &key, &server, recovery_sheet.as_deref()),
        Command::Sync(command) => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            syncing::run(&clinic, &user, command)
        }
        Command::Passwd => {
            let (clinic, user) = sign_in(&dir, &key, cli.user)?;
            let current = secret("CLINIC_PASSWORD", "Current password", false)?;
            let new = secret("CLINIC_NEW_PASSWORD", "New password", true)?;
            clinic
                .change_password(&user, &current, &new)
                .map_err(explain)?;
            print_json(&serde_json::json!({ "password_changed": user.username }))
        }
    }
}

fn users(clinic: &Clinic, admin: &SessionUser, command: UsersCommand) -> Result<(), String> {
    let id_of = |username: &str| -> Result<String, String> {
        let all = clinic.list_users(admin).map_err(explain)?;
        all.into_iter()
            .find(|u| u.username == username.to_lowercase())
            .map(|u| u.id)
            .ok_or_else(|| format!("there is no user {username}"))
    };
    match command {
        UsersCommand::List => {
            for user in clinic.list_users(admin).map_err(explain)? {
                print_text(&serde_json::to_string(&user).map_err(|e| e.to_string())?)?;
            }
            Ok(())
        }
        UsersCommand::Add {
            username,
            name,
            role,
        } => {
            let password = secret(
                "CLINIC_NEW_PASSWORD",
                &format!("First password for {username}"),
                true,
            )?;
            let new = NewUser {
                username,
                display_name: name,
                password,
                role,
            };
            print_json(&clinic.add_user(admin, new).map_err(explain)?)
        }
        UsersCommand::SetRole { username, role } => clinic
            .set_user_role(admin, &id_of(&username)?, role)
            .map_err(explain),
        UsersCommand::Deactivate { username } => clinic
            .set_user_active(admin, &id_of(&username)?, false)
            .map_err(explain),
        UsersCommand::Activate { username } => clinic
            .set_user_active(admin, &id_of(&username)?, true)
            .map_err(explain),
        UsersCommand::ResetPassword { username } => {
            let password = secret(
                "CLINIC_NEW_PASSWORD",
                &format!("New password for {username}"),
                true,
            )?;
            clinic
                .reset_password(admin, &id_of(&username)?, &password)
                .map_err(explain)
        }
    }
}

/// Opens the clinic and signs in as `user`; the password comes from CLINIC_PASSWORD or a prompt.
pub(crate) fn sign_in(
    dir: &std::path::Path,
    key: &KeyOptions,
    user: Option<String>,
) -> Result<(Clinic, SessionUser), String> {
    let clinic = Clinic::open(dir, key).map_err(explain)?;
    let username = user.ok_or("sign in: name your user with --user (or CLINIC_USER)")?;
    let password = secret(
        "CLINIC_PASSWORD",
        &format!("Password for {username}"),
        false,
    )?;
    let user = clinic.sign_in(&username, &password).map_err(explain)?;
    if let Some(why) = clinic.reading_only() {
        eprintln!(
            "clinic: note: {}, so the clinic is open for reading only and this session is not in the audit trail",
            why.reason()
        );
    }
    Ok((clinic, user))
}

/// A secret from the environment, or typed at a terminal (twice when `confirm`); never echoed.
pub(crate) fn secret(var: &str, prompt: &str, confirm: bool) -> Result<String, String> {
    if let Ok(value) = std::env::var(var) {
        return Ok(value);
    }
    let ask = |p: &str| {
        rpassword::prompt_password(format!("{p}: "))
            .map_err(|_| format!("set {var} or run in a terminal to type it"))
    };
    let first = ask(prompt)?;
    if confirm && ask("Repeat it")? != first {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

/// One line for the operator: the message, with the field it concerns.
pub(crate) fn explain(err: CoreError) -> String {
    match err.field() {
        Some(field) => format!("{field}: {err}"),
        None => err.to_string(),
    }
}

/// Prints JSON to stdout. A reader that stopped early (`clinic status | head`) is not an error.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    print_text(&serde_json::to_string_pretty(value).map_err(|e| e.to_string())?)
}

/// Prints a line (or lines) of text to stdout, as `print_json` does.
pub(crate) fn print_text(text: &str) -> Result<(), String> {
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}
