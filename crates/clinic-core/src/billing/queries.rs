//! Reading invoices: the list (unpaid first of all, and those paid beyond their total), and one invoice
//! whole with its lines, payments and refunds. Every list that shows patients is audited as a read.

use clinic_store::{Reader, Row, RowResult};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    InvoiceBalance, InvoiceStatus, LINE_AMOUNT, NET_PAID, PaymentKind, PaymentMethod, still_held,
};
use crate::auth::permissions::Action;
use crate::scheduling::{optional_id, parse_id};
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// Which invoices to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFilter {
    /// Something is still due.
    Unpaid,
    /// Paid beyond the total: to refund, or to keep as credit.
    Overpaid,
    All,
}

#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceQuery {
    pub show: InvoiceFilter,
    /// The start of an invoice number or MRN, or part of the patient's name.
    pub search: Option<String>,
    pub patient_id: Option<String>,
    #[ts(type = "number")]
    pub limit: i64,
}

/// One line of the invoice list.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub issued_at: String,
    pub status: InvoiceStatus,
    pub currency: String,
    pub balance: InvoiceBalance,
}

/// The newest invoices that match, and whether there are more.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    pub more: bool,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLine {
    pub description: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    /// Tax in basis points (2000 = 20 %).
    #[ts(type = "number")]
    pub tax_rate_bp: i64,
    /// With tax.
    #[ts(type = "number")]
    pub amount_minor: i64,
}

/// A payment or a refund, as the invoice lists it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEntry {
    pub id: String,
    pub kind: PaymentKind,
    pub refund_of_id: Option<String>,
    pub method: PaymentMethod,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub reference: Option<String>,
    pub received_at: String,
    /// Who took it or gave it back.
    pub received_by: Option<String>,
    /// What of a payment can still be given back (0 for a refund).
    #[ts(type = "number")]
    pub refundable_minor: i64,
    /// What was given back beyond what a payment held (0 for a refund): refunded on two computers
    /// while they were apart.
    #[ts(type = "number")]
    pub refunded_beyond_minor: i64,
}

/// An invoice whole.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetails {
    pub invoice: InvoiceRow,
    pub appointment_id: Option<String>,
    pub lines: Vec<InvoiceLine>,
    /// Oldest first.
    pub payments: Vec<PaymentEntry>,
    /// What its payments' refunds gave back beyond what the payments held, all together: money that
    /// left the clinic twice, now due again.
    #[ts(type = "number")]
    pub refunded_beyond_minor: i64,
}

/// Something is still due, over [`invoices_with_totals`]: the Unpaid list and the overview's count.
const SOMETHING_DUE: &str = "total > paid AND status <> 'void'";
/// Paid beyond the total, over [`invoices_with_totals`].
const PAID_BEYOND_TOTAL: &str = "paid > total AND status <> 'void'";

/// How many invoices still have something due, each settled from its entries (a stored status can
/// say "issued" of an invoice paid in halves on two computers apart).
///
/// It reads only the invoices that can be due: those stored as issued, and those with an entry that
/// takes from what was paid (a refund, or a payment no longer completed or archived). One stored as
/// paid was paid in full on some computer; its lines are written with it and a payment's amount is
/// never edited, so nothing else makes it due again. (A line the server refused stays on the computer
/// that wrote it, in Needs attention; there the list shows what is due, this count may not.)
pub(crate) fn count_unpaid(r: &Reader<'_>) -> CoreResult<i64> {
    Ok(r.count(
        &format!(
            "SELECT count(*) FROM ({}
               AND (i.status = 'issued'
                    OR i.id IN (SELECT invoice_id FROM payments WHERE refund_of_id IS NOT NULL)
                    OR i.id IN (SELECT invoice_id FROM payments
                                WHERE status <> 'completed' OR archived_at IS NOT NULL)))
             WHERE {SOMETHING_DUE}",
            invoices_with_totals()
        ),
        [],
    )?)
}

/// Each invoice with what it comes to (`total`) and what was paid (`paid`), for the filters to read.
fn invoices_with_totals() -> String {
    format!(
        "SELECT i.id, i.number, i.patient_id, p.first_name || ' ' || p.last_name AS name, p.mrn,
                i.issued_at, i.status, i.currency,
                (SELECT coalesce(sum({LINE_AMOUNT}), 0) FROM invoice_lines
                  WHERE invoice_id = i.id AND archived_at IS NULL) AS total,
                (SELECT coalesce(sum({NET_PAID}), 0) FROM payments WHERE invoice_id = i.id) AS paid
         FROM invoices i JOIN patients p ON p.id = i.patient_id
         WHERE i.archived_at IS NULL AND i.status <> 'draft'"
    )
}

fn invoice_row(row: &Row<'_>) -> RowResult<InvoiceRow> {
    let status: String = row.get(6)?;
    let balance = InvoiceBalance::of(row.get(8)?, row.get(9)?);
    Ok(InvoiceRow {
        id: row.get(0)?,
        number: row.get(1)?,
        patient_id: row.get(2)?,
        patient_name: row.get(3)?,
        patient_mrn: row.get(4)?,
        issued_at: row.get(5)?,
        // As its entries settle it (the table's CHECK admits no other status).
        status: InvoiceStatus::parse(&status)
            .unwrap_or(InvoiceStatus::Issued)
            .settled(&balance),
        currency: row.get(7)?,
        balance,
    })
}

