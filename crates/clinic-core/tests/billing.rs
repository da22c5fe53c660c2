//! Invoices, payments and refunds on one computer: what an invoice comes to, what was paid and is due,
//! the status that follows, the list's filters, and the refusals that leave nothing behind. (Payments
//! taken on two computers apart, and the overpayment that follows, are in the server's scenarios.)

use clinic_core::{
    AuditQuery, Clinic, CoreError, InvoiceFilter, InvoiceLineInput, InvoiceQuery, InvoiceStatus,
    NewPatient, PaymentKind, PaymentMethod, SessionUser,
};

use crate::common::{self, ADMIN_PASSWORD};

fn patient(c: &Clinic, by: &SessionUser, first: &str, last: &str) -> String {
    c.register_patient(
        by,
        NewPatient {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: "1980-02-03".into(),
            ..NewPatient::default()
        },
    )
    .unwrap()
    .id
}

fn query(show: InvoiceFilter, search: Option<&str>) -> InvoiceQuery {
    InvoiceQuery {
        show,
        search: search.map(str::to_owned),
        patient_id: None,
        limit: 50,
    }
}

fn outbox(c: &Clinic, by: &SessionUser, dir: &std::path::Path) -> i64 {
    c.status(by, dir).unwrap().outbox_pending
}

