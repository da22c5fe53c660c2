import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type { InvoiceQuery, IssueInvoiceArgs, RecordPaymentArgs, RefundPaymentArgs } from './types';

/** Query keys of billing: the command name first, then its args. */
export const billingKeys = {
  services: ['list_services'] as const,
  invoices: (query: InvoiceQuery) => ['list_invoices', query] as const,
  invoice: (invoiceId: string) => ['open_invoice', { invoiceId }] as const,
};

/** The invoices that match, newest first, with their balances. */
export function useInvoices(query: InvoiceQuery) {
  return useQuery({
    queryKey: billingKeys.invoices(query),
    queryFn: () => call('list_invoices', query),
    placeholderData: keepPreviousData,
  });
}

/** One invoice whole; idle while `invoiceId` is null. */
export function useInvoice(invoiceId: string | null) {
  return useQuery({
    queryKey: billingKeys.invoice(invoiceId ?? ''),
    queryFn: () => call('open_invoice', { invoiceId: invoiceId ?? '' }),
    enabled: invoiceId !== null,
  });
}

/** The catalog's services, for invoice lines. */
export function useServices() {
  return useQuery({ queryKey: billingKeys.services, queryFn: () => call('list_services') });
}

/** After money moved: the invoices, the patient headers' balances and the overview's counts. */
async function billingChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['list_invoices'] }),
    queryClient.invalidateQueries({ queryKey: ['open_invoice'] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.patientHeaders }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clinicOverview }),
  ]);
}

export function useIssueInvoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: IssueInvoiceArgs) => call('issue_invoice', args),
    onSuccess: async () => billingChanged(queryClient),
  });
}

export function useRecordPayment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: RecordPaymentArgs) => call('record_payment', args),
    onSuccess: async () => billingChanged(queryClient),
  });
}

export function useRefundPayment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: RefundPaymentArgs) => call('refund_payment', args),
    onSuccess: async () => billingChanged(queryClient),
  });
}
