//! Taking payments and giving refunds: entries of their own, each settling the invoice's status.

use clinic_store::{Fields, Table, WriteTx};
use uuid::Uuid;

use super::{
    InvoiceBalance, InvoiceStatus, PaymentKind, PaymentMethod, invoice_totals, still_held,
};
use crate::auth::permissions::Action;
use crate::scheduling::parse_id;
use crate::validate::optional;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// What a payment and a refund are both given: a reference (optional) and an amount above zero.
fn entry_details(amount_minor: i64, reference: Option<&str>) -> CoreResult<Option<String>> {
    let reference = optional("reference", reference, 80)?;
    if amount_minor <= 0 {
        return Err(CoreError::invalid(
            "amountMinor",
            message!("amount_not_positive"),
        ));
    }
    Ok(reference)
}

impl Clinic {
    /// Records a payment of what is still due (all of it or a part); the invoice becomes paid once
    /// payments cover its total. More than is due is refused here: an overpayment only arises from
    /// payments taken on two computers while apart, and then the invoice shows it.
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
        let reference = entry_details(amount_minor, reference)?;
        access.write(|tx| {
            let (patient, stored, balance) = invoice_of(tx, invoice)?;
            let status = stored.settled(&balance);
            if !status.takes_payments() {
                return Err(CoreError::Conflict(message!(
                    "invoice_takes_no_payments",
                    status = status.as_str(),
                )));
            }
            if amount_minor > balance.due_minor {
                return Err(CoreError::invalid(
                    "amountMinor",
                    message!("amount_above_due"),
                ));
            }
            let entry = Entry {
                invoice,
                patient: &patient,
                stored,
                refund_of: None,
                method: method.as_str(),
                amount_minor,
                reference: reference.as_deref(),
            };
            Ok(entry.write(tx)?.to_string())
        })
    }

    /// Gives back some or all of a payment, the way it was paid; a new entry pointing at the payment.
    /// What was paid beyond an invoice's total is refunded this way.
    pub fn refund_payment(
        &self,
        by: &SessionUser,
        payment_id: &str,
        amount_minor: i64,
        reference: Option<&str>,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::Refund)?;
        let payment = parse_id("paymentId", payment_id)?;
        let reference = entry_details(amount_minor, reference)?;
        access.write(|tx| {
            let found: Option<(String, String, String, i64)> = tx.reader().query_opt(
                &format!(
                    "SELECT invoice_id, method, kind, {}
                     FROM payments p
                     WHERE id = ?1 AND status = 'completed' AND archived_at IS NULL",
                    still_held("p")
                ),
                [payment.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let Some((invoice, method, kind, still_held)) = found else {
                return Err(CoreError::NotFound(message!("payment_not_found")));
            };
            if kind != PaymentKind::Payment.as_str() {
                return Err(CoreError::invalid(
                    "paymentId",
                    message!("refund_of_a_refund"),
                ));
            }
            let invoice = parse_id("invoiceId", &invoice)?;
            let (patient, stored, balance) = invoice_of(tx, invoice)?;
            let status = stored.settled(&balance);
            if !status.takes_refunds() {
                return Err(CoreError::Conflict(message!(
                    "invoice_takes_no_refunds",
                    status = status.as_str(),
                )));
            }
            if amount_minor > still_held {
                return Err(CoreError::invalid(
                    "amountMinor",
                    message!("refund_above_payment"),
                ));
            }
            let entry = Entry {
                invoice,
                patient: &patient,
                stored,
                refund_of: Some(payment),
                method: &method,
                amount_minor,
                reference: reference.as_deref(),
            };
            Ok(entry.write(tx)?.to_string())
        })
    }

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

/// The invoice's patient, its status as stored and its balance. What it takes goes by the status its
/// balance gives it (`InvoiceStatus::settled`): payments taken on two computers apart may cover it while
/// neither wrote "paid".
fn invoice_of(
    tx: &WriteTx<'_>,
    invoice: Uuid,
) -> CoreResult<(String, InvoiceStatus, InvoiceBalance)> {
    let (patient, status): (String, String) = tx
        .reader()
        .query_opt(
            "SELECT patient_id, status FROM invoices WHERE id = ?1 AND archived_at IS NULL",
            [invoice.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .ok_or_else(|| CoreError::NotFound(message!("invoice_not_found")))?;
    let status = InvoiceStatus::parse(&status).ok_or_else(|| {
        CoreError::Internal(format!("an invoice has the unknown status {status}"))
    })?;
    let (total, paid) = invoice_totals(&tx.reader(), &invoice.to_string())?;
    Ok((patient, status, InvoiceBalance::of(total, paid)))
}

/// A payment, or a refund of one, about to be written.
struct Entry<'a> {
    invoice: Uuid,
    patient: &'a str,
    /// The invoice's status as stored before it.
    stored: InvoiceStatus,
    refund_of: Option<Uuid>,
    method: &'a str,
    amount_minor: i64,
    reference: Option<&'a str>,
}

impl Entry<'_> {
    /// Writes the entry, then the status the invoice's entries now give it, if that is another.
    fn write(self, tx: &mut WriteTx<'_>) -> CoreResult<Uuid> {
        let now = tx.now();
        let kind = if self.refund_of.is_some() {
            PaymentKind::Refund
        } else {
            PaymentKind::Payment
        };
        let id = tx.insert(
            Table::Payments,
            Fields::new()
                .set("invoice_id", self.invoice)
                .set("patient_id", self.patient)
                .set("kind", kind.as_str())
                .set("refund_of_id", self.refund_of)
                .set("method", self.method)
                .set("amount_minor", self.amount_minor)
                .set("reference", self.reference)
                .set("received_at", now),
        )?;
        let (total, paid) = invoice_totals(&tx.reader(), &self.invoice.to_string())?;
        let settled = self.stored.settled(&InvoiceBalance::of(total, paid));
        if settled != self.stored {
            tx.update(
                Table::Invoices,
                self.invoice,
                Fields::new().set("status", settled.as_str()),
            )?;
        }
        Ok(id)
    }
}