#[test]
fn an_invoice_is_paid_in_parts_refunded_and_listed_by_what_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Billing Clinic");
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let ana = patient(&c, &admin, "Ana", "Ruiz");
    let ben = patient(&c, &admin, "Ben", "Okafor");
    let consult = c
        .add_service(&admin, "CONS", "Consultation", 6000, false)
        .unwrap();
    let cert = c
        .add_service(&admin, "CERT", "Medical certificate", 1500, false)
        .unwrap();
    let services = c.list_services(&admin).unwrap();
    assert_eq!(
        services.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        ["CERT", "CONS"]
    );
    let lines = [
        InvoiceLineInput {
            service_id: consult.clone(),
            quantity: 1,
        },
        InvoiceLineInput {
            service_id: cert,
            quantity: 2,
        },
    ];
    let (invoice, number) = c.issue_invoice(&admin, &ana, None, &lines).unwrap();
    let (bens, _) = c
        .issue_invoice(
            &admin,
            &ben,
            None,
            &[InvoiceLineInput {
                service_id: consult,
                quantity: 1,
            }],
        )
        .unwrap();
    c.record_payment(&admin, &bens, PaymentMethod::Cash, 6000, None)
        .unwrap();

    // A line of more than anyone is billed, or another patient's appointment, is refused whole.
    let before = outbox(&c, &admin, dir.path());
    let too_many = [InvoiceLineInput {
        service_id: lines[0].service_id.clone(),
        quantity: 1_000,
    }];
    assert!(matches!(
        c.issue_invoice(&admin, &ana, None, &too_many),
        Err(CoreError::Validation {
            field: "quantity",
            ..
        })
    ));
    assert!(matches!(
        c.issue_invoice(
            &admin,
            &ana,
            Some("01900000-0000-7000-8000-000000000000"),
            &lines
        ),
        Err(CoreError::Validation {
            field: "appointmentId",
            ..
        })
    ));
    assert_eq!(outbox(&c, &admin, dir.path()), before);

    // 60.00 + 2 × 15.00; a part paid by card.
    let card = c
        .record_payment(
            &admin,
            &invoice,
            PaymentMethod::Card,
            5000,
            Some("AUTH 123456"),
        )
        .unwrap();
    let opened = c.open_invoice(&admin, &invoice).unwrap();
    assert_eq!(opened.invoice.number, number);
    assert_eq!(opened.invoice.patient_name, "Ana Ruiz");
    assert_eq!(opened.invoice.status, InvoiceStatus::Issued);
    assert_eq!(
        (
            opened.invoice.balance.total_minor,
            opened.invoice.balance.due_minor
        ),
        (9000, 4000)
    );
    assert_eq!(
        opened
            .lines
            .iter()
            .map(|l| (l.description.as_str(), l.quantity, l.amount_minor))
            .collect::<Vec<_>>(),
        [("Consultation", 1, 6000), ("Medical certificate", 2, 3000)]
    );
    assert_eq!(opened.payments.len(), 1);
    let taken = &opened.payments[0];
    assert_eq!(taken.kind, PaymentKind::Payment);
    assert_eq!(taken.method, PaymentMethod::Card);
    assert_eq!(taken.received_by.as_deref(), Some("Root"));
    assert_eq!(taken.reference.as_deref(), Some("AUTH 123456"));
    assert_eq!(taken.refundable_minor, 5000);

    // More than is due is refused, naming the field, and writes nothing.
    let before = outbox(&c, &admin, dir.path());
    let above = c.record_payment(&admin, &invoice, PaymentMethod::Cash, 4001, None);
    assert!(
        matches!(&above, Err(CoreError::Validation { field, .. }) if *field == "amountMinor"),
        "{above:?}"
    );
    assert_eq!(outbox(&c, &admin, dir.path()), before);

    // The rest in cash: paid, and no payment more.
    c.record_payment(&admin, &invoice, PaymentMethod::Cash, 4000, None)
        .unwrap();
    let paid = c.open_invoice(&admin, &invoice).unwrap().invoice;
    assert_eq!(paid.status, InvoiceStatus::Paid);
    assert_eq!(
        (paid.balance.due_minor, paid.balance.overpaid_minor),
        (0, 0)
    );
    assert!(matches!(
        c.record_payment(&admin, &invoice, PaymentMethod::Cash, 1, None),
        Err(CoreError::Conflict(_))
    ));
    assert_eq!(
        c.overview(&admin).unwrap().counts.open_invoices,
        0,
        "both paid"
    );

    // Part of the card payment given back: something is due again, and the invoice is issued again.
    let refund = c
        .refund_payment(&admin, &card, 1500, Some("certificate not needed"))
        .unwrap();
    let back = c.open_invoice(&admin, &invoice).unwrap();
    assert_eq!(back.invoice.status, InvoiceStatus::Issued);
    assert_eq!(
        (
            back.invoice.balance.paid_minor,
            back.invoice.balance.due_minor
        ),
        (7500, 1500)
    );
    assert_eq!(c.overview(&admin).unwrap().counts.open_invoices, 1);
    let refunded = back.payments.iter().find(|p| p.id == refund).unwrap();
    assert_eq!(refunded.kind, PaymentKind::Refund);
    assert_eq!(refunded.method, PaymentMethod::Card);
    assert_eq!(refunded.refund_of_id.as_deref(), Some(card.as_str()));
    assert_eq!(
        back.payments
            .iter()
            .find(|p| p.id == card)
            .unwrap()
            .refundable_minor,
        3500
    );

    // A refund gives back no more than the payment still holds, and is not itself refunded.
    let before = outbox(&c, &admin, dir.path());
    assert!(matches!(
        c.refund_payment(&admin, &card, 3501, None),
        Err(CoreError::Validation { field, .. }) if field == "amountMinor"
    ));
    assert!(matches!(
        c.refund_payment(&admin, &refund, 1, None),
        Err(CoreError::Validation { field, .. }) if field == "paymentId"
    ));
    assert!(matches!(
        c.refund_payment(&admin, "01900000-0000-7000-8000-000000000000", 1, None),
        Err(CoreError::NotFound(_))
    ));
    assert_eq!(outbox(&c, &admin, dir.path()), before);

    // The list: what is due, by name, number or MRN; Ben's paid invoice only under all.
    let only = vec![number.clone()];
    let numbers = |q: InvoiceQuery| -> Vec<String> {
        c.list_invoices(&admin, &q)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.number)
            .collect()
    };
    assert_eq!(numbers(query(InvoiceFilter::Unpaid, None)), only);
    assert_eq!(numbers(query(InvoiceFilter::All, None)).len(), 2);
    assert!(numbers(query(InvoiceFilter::Overpaid, None)).is_empty());
    assert!(numbers(query(InvoiceFilter::All, Some("%"))).is_empty());
    assert_eq!(numbers(query(InvoiceFilter::All, Some("ruiz"))), only);
    assert_eq!(numbers(query(InvoiceFilter::All, Some(&number))), only);
    let bens_invoice = c.open_invoice(&admin, &bens).unwrap().invoice;
    assert_eq!(
        numbers(query(InvoiceFilter::All, Some(&bens_invoice.patient_mrn))),
        [bens_invoice.number]
    );
    let only_bens = c
        .list_invoices(
            &admin,
            &InvoiceQuery {
                patient_id: Some(ben.clone()),
                ..query(InvoiceFilter::All, None)
            },
        )
        .unwrap();
    assert_eq!(only_bens.rows.len(), 1);
    assert!(!only_bens.more);
    let first = c
        .list_invoices(
            &admin,
            &InvoiceQuery {
                limit: 1,
                ..query(InvoiceFilter::All, None)
            },
        )
        .unwrap();
    assert!(first.more);

    // Listing and opening invoices are reads of the patients they show.
    let looked = c
        .audit_log(
            &admin,
            AuditQuery {
                patient_id: Some(ben),
                action: Some("list_invoices".into()),
                limit: 50,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert!(looked.total > 0);
}
