import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Action, InvoiceDetails, InvoiceRow, PaymentEntry } from '../../api/types';
import { App } from '../../app/App';
import { overview, patientHeader, readyStatus } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { BillingScreen } from './BillingScreen';

const row = (overrides: Partial<InvoiceRow> = {}): InvoiceRow => ({
  id: 'i1',
  number: 'INV-A-000007',
  patientId: 'p1',
  patientName: 'Ana Ruiz',
  patientMrn: 'A-000001',
  issuedAt: '2026-12-01T10:00:00Z',
  status: 'issued',
  currency: 'EUR',
  balance: { totalMinor: 6000, paidMinor: 2500, dueMinor: 3500, overpaidMinor: 0 },
  ...overrides,
});

const payment = (overrides: Partial<PaymentEntry> = {}): PaymentEntry => ({
  id: 'y1',
  kind: 'payment',
  refundOfId: null,
  method: 'card',
  amountMinor: 6000,
  reference: null,
  receivedAt: '2026-12-01T10:05:00Z',
  receivedBy: 'Sam Reception',
  refundableMinor: 6000,
  refundedBeyondMinor: 0,
  ...overrides,
});

/** Ana's invoice, paid in full at the desk and again by the billing office while the two were apart. */
const paidTwice: InvoiceDetails = {
  invoice: row({ status: 'paid', balance: { totalMinor: 6000, paidMinor: 12000, dueMinor: 0, overpaidMinor: 6000 } }),
  appointmentId: null,
  lines: [{ description: 'Consultation', quantity: 1, unitPriceMinor: 6000, taxRateBp: 0, amountMinor: 6000 }],
  payments: [
    payment(),
    payment({ id: 'y2', method: 'cash', receivedAt: '2026-12-01T10:07:00Z', receivedBy: 'Bea Billing' }),
  ],
  refundedBeyondMinor: 0,
};

const VIEW_ONLY: Action[] = ['view_demographics', 'view_schedule', 'view_clinical', 'view_billing'];

