//! Billing: the service catalog, invoices and payments. Money is integer minor units.

use clinic_store::{Fields, Series, Table};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::patients::active_patient;
use crate::scheduling::parse_id;
use crate::validate::required;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Insurance,
    Transfer,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Insurance => "insurance",
            PaymentMethod::Transfer => "transfer",
        }
    }
}

/// One line of a new invoice: a catalog service and a quantity.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineInput {
    pub service_id: String,
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

    /// Creates an invoice and issues it at once with the next number of this device's invoice series.
    pub fn issue_invoice(
        &self,
        by: &SessionUser,
        patient_id: &str,
        appointment_id: Option<&str>,
        lines: &[InvoiceLineInput],
    ) -> CoreResult<(String, String)> {
        let access = self.authorize(by, Action::EditBilling)?;
        let patient = parse_id("patientId", patient_id)?;
        let appointment = appointment_id
            .map(|a| parse_id("appointmentId", a))
            .transpose()?;
        if lines.is_empty() {
            return Err(CoreError::invalid(
                "lines",
                message!("invoice_needs_a_line"),
            ));
        }
        let settings = self.settings()?;
        access.write(|tx| {
            active_patient(&tx.reader(), patient)?;
            let number = tx.next_number(Series::Invoice)?;
            let now = tx.now();
            let invoice = tx.insert(
                Table::Invoices,
                Fields::new()
                    .set("number", number.as_str())
                    .set("patient_id", patient)
                    .set("appointment_id", appointment)
                    .set("status", "issued")
                    .set("currency", settings.currency.as_str())
                    .set("issued_at", now),
            )?;
            for line in lines {
                if line.quantity < 1 {
                    return Err(CoreError::invalid("quantity", message!("at_least", min = 1)));
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

    /// Records a payment; the invoice becomes paid once payments cover its total.
    pub fn record_payment(
        &self,
        by: &SessionUser,
        invoice_id: &str,
        method: PaymentMethod,
        amount_minor: i64,
        reference: Option<&str>,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::EditBilling)?;
        let invoice = parse_id("invoiceId", invoice_id)?;
        if amount_minor <= 0 {
            return Err(CoreError::invalid(
                "amountMinor",
                message!("amount_not_positive"),
            ));
        }
        access.write(|tx| {
            let (patient, status): (String, String) = tx
                .reader()
                .query_opt(
                    "SELECT patient_id, status FROM invoices WHERE id = ?1",
                    [invoice.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .ok_or_else(|| CoreError::NotFound(message!("invoice_not_found")))?;
            if status != "issued" {
                return Err(CoreError::Conflict(message!(
                    "invoice_takes_no_payments",
                    status = status,
                )));
            }
            let now = tx.now();
            let id = tx.insert(
                Table::Payments,
                Fields::new()
                    .set("invoice_id", invoice)
                    .set("patient_id", patient.as_str())
                    .set("method", method.as_str())
                    .set("amount_minor", amount_minor)
                    .set("reference", reference)
                    .set("received_at", now),
            )?;
            let (total, paid) = invoice_totals(&tx.reader(), &invoice.to_string())?;
            if paid >= total {
                tx.update(
                    Table::Invoices,
                    invoice,
                    Fields::new().set("status", "paid"),
                )?;
            }
            Ok(id.to_string())
        })
    }
}

/// What an invoice comes to and what was paid on it, in minor units. Payments and refunds are entries
/// of their own, so two computers taking payments while apart both keep theirs; what is paid beyond
/// the total is said, never hidden (to refund, or to keep as credit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceBalance {
    /// With tax.
    pub total_minor: i64,
    /// Payments less refunds.
    pub paid_minor: i64,
    /// Still to pay (0 once paid).
    pub due_minor: i64,
    /// Paid beyond the total.
    pub overpaid_minor: i64,
}

impl InvoiceBalance {
    fn of(total_minor: i64, paid_minor: i64) -> InvoiceBalance {
        InvoiceBalance {
            total_minor,
            paid_minor,
            due_minor: (total_minor - paid_minor).max(0),
            overpaid_minor: (paid_minor - total_minor).max(0),
        }
    }
}

impl Clinic {
    /// What an invoice comes to, what was paid, what is still due and what was paid beyond it.
    pub fn invoice_balance(
        &self,
        by: &SessionUser,
        invoice_id: &str,
    ) -> CoreResult<InvoiceBalance> {
        let access = self.authorize(by, Action::ViewBilling)?;
        let id = parse_id("invoiceId", invoice_id)?;
        let (total, paid) = access.read(|r| invoice_totals(&r, &id.to_string()))?;
        Ok(InvoiceBalance::of(total, paid))
    }
}

/// (total with tax, net paid) of an invoice, in minor units. Tax is rounded half up per line.
pub(crate) fn invoice_totals(
    r: &clinic_store::Reader<'_>,
    invoice_id: &str,
) -> CoreResult<(i64, i64)> {
    let total = r.query_row(
        "SELECT coalesce(sum(quantity * unit_price_minor + (quantity * unit_price_minor * tax_rate_bp + 5000) / 10000), 0)
         FROM invoice_lines WHERE invoice_id = ?1 AND archived_at IS NULL",
        [invoice_id],
        |row| row.get(0),
    )?;
    let paid = r.query_row(
        "SELECT coalesce(sum(CASE kind WHEN 'refund' THEN -amount_minor ELSE amount_minor END), 0)
         FROM payments WHERE invoice_id = ?1 AND status = 'completed' AND archived_at IS NULL",
        [invoice_id],
        |row| row.get(0),
    )?;
    Ok((total, paid))
}

#[cfg(test)]
mod tests {
    use super::InvoiceBalance;

    #[test]
    fn a_balance_says_what_is_due_and_what_was_paid_beyond_the_total() {
        let part = InvoiceBalance::of(6000, 2500);
        assert_eq!((part.due_minor, part.overpaid_minor), (3500, 0));
        let exact = InvoiceBalance::of(6000, 6000);
        assert_eq!((exact.due_minor, exact.overpaid_minor), (0, 0));
        let twice = InvoiceBalance::of(6000, 12000);
        assert_eq!((twice.due_minor, twice.overpaid_minor), (0, 6000));
    }
}
