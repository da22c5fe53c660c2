//! Billing: the service catalog, invoices, payments and refunds. Who may see or take money is checked
//! in clinic-core.

use std::sync::Arc;

use clinic_core::{
    InvoiceDetails, InvoiceLineInput, InvoicePage, InvoiceQuery, PaymentMethod, Service,
};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::ipc::IpcResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceIdArgs {
    pub invoice_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssueInvoiceArgs {
    pub patient_id: String,
    pub appointment_id: Option<String>,
    pub lines: Vec<InvoiceLineInput>,
}

/// The invoice just issued.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuedInvoice {
    pub id: String,
    pub number: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecordPaymentArgs {
    pub invoice_id: String,
    pub method: PaymentMethod,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefundPaymentArgs {
    pub payment_id: String,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub reference: Option<String>,
}

#[tauri::command]
pub async fn list_services(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<Service>> {
    state
        .as_user(move |clinic, user| clinic.list_services(user))
        .await
}

#[tauri::command]
pub async fn list_invoices(
    state: State<'_, Arc<AppState>>,
    args: InvoiceQuery,
) -> IpcResult<InvoicePage> {
    state
        .as_user(move |clinic, user| clinic.list_invoices(user, &args))
        .await
}

#[tauri::command]
pub async fn open_invoice(
    state: State<'_, Arc<AppState>>,
    args: InvoiceIdArgs,
) -> IpcResult<InvoiceDetails> {
    state
        .as_user(move |clinic, user| clinic.open_invoice(user, &args.invoice_id))
        .await
}

#[tauri::command]
pub async fn issue_invoice(
    state: State<'_, Arc<AppState>>,
    args: IssueInvoiceArgs,
) -> IpcResult<IssuedInvoice> {
    state
        .as_user(move |clinic, user| {
            clinic
                .issue_invoice(
                    user,
                    &args.patient_id,
                    args.appointment_id.as_deref(),
                    &args.lines,
                )
                .map(|(id, number)| IssuedInvoice { id, number })
        })
        .await
}

#[tauri::command]
pub async fn record_payment(
    state: State<'_, Arc<AppState>>,
    args: RecordPaymentArgs,
) -> IpcResult<String> {
    state
        .as_user(move |clinic, user| {
            clinic.record_payment(
                user,
                &args.invoice_id,
                args.method,
                args.amount_minor,
                args.reference.as_deref(),
            )
        })
        .await
}

#[tauri::command]
pub async fn refund_payment(
    state: State<'_, Arc<AppState>>,
    args: RefundPaymentArgs,
) -> IpcResult<String> {
    state
        .as_user(move |clinic, user| {
            clinic.refund_payment(
                user,
                &args.payment_id,
                args.amount_minor,
                args.reference.as_deref(),
            )
        })
        .await
}
