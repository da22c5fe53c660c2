//! Renders a sample recovery sheet:
//! `cargo run -p clinic-print --example recovery_sheet -- OUT.pdf [a4|letter] [long]`
//! (`long`: a 300-character data folder and a 200-character clinic name).

use clinic_print::{Paper, RecoverySheet, recovery_sheet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .unwrap_or_else(|| "recovery-sheet.pdf".to_owned());
    let paper = match args.next().as_deref() {
        Some("letter") => Paper::Letter,
        _ => Paper::A4,
    };
    let long = args.next().as_deref() == Some("long");
    let long_dir = format!(
        "/srv/clinic/{}data",
        "Consultório Médico São João de Deus/".repeat(8)
    );
    let long_name =
        "Clínica Pediátrica e Centro de Reabilitação Física Núñez & Zoë Müller — ".repeat(3);
    let mut sheet = RecoverySheet {
        clinic_name: "Clínica Núñez & Zoë Müller",
        recovery_key: "K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7",
        data_dir: "C:\\Users\\Recepción\\AppData\\Roaming\\Clinic\\data",
        store_id: "01963f2a-7c1e-7b3a-9d41-2f6c8e0a5b17",
        device_name: "RECEPCION-PC",
        created_at: "14 March 2025, 09:26",
        created_by: "Zoë Müller",
        generated_at: "14 March 2025, 09:27",
    };
    if long {
        sheet.data_dir = &long_dir;
        sheet.clinic_name = long_name.trim_end_matches([' ', '—']);
    }
    std::fs::write(&out, recovery_sheet(&sheet, paper)?)?;
    println!("{out}");
    Ok(())
}
