//! `clinic`: the administrator's command line. It has no logic of its own: every command is a call into
//! clinic-core, the same code the app runs. Exit status 0 on success; otherwise a one-line reason on
//! stderr and status 1 (2 for a malformed command line).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clinic_core::demo::{self, DEMO_ADMIN_USERNAME, DEMO_PASSWORD};
use clinic_core::{Clinic, CoreError, KeyOptions, NewClinic, Role};

#[derive(Parser)]
#[command(name = "clinic", version, about = "Administer a Clinic data directory")]
struct Cli {
    /// The clinic's data directory [default: $CLINIC_DATA_DIR, else the OS app-data folder]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
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
    },
    /// Create the demo clinic, or fill an empty clinic with demo data (as --user, or CLINIC_USER)
    Demo {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// An administrator of an existing clinic; the password comes from CLINIC_PASSWORD or a prompt
        #[arg(long, env = "CLINIC_USER")]
        user: Option<String>,
    },
    /// Print what the data directory holds, as JSON
    Status,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("clinic: {message}");
            ExitCode::FAILURE
        }
    }
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
        } => {
            let admin_password =
                secret("CLINIC_ADMIN_PASSWORD", "New administrator password", true)?;
            let time_zone = time_zone
                .or_else(|| iana_time_zone::get_timezone().ok())
                .unwrap_or_else(|| "UTC".to_owned());
            let new = NewClinic {
                clinic_name,
                time_zone,
                currency,
                admin_display_name: admin_name.unwrap_or_else(|| admin_user.clone()),
                admin_username: admin_user,
                admin_password,
            };
            let clinic = Clinic::create(&dir, &key, new).map_err(explain)?;
            print_json(&clinic.status(&dir).map_err(explain)?)
        }
        Command::Demo { seed, user } => {
            if !Clinic::exists(&dir) {
                let (_, summary) = demo::create_demo_clinic(&dir, &key, seed).map_err(explain)?;
                eprintln!(
                    "Demo clinic created in {}; sign in as {DEMO_ADMIN_USERNAME} / {DEMO_PASSWORD}",
                    dir.display()
                );
                return print_json(&summary);
            }
            let clinic = Clinic::open(&dir, &key).map_err(explain)?;
            let username = user
                .ok_or("this clinic exists: name an administrator with --user (or CLINIC_USER)")?;
            let password = secret(
                "CLINIC_PASSWORD",
                &format!("Password for {username}"),
                false,
            )?;
            let admin = clinic.sign_in(&username, &password).map_err(explain)?;
            if admin.role != Role::Admin {
                return Err(format!("{username} is not an administrator"));
            }
            print_json(&demo::populate(&clinic, &admin, seed).map_err(explain)?)
        }
        Command::Status => {
            let clinic = Clinic::open(&dir, &key).map_err(explain)?;
            print_json(&clinic.status(&dir).map_err(explain)?)
        }
    }
}

/// A secret from the environment, or typed at a terminal (twice when `confirm`); never echoed.
fn secret(var: &str, prompt: &str, confirm: bool) -> Result<String, String> {
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
fn explain(err: CoreError) -> String {
    match err.field() {
        Some(field) => format!("{field}: {err}"),
        None => err.to_string(),
    }
}

/// Prints JSON to stdout. A reader that stopped early (`clinic status | head`) is not an error.
fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}
