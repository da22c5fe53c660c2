-- Today's count of open invoices works out the balance only of the invoices that can be due: those
-- stored as issued, and those with an entry that takes from what was paid (refunds have an index of
-- V14; payments no longer completed, or archived, this one).
CREATE INDEX invoices_by_status ON invoices (status);
CREATE INDEX payments_not_completed ON payments (invoice_id)
    WHERE status <> 'completed' OR archived_at IS NOT NULL;
