//! Billing benchmarks: what billing staff wait for when they open the invoice lists.
//!
//! `cargo bench -p clinic-core --bench billing` builds a clinic of 10,000 patients and 60,000 invoices
//! (five years of a busy practice: one or two lines each; nine in ten paid in full, some in part, one in
//! two hundred paid twice over), written in batches through the store's write path, then times, each many
//! times, printing p50 and p95: the newest 100 unpaid invoices; those paid beyond their total (the whole
//! table read, since any invoice may be); all invoices; a search by patient name; one invoice opened
//! whole. Each listing includes its audit entry.

mod common;

use std::time::Instant;

use clinic_core::{Clinic, InvoiceFilter, InvoiceQuery, SessionUser};
use clinic_store::{Fields, Series, Store, Table};
use common::{PASSWORD, create_clinic, key, measuring, report, timed};

const RUNS: usize = 50;
const PATIENTS: usize = 10_000;
const INVOICES: usize = 60_000;

fn build(dir: &std::path::Path) -> (Clinic, SessionUser, Vec<String>) {
    let clinic = create_clinic(dir);
    let admin = clinic.sign_in("root", PASSWORD).unwrap();
    let consult = clinic
        .add_service(&admin, "CONS", "Consultation", 6_500, false)
        .unwrap();
    let cert = clinic
        .add_service(&admin, "CERT", "Medical certificate", 2_000, true)
        .unwrap();
    drop(clinic);

    let store = Store::open(dir, &key()).unwrap();
    let patients: Vec<String> = store
        .write(None, |tx| {
            (0..PATIENTS)
                .map(|i| {
                    let mrn = tx.next_number(Series::Mrn)?;
                    Ok(tx
                        .insert(
                            Table::Patients,
                            Fields::new()
                                .set("mrn", mrn)
                                .set("first_name", format!("Patient{i}"))
                                .set("last_name", format!("Bench{}", i % 997))
                                .set("date_of_birth", "1980-01-01")
                                .set("sex", "unknown"),
                        )?
                        .to_string())
                })
                .collect::<Result<Vec<_>, clinic_store::StoreError>>()
        })
        .unwrap();
    let mut invoices = Vec::with_capacity(INVOICES);
    for batch in 0..INVOICES / 2_000 {
        store
            .write(None, |tx| {
                for n in batch * 2_000..(batch + 1) * 2_000 {
                    let number = tx.next_number(Series::Invoice)?;
                    let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap()
                        + chrono::Duration::days((n / 33) as i64);
                    let issued = format!("{day}T10:{:02}:00.000Z", n % 60);
                    let with_cert = n % 10 == 0;
                    let total = 6_500 + if with_cert { 2_400 } else { 0 };
                    let paid = match n % 200 {
                        0 => total * 2,
                        1..=9 => total / 2,
                        10..=19 => 0,
                        _ => total,
                    };
                    let invoice = tx.insert(
                        Table::Invoices,
                        Fields::new()
                            .set("number", number)
                            .set("patient_id", patients[n % PATIENTS].as_str())
                            .set("status", if paid >= total { "paid" } else { "issued" })
                            .set("currency", "EUR")
                            .set("issued_at", issued.as_str()),
                    )?;
                    for (service, name, price, tax) in [
                        (Some(&consult), "Consultation", 6_500, 0),
                        (
                            with_cert.then_some(&cert),
                            "Medical certificate",
                            2_000,
                            2_000,
                        ),
                    ] {
                        let Some(service) = service else { continue };
                        tx.insert(
                            Table::InvoiceLines,
                            Fields::new()
                                .set("invoice_id", invoice)
                                .set("service_id", service.as_str())
                                .set("description", name)
                                .set("quantity", 1)
                                .set("unit_price_minor", price)
                                .set("tax_rate_bp", tax),
                        )?;
                    }
                    let payments = if paid > total {
                        2
                    } else {
                        usize::from(paid > 0)
                    };
                    for _ in 0..payments {
                        tx.insert(
                            Table::Payments,
                            Fields::new()
                                .set("invoice_id", invoice)
                                .set("patient_id", patients[n % PATIENTS].as_str())
                                .set("method", "card")
                                .set("amount_minor", paid / payments as i64)
                                .set("received_at", issued.as_str()),
                        )?;
                    }
                    invoices.push(invoice.to_string());
                }
                Ok::<_, clinic_store::StoreError>(())
            })
            .unwrap();
    }
    drop(store);
    let clinic = Clinic::open(dir, &key()).unwrap();
    let admin = clinic.sign_in("root", PASSWORD).unwrap();
    (clinic, admin, invoices)
}

fn list(show: InvoiceFilter, search: Option<&str>) -> InvoiceQuery {
    InvoiceQuery {
        show,
        search: search.map(str::to_owned),
        patient_id: None,
        limit: 100,
    }
}

fn main() {
    if !measuring() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let (clinic, admin, invoices) = build(dir.path());
    println!(
        "billing: {PATIENTS} patients, {INVOICES} invoices (built in {:.1} s); p50 / p95 of {RUNS} runs",
        start.elapsed().as_secs_f64()
    );
    let overpaid = clinic
        .list_invoices(&admin, &list(InvoiceFilter::Overpaid, None))
        .unwrap();
    assert_eq!(overpaid.rows.len(), 100);
    for (what, query) in [
        (
            "the newest 100 unpaid invoices",
            list(InvoiceFilter::Unpaid, None),
        ),
        (
            "invoices paid beyond their total (100 of 300)",
            list(InvoiceFilter::Overpaid, None),
        ),
        ("the newest 100 invoices", list(InvoiceFilter::All, None)),
        (
            "invoices of patients named like \"Bench42\"",
            list(InvoiceFilter::All, Some("Bench42")),
        ),
    ] {
        report(
            what,
            timed(RUNS, |_| {
                clinic.list_invoices(&admin, &query).unwrap();
            }),
        );
    }
    report(
        "one invoice opened whole",
        timed(RUNS, |i| {
            clinic
                .open_invoice(&admin, &invoices[(i * 7_919) % invoices.len()])
                .unwrap();
        }),
    );
    // Today's screen counts the open invoices, each settled from its entries: it reads every invoice.
    report(
        "today's overview (open invoices counted)",
        timed(RUNS, |_| {
            clinic.overview(&admin).unwrap();
        }),
    );
}
