//! The invoice status, written once: what an invoice in each status takes, and the status its balance
//! gives it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::InvoiceBalance;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Being written; it has no number yet.
    Draft,
    /// Numbered and given to the patient; something is still due.
    Issued,
    /// Payments cover the total.
    Paid,
    /// Cancelled with a reason; it counts for nothing.
    Void,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 4] = [
        InvoiceStatus::Draft,
        InvoiceStatus::Issued,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }

    pub fn parse(text: &str) -> Option<InvoiceStatus> {
        InvoiceStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// A payment is taken only on an issued invoice: a draft is not given to anyone yet, a void one
    /// counts for nothing, and a paid one has nothing due.
    pub fn takes_payments(self) -> bool {
        self == InvoiceStatus::Issued
    }

    /// What was paid on an issued or paid invoice can be given back.
    pub fn takes_refunds(self) -> bool {
        matches!(self, InvoiceStatus::Issued | InvoiceStatus::Paid)
    }

    /// The status an invoice has once its entries come to `balance`: paid while nothing is due, issued
    /// again when a refund leaves something due; drafts and void invoices stay as they are.
    pub fn settled(self, balance: &InvoiceBalance) -> InvoiceStatus {
        match self {
            InvoiceStatus::Issued | InvoiceStatus::Paid if balance.due_minor == 0 => {
                InvoiceStatus::Paid
            }
            InvoiceStatus::Issued | InvoiceStatus::Paid => InvoiceStatus::Issued,
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InvoiceStatus::{self, *};
    use crate::billing::InvoiceBalance;

    #[test]
    fn statuses_read_back_as_written() {
        for status in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(InvoiceStatus::parse("cancelled"), None);
    }

    #[test]
    fn only_an_issued_invoice_takes_payments_and_only_issued_or_paid_ones_refunds() {
        let payments: Vec<_> = InvoiceStatus::ALL
            .into_iter()
            .filter(|s| s.takes_payments())
            .collect();
        assert_eq!(payments, [Issued]);
        let refunds: Vec<_> = InvoiceStatus::ALL
            .into_iter()
            .filter(|s| s.takes_refunds())
            .collect();
        assert_eq!(refunds, [Issued, Paid]);
    }

    #[test]
    fn the_balance_settles_the_status() {
        let due = InvoiceBalance::of(6000, 2500);
        let covered = InvoiceBalance::of(6000, 6000);
        let beyond = InvoiceBalance::of(6000, 9000);
        assert_eq!(Issued.settled(&due), Issued);
        assert_eq!(Issued.settled(&covered), Paid);
        assert_eq!(Issued.settled(&beyond), Paid);
        // A refund that leaves something due makes a paid invoice issued again.
        assert_eq!(Paid.settled(&due), Issued);
        assert_eq!(Paid.settled(&beyond), Paid);
        assert_eq!(Void.settled(&covered), Void);
        assert_eq!(Draft.settled(&covered), Draft);
    }
}
