//! What the clinic keeps as it was written, the rule written once over plain data: a signed note never
//! changes (it is amended: a new note that refers to it), and a recorded payment's money facts never
//! change (it is voided or refunded: a new entry). The device's triggers refuse the same
//! (`signed_notes_are_immutable`, `payment_amounts_are_append_only`; a test compares them with this),
//! and the clinic server refuses a change that would do it, so an edit made on a computer that had
//! not yet seen the signature or the payment is refused and put back there.

use serde_json::{Map, Value};

/// A recorded payment's facts: the money it moved, how, when and for which invoice. Moving it with its
/// invoice to another record of the same patient (a merge) is not among them.
pub const PAYMENT_FACTS: [&str; 6] = [
    "invoice_id",
    "kind",
    "refund_of_id",
    "method",
    "amount_minor",
    "received_at",
];

/// Why a change may not be made to a row as it is kept (`stored`, its columns), if it may not;
/// `changed` are the columns whose value the change would change.
pub fn kept_as_written(
    table: &str,
    stored: &Map<String, Value>,
    changed: &[&str],
) -> Option<&'static str> {
    match table {
        "encounter_notes"
            if stored.get("status").and_then(Value::as_str) == Some("signed")
                && !changed.is_empty() =>
        {
            Some("a signed note cannot be changed; write an amendment")
        }
        "payments" if changed.iter().any(|c| PAYMENT_FACTS.contains(c)) => {
            Some("a recorded payment cannot be changed; void or refund it")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_signed_note_and_a_payments_money_are_kept() {
        let signed = row(json!({"status": "signed", "body": "Well."}));
        let draft = row(json!({"status": "draft", "body": "Well."}));
        assert!(kept_as_written("encounter_notes", &signed, &["body"]).is_some());
        assert!(kept_as_written("encounter_notes", &signed, &["archived_at"]).is_some());
        assert!(kept_as_written("encounter_notes", &signed, &[]).is_none());
        assert!(kept_as_written("encounter_notes", &draft, &["body", "status"]).is_none());
        let paid = row(json!({"amount_minor": 2500, "status": "completed"}));
        assert!(kept_as_written("payments", &paid, &["amount_minor"]).is_some());
        assert!(kept_as_written("payments", &paid, &["status", "reference"]).is_none());
        assert!(kept_as_written("payments", &paid, &["patient_id"]).is_none());
        assert!(kept_as_written("patients", &paid, &["amount_minor"]).is_none());
    }
}