describe('Billing', () => {
  it('lists what is due, and the invoices paid beyond their total on a list of their own', async () => {
    mockCommands({
      list_invoices: (query) =>
        query.show === 'overpaid'
          ? { rows: [paidTwice.invoice], more: false }
          : { rows: [row()], more: false },
    });
    const { user } = renderWithProviders(<BillingScreen />);
    const due = await screen.findByTestId('invoice-row');
    expect(due).toHaveTextContent('INV-A-000007');
    expect(due).toHaveTextContent('Ana Ruiz');
    expect(due).toHaveTextContent('€35.00 due');
    expect(callsOf('list_invoices')[0]).toEqual({ show: 'unpaid', search: null, patientId: null, limit: 100 });

    await user.click(screen.getByText('Paid beyond total'));
    expect(await within(screen.getByTestId('invoices-table')).findByTestId('invoice-overpaid')).toHaveTextContent(
      'Overpaid by €60.00',
    );
    expect(callsOf('list_invoices').at(-1)?.show).toBe('overpaid');

    await user.type(screen.getByTestId('invoice-search'), 'ruiz');
    await waitFor(() => {
      expect(callsOf('list_invoices').at(-1)?.search).toBe('ruiz');
    });
  });

  it('flags an invoice paid twice, keeps both payments, and refunds the difference', async () => {
    mockCommands({
      list_invoices: () => ({ rows: [paidTwice.invoice], more: false }),
      open_invoice: () => paidTwice,
      refund_payment: () => 'r1',
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1', firstName: 'Ana', lastName: 'Ruiz', mrn: 'A-000001' }),
    });
    const { user } = renderWithProviders(<BillingScreen />);
    await user.click(await screen.findByTestId('invoice-open'));
    const detail = await screen.findByTestId('invoice-detail');
    const alert = within(detail).getByTestId('invoice-overpaid-alert');
    expect(alert).toHaveTextContent('Paid €60.00 beyond the total');
    expect(alert).toHaveTextContent('more than one computer');
    expect(within(detail).getAllByTestId('invoice-payment')).toHaveLength(2);
    expect(within(detail).getByTestId('invoice-overpaid-amount')).toHaveTextContent('€60.00');
    // Nothing is due: no payment form.
    expect(within(detail).queryByTestId('payment-take')).not.toBeInTheDocument();

    await user.click(within(alert).getByTestId('invoice-refund-overpaid'));
    const form = await within(detail).findByTestId('refund-form');
    // The newest payment that holds it all gives it back: the cash one.
    expect(form).toHaveTextContent('Refund of the Payment · Cash');
    expect(within(form).getByTestId('refund-amount')).toHaveValue('60.00');
    await user.click(within(form).getByTestId('refund-confirm'));
    await waitFor(() => {
      expect(callsOf('refund_payment')).toEqual([{ paymentId: 'y2', amountMinor: 6000, reference: null }]);
    });
  });

  it('says what one payment’s refunds on two computers gave back beyond it, and takes it as due again', async () => {
    const twice: InvoiceDetails = {
      ...paidTwice,
      invoice: row({ balance: { totalMinor: 6000, paidMinor: -6000, dueMinor: 12000, overpaidMinor: 0 } }),
      payments: [
        payment({ refundableMinor: 0, refundedBeyondMinor: 6000 }),
        payment({ id: 'r1', kind: 'refund', refundOfId: 'y1', refundableMinor: 0, receivedAt: '2026-12-02T09:00:00Z' }),
        payment({ id: 'r2', kind: 'refund', refundOfId: 'y1', refundableMinor: 0, receivedAt: '2026-12-02T09:01:00Z', receivedBy: 'Bea Billing' }),
      ],
      refundedBeyondMinor: 6000,
    };
    mockCommands({
      list_invoices: () => ({ rows: [twice.invoice], more: false }),
      open_invoice: () => twice,
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1', firstName: 'Ana', lastName: 'Ruiz', mrn: 'A-000001' }),
    });
    const { user } = renderWithProviders(<BillingScreen />);
    await user.click(await screen.findByTestId('invoice-open'));
    const detail = await screen.findByTestId('invoice-detail');
    const alert = within(detail).getByTestId('invoice-refunded-beyond-alert');
    expect(alert).toHaveTextContent('€60.00 given back beyond what was paid');
    expect(alert).toHaveTextContent('more than one computer');
    expect(within(detail).getByTestId('payment-refunded-beyond')).toHaveTextContent('€60.00 refunded beyond it');
    expect(within(detail).queryAllByTestId('payment-refund')).toEqual([]);
    expect(within(detail).getByTestId('invoice-due')).toHaveTextContent('€120.00');
    expect(within(detail).getByTestId('payment-take')).toBeInTheDocument();
  });

  it('takes a payment of what is due, and shows Rust’s reason beside the amount', async () => {
    const due: InvoiceDetails = { ...paidTwice, invoice: row(), payments: [payment({ amountMinor: 2500, refundableMinor: 2500 })] };
    mockCommands({
      list_invoices: () => ({ rows: [row()], more: false }),
      open_invoice: () => due,
      record_payment: () => {
        throw new IpcRejection('validation', 'The amount is more than is still due on this invoice.', 'amountMinor', {
          key: 'amount_above_due',
          params: {},
        });
      },
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1' }),
    });
    const { user } = renderWithProviders(<BillingScreen />);
    await user.click(await screen.findByTestId('invoice-open'));
    const detail = await screen.findByTestId('invoice-detail');
    const amount = within(detail).getByTestId('payment-amount');
    expect(amount).toHaveValue('35.00');
    await user.clear(amount);
    await user.type(amount, '40');
    await user.click(within(detail).getByTestId('payment-take'));
    expect(await within(detail).findByText('The amount is more than is still due on this invoice.')).toBeInTheDocument();
    expect(callsOf('record_payment')).toEqual([
      { invoiceId: 'i1', method: 'card', amountMinor: 4000, reference: null },
    ]);
  });

  it('offers no money to move to those who may only look', async () => {
    mockCommands({
      list_invoices: () => ({ rows: [paidTwice.invoice], more: false }),
      open_invoice: () => paidTwice,
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1' }),
    });
    const { user } = renderWithProviders(<BillingScreen />, { allowed: VIEW_ONLY });
    await user.click(await screen.findByTestId('invoice-open'));
    const detail = await screen.findByTestId('invoice-detail');
    expect(within(detail).getByTestId('invoice-overpaid-alert')).toBeInTheDocument();
    expect(within(detail).queryByTestId('invoice-refund-overpaid')).not.toBeInTheDocument();
    expect(within(detail).queryByTestId('payment-refund')).not.toBeInTheDocument();
    expect(screen.queryByTestId('invoice-new')).not.toBeInTheDocument();
  });

  it('lets the front desk take payments but leaves refunds to those who may give money back', async () => {
    mockCommands({
      list_invoices: () => ({ rows: [paidTwice.invoice], more: false }),
      open_invoice: () => paidTwice,
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1' }),
    });
    const { user } = renderWithProviders(<BillingScreen />, { allowed: [...VIEW_ONLY, 'edit_billing'] });
    expect(await screen.findByTestId('invoice-new')).toBeInTheDocument();
    await user.click(await screen.findByTestId('invoice-open'));
    const detail = await screen.findByTestId('invoice-detail');
    expect(within(detail).getByTestId('invoice-overpaid-alert')).toBeInTheDocument();
    expect(within(detail).queryByTestId('invoice-refund-overpaid')).not.toBeInTheDocument();
    expect(within(detail).queryByTestId('payment-refund')).not.toBeInTheDocument();
  });

  it('is not in the navigation of those who may not see billing', async () => {
    mockCommands({
      app_status: () => ({ ...readyStatus, allowed: ['view_demographics', 'view_schedule'] }),
      clinic_overview: () => overview(),
    });
    renderWithProviders(<App />);
    await screen.findByTestId('nav-patients');
    expect(screen.queryByTestId('nav-billing')).not.toBeInTheDocument();
  });
});
