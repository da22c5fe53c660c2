//! Billing: the service catalog, invoices, payments and refunds. Money is integer minor units.
//!
//! Payments and refunds are entries of their own, never edits of an invoice: two computers taking a
//! payment for one invoice while apart both keep theirs, and what was paid beyond the total is shown on
//! the invoice (to refund, or to keep as credit), never hidden. An invoice's balance is always worked
//! out from its lines and entries; its status follows it ([`InvoiceStatus::settled`]).

mod invoices;
mod payments;
mod queries;
mod status;

use clinic_store::Reader;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CoreResult;

pub use invoices::{InvoiceLineInput, Service};
pub(crate) use queries::count_unpaid;
pub use queries::{
    InvoiceDetails, InvoiceFilter, InvoiceLine, InvoicePage, InvoiceQuery, InvoiceRow, PaymentEntry,
};
pub use status::InvoiceStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Insurance,
    Transfer,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Insurance,
        PaymentMethod::Transfer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Insurance => "insurance",
            PaymentMethod::Transfer => "transfer",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// A payment, or a refund of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Payment,
    Refund,
}

impl PaymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Payment => "payment",
            PaymentKind::Refund => "refund",
        }
    }
}

/// What an invoice comes to and what was paid on it, in minor units. What is paid beyond the total is
/// said, never hidden (to refund, or to keep as credit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceBalance {
    /// With tax.
    #[ts(type = "number")]
    pub total_minor: i64,
    /// Payments less refunds.
    #[ts(type = "number")]
    pub paid_minor: i64,
    /// Still to pay (0 once paid).
    #[ts(type = "number")]
    pub due_minor: i64,
    /// Paid beyond the total.
    #[ts(type = "number")]
    pub overpaid_minor: i64,
}

impl InvoiceBalance {
    pub fn of(total_minor: i64, paid_minor: i64) -> InvoiceBalance {
        InvoiceBalance {
            total_minor,
            paid_minor,
            due_minor: (total_minor - paid_minor).max(0),
            overpaid_minor: (paid_minor - total_minor).max(0),
        }
    }
}

/// An invoice line's amount with tax, in SQL over `invoice_lines`: tax is rounded half up per line.
const LINE_AMOUNT: &str =
    "quantity * unit_price_minor + (quantity * unit_price_minor * tax_rate_bp + 5000) / 10000";

/// A payments row's effect on what was paid, in SQL: refunds count against it; voided entries not at all.
const NET_PAID: &str = "CASE WHEN status <> 'completed' OR archived_at IS NOT NULL THEN 0
                             WHEN kind = 'refund' THEN -amount_minor ELSE amount_minor END";

/// What a payment (`payments` row `alias`) still holds, in SQL: its amount less its refunds. Below zero
/// when two computers apart both gave it back.
fn still_held(alias: &str) -> String {
    format!(
        "{alias}.amount_minor + coalesce(
             (SELECT sum({NET_PAID}) FROM payments WHERE refund_of_id = {alias}.id), 0)"
    )
}

/// (total with tax, net paid) of an invoice, in minor units.
pub(crate) fn invoice_totals(r: &Reader<'_>, invoice_id: &str) -> CoreResult<(i64, i64)> {
    let total = r.query_row(
        &format!(
            "SELECT coalesce(sum({LINE_AMOUNT}), 0) FROM invoice_lines
             WHERE invoice_id = ?1 AND archived_at IS NULL"
        ),
        [invoice_id],
        |row| row.get(0),
    )?;
    let paid = r.query_row(
        &format!("SELECT coalesce(sum({NET_PAID}), 0) FROM payments WHERE invoice_id = ?1"),
        [invoice_id],
        |row| row.get(0),
    )?;
    Ok((total, paid))
}

#[cfg(test)]
mod tests {
    use super::{InvoiceBalance, PaymentMethod};

    #[test]
    fn a_balance_says_what_is_due_and_what_was_paid_beyond_the_total() {
        let part = InvoiceBalance::of(6000, 2500);
        assert_eq!((part.due_minor, part.overpaid_minor), (3500, 0));
        let exact = InvoiceBalance::of(6000, 6000);
        assert_eq!((exact.due_minor, exact.overpaid_minor), (0, 0));
        let twice = InvoiceBalance::of(6000, 12000);
        assert_eq!((twice.due_minor, twice.overpaid_minor), (0, 6000));
    }

    #[test]
    fn payment_methods_read_back_as_written() {
        for method in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(PaymentMethod::parse("cheque"), None);
    }
}
