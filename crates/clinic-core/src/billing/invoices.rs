//! The service catalog and issuing invoices.

use clinic_store::{Fields, Series, Table};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::InvoiceStatus;
use crate::auth::permissions::Action;
use crate::patients::active_patient;
use crate::scheduling::{optional_id, parse_id};
use crate::validate::required;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// The most of one service a line may bill: far beyond any visit, and well within what the totals'
/// arithmetic holds.
const MOST_OF_ONE_SERVICE: i64 = 999;

/// A service of the catalog, as an invoice line is made from it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub id: String,
    pub code: String,
    pub name: String,
    #[ts(type = "number")]
    pub price_minor: i64,
    pub taxable: bool,
}

/// One line of a new invoice: a catalog service and a quantity.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineInput {
    pub service_id: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

impl Clinic {
    /// Adds a service to the catalog. Returns its id.
    pub fn add_service(
        &self,
        by: &SessionUser,
        code: &str,
        name: &str,
        price_minor: i64,
        taxable: bool,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::ManageSettings)?;
        let code = required("code", code, 20)?;
        let name = required("name", name, 120)?;
        if price_minor < 0 {
            return Err(CoreError::invalid("priceMinor", message!("negative_price")));
        }
        access.write(|tx| {
            if tx
                .reader()
                .count("SELECT count(*) FROM services WHERE code = ?1", [&code])?
                > 0
            {
                return Err(CoreError::invalid("code", message!("service_code_taken")));
            }
            let id = tx.insert(
                Table::Services,
                Fields::new()
                    .set("code", code.as_str())
                    .set("name", name.as_str())
                    .set("price_minor", price_minor)
                    .set("taxable", taxable),
            )?;
            Ok(id.to_string())
        })
    }

    /// The catalog's services in use, by code: what an invoice may list.
    pub fn list_services(&self, by: &SessionUser) -> CoreResult<Vec<Service>> {
        let access = self.authorize(by, Action::ViewBilling)?;
        access.read(|r| {
            Ok(r.query_all(
                "SELECT id, code, name, price_minor, taxable FROM services
                 WHERE archived_at IS NULL ORDER BY code",
                [],
                |row| {
                    Ok(Service {
                        id: row.get(0)?,
                        code: row.get(1)?,
                        name: row.get(2)?,
                        price_minor: row.get(3)?,
                        taxable: row.get(4)?,
                    })
                },
            )?)
        })
    }

    /// Creates an invoice and issues it at once with the next number of this device's invoice series.
    /// Returns its id and number.
    pub fn issue_invoice(
        &self,
        by: &SessionUser,
        patient_id: &str,
        appointment_id: Option<&str>,
        lines: &[InvoiceLineInput],
    ) -> CoreResult<(String, String)> {
        let access = self.authorize(by, Action::EditBilling)?;
        let patient = parse_id("patientId", patient_id)?;
        let appointment = optional_id("appointmentId", appointment_id)?;
        if lines.is_empty() {
            return Err(CoreError::invalid(
                "lines",
                message!("invoice_needs_a_line"),
            ));
        }
        let settings = self.settings()?;
        access.write(|tx| {
            active_patient(&tx.reader(), patient)?;
            if let Some(appointment) = appointment {
                let patients = tx.reader().count(
                    "SELECT count(*) FROM appointments WHERE id = ?1 AND patient_id = ?2 AND archived_at IS NULL",
                    [appointment.to_string(), patient.to_string()],
                )?;
                if patients == 0 {
                    return Err(CoreError::invalid(
                        "appointmentId",
                        message!("appointment_not_the_patients"),
                    ));
                }
            }
            let number = tx.next_number(Series::Invoice)?;
            let now = tx.now();
            let invoice = tx.insert(
                Table::Invoices,
                Fields::new()
                    .set("number", number.as_str())
                    .set("patient_id", patient)
                    .set("appointment_id", appointment)
                    .set("status", InvoiceStatus::Issued.as_str())
                    .set("currency", settings.currency.as_str())
                    .set("issued_at", now),
            )?;
            for line in lines {
                if !(1..=MOST_OF_ONE_SERVICE).contains(&line.quantity) {
                    return Err(CoreError::invalid(
                        "quantity",
                        message!("between", min = 1, max = MOST_OF_ONE_SERVICE),
                    ));
                }
                let service = parse_id("serviceId", &line.service_id)?;
                let (name, price, taxable): (String, i64, bool) = tx
                    .reader()
                    .query_opt(
                        "SELECT name, price_minor, taxable FROM services WHERE id = ?1 AND archived_at IS NULL",
                        [service.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?
                    .ok_or_else(|| CoreError::invalid("serviceId", message!("service_not_found")))?;
                let tax_rate: i64 = if taxable {
                    tx.reader().query_row("SELECT tax_rate_bp FROM clinic_settings WHERE id = ?1", [&settings.id], |r| r.get(0))?
                } else {
                    0
                };
                tx.insert(
                    Table::InvoiceLines,
                    Fields::new()
                        .set("invoice_id", invoice)
                        .set("service_id", service)
                        .set("description", name.as_str())
                        .set("quantity", line.quantity)
                        .set("unit_price_minor", price)
                        .set("tax_rate_bp", tax_rate),
                )?;
            }
            Ok((invoice.to_string(), number))
        })
    }
}
