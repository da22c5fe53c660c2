-- The invoice list shows the newest first and stops once its page is full: read in this order, an
-- invoice's balance is worked out only for the rows looked at, not for every invoice of the clinic.
CREATE INDEX invoices_by_issued_at ON invoices (issued_at, number);
-- What of a payment is still refundable: its refunds, found without reading every payment.
CREATE INDEX payments_by_refunded_payment ON payments (refund_of_id) WHERE refund_of_id IS NOT NULL;