impl Clinic {
    /// The newest invoices that match, with their balances.
    pub fn list_invoices(&self, by: &SessionUser, query: &InvoiceQuery) -> CoreResult<InvoicePage> {
        let access = self.authorize(by, Action::ViewBilling)?;
        let patient = optional_id("patientId", query.patient_id.as_deref())?.map(|p| p.to_string());
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            // What is typed is text to find, never a pattern: % and _ match themselves.
            .map(|s| {
                s.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            });
        let limit = query.limit.clamp(1, 500);
        let shown = match query.show {
            InvoiceFilter::Unpaid => SOMETHING_DUE,
            InvoiceFilter::Overpaid => PAID_BEYOND_TOTAL,
            InvoiceFilter::All => "1",
        };
        let mut rows = access.read(|r| {
            Ok(r.query_all(
                &format!(
                    "SELECT * FROM ({}
                       AND (i.patient_id = ?1 OR ?1 IS NULL)
                       AND (?2 IS NULL OR i.number LIKE ?2 || '%' ESCAPE '\\'
                            OR p.mrn LIKE ?2 || '%' ESCAPE '\\'
                            OR p.first_name || ' ' || p.last_name LIKE '%' || ?2 || '%' ESCAPE '\\'))
                     WHERE {shown}
                     ORDER BY issued_at DESC, number DESC LIMIT ?3",
                    invoices_with_totals()
                ),
                (patient.as_deref(), search.as_deref(), limit + 1),
                invoice_row,
            )?)
        })?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        access.audit_shown(
            "list_invoices",
            "invoices",
            rows.iter().map(|i| i.patient_id.as_str()),
        )?;
        Ok(InvoicePage { rows, more })
    }

    /// One invoice whole: its lines, and its payments and refunds with who took them.
    pub fn open_invoice(&self, by: &SessionUser, invoice_id: &str) -> CoreResult<InvoiceDetails> {
        let access = self.authorize(by, Action::ViewBilling)?;
        let id = parse_id("invoiceId", invoice_id)?.to_string();
        let details = access.read(|r| {
            let invoice = r
                .query_opt(
                    &format!("{} AND i.id = ?1", invoices_with_totals()),
                    [&id],
                    invoice_row,
                )?
                .ok_or_else(|| CoreError::NotFound(message!("invoice_not_found")))?;
            let appointment_id = r.query_row(
                "SELECT appointment_id FROM invoices WHERE id = ?1",
                [&id],
                |row| row.get(0),
            )?;
            let payments = payments(&r, &id)?;
            Ok(InvoiceDetails {
                invoice,
                appointment_id,
                lines: lines(&r, &id)?,
                refunded_beyond_minor: payments.iter().map(|p| p.refunded_beyond_minor).sum(),
                payments,
            })
        })?;
        access.audit_shown(
            "open_invoice",
            "invoices",
            [details.invoice.patient_id.as_str()],
        )?;
        Ok(details)
    }
}

fn lines(r: &Reader<'_>, invoice: &str) -> CoreResult<Vec<InvoiceLine>> {
    Ok(r.query_all(
        &format!(
            "SELECT description, quantity, unit_price_minor, tax_rate_bp, {LINE_AMOUNT}
             FROM invoice_lines WHERE invoice_id = ?1 AND archived_at IS NULL ORDER BY created_at, id"
        ),
        [invoice],
        |row| {
            Ok(InvoiceLine {
                description: row.get(0)?,
                quantity: row.get(1)?,
                unit_price_minor: row.get(2)?,
                tax_rate_bp: row.get(3)?,
                amount_minor: row.get(4)?,
            })
        },
    )?)
}

fn payments(r: &Reader<'_>, invoice: &str) -> CoreResult<Vec<PaymentEntry>> {
    Ok(r.query_all(
        &format!(
            "SELECT y.id, y.kind, y.refund_of_id, y.method, y.amount_minor, y.reference, y.received_at,
                    u.display_name, CASE y.kind WHEN 'payment' THEN {} ELSE 0 END
             FROM payments y LEFT JOIN users u ON u.id = y.created_by
             WHERE y.invoice_id = ?1 AND y.status = 'completed' AND y.archived_at IS NULL
             ORDER BY y.received_at, y.id",
            still_held("y")
        ),
        [invoice],
        |row| {
            let kind: String = row.get(1)?;
            let method: String = row.get(3)?;
            // Two computers refunding one payment while apart can give back more than it held.
            let holds: i64 = row.get(8)?;
            Ok(PaymentEntry {
                id: row.get(0)?,
                kind: if kind == PaymentKind::Refund.as_str() {
                    PaymentKind::Refund
                } else {
                    PaymentKind::Payment
                },
                refund_of_id: row.get(2)?,
                // The table's CHECK admits no other.
                method: PaymentMethod::parse(&method).unwrap_or(PaymentMethod::Cash),
                amount_minor: row.get(4)?,
                reference: row.get(5)?,
                received_at: row.get(6)?,
                received_by: row.get(7)?,
                refundable_minor: holds.max(0),
                refunded_beyond_minor: (-holds).max(0),
            })
        },
    )?)
}
