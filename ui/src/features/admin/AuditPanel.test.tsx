import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditQuery, ExportAuditArgs } from '../../api/types';
import { overviewOf } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { AuditPanel } from './AuditPanel';

function entry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    at: '2026-11-30T10:00:00Z',
    userId: 'u1',
    userName: 'Alex Admin',
    device: 'FRONT-DESK',
    action: 'update',
    entity: 'patients',
    entityId: 'p1',
    patientId: 'p1',
    patientName: 'José Núñez',
    details: null,
    ...overrides,
  };
}

function mockAudit() {
  mockCommands({
    audit_filter_options: () => ({ users: [{ id: 'u1', name: 'Alex Admin' }], actions: ['sign_in', 'update'] }),
    audit_log: ({ offset, limit }: AuditQuery) => ({
      total: 60,
      upTo: 900,
      entries: Array.from({ length: limit }, (_, i) => entry(900 - offset - i)),
    }),
    export_audit_csv: ({ path }: ExportAuditArgs) => path,
  });
}

describe('Audit log', () => {
  it('lists entries in words, pages with the first page’s newest entry pinned', async () => {
    mockAudit();
    const { user } = renderWithProviders(<AuditPanel />);
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(25);
    expect(screen.getByTestId('audit-total')).toHaveTextContent('60 entries');
    expect(screen.getByTestId('audit-table')).toHaveTextContent('Changed');
    expect(callsOf('audit_log')[0]).toMatchObject({ upTo: null, offset: 0, limit: 25 });

    await user.click(screen.getByRole('button', { name: '2' }));
    await waitFor(() => expect(callsOf('audit_log').at(-1)).toMatchObject({ upTo: 900, offset: 25 }));
  });

  it('shows when each thing happened on the clinic’s clock, not this computer’s', async () => {
    mockCommands({
      audit_filter_options: () => ({ users: [], actions: [] }),
      audit_log: () => ({ total: 1, upTo: 1, entries: [entry(1, { at: '2026-12-02T11:15:00Z' })] }),
    });
    // The tests' computer is in UTC: 11:15 UTC is 12:15 in Madrid.
    renderWithProviders(<AuditPanel />, { timeZone: 'Europe/Madrid' });
    expect(await screen.findByTestId('audit-row')).toHaveTextContent('Dec 2, 2026, 12:15 PM');
  });

  it('filters by action and exports what the filters match', async () => {
    mockAudit();
    const { user } = renderWithProviders(<AuditPanel />);
    await screen.findAllByTestId('audit-row');
    await user.click(screen.getByTestId('audit-filter-action'));
    await user.click(await screen.findByRole('option', { name: 'Signed in' }));
    await waitFor(() => expect(callsOf('audit_log').at(-1)).toMatchObject({ action: 'sign_in', offset: 0 }));

    await user.click(screen.getByTestId('audit-export-open'));
    await user.type(await screen.findByTestId('audit-export-path'), '/home/alex/audit.csv');
    await user.click(screen.getByTestId('audit-export-save'));
    await waitFor(() => expect(callsOf('export_audit_csv')).toHaveLength(1));
    expect(callsOf('export_audit_csv')[0]).toMatchObject({ path: '/home/alex/audit.csv', query: { action: 'sign_in' } });
  });
});

describe('Audit log of the whole clinic', () => {
  it('reads every computer’s entries from the server once this computer is paired', async () => {
    mockCommands({
      sync_overview: () => overviewOf(),
      audit_filter_options: () => ({ users: [{ id: 'u1', name: 'Alex Admin' }], actions: ['open_chart'] }),
      audit_log: () => ({ total: 1, upTo: 1, entries: [entry(1)] }),
      clinic_audit_log: () => ({
        total: 2,
        upTo: 2,
        entries: [entry(2, { device: 'LAPTOP', action: 'open_chart' }), entry(1)],
      }),
      patient_access_report: () => [],
      clinic_patient_access_report: () => [
        { userId: 'u1', userName: 'Alex Admin', role: 'admin', times: 2, firstAt: '2026-11-30T10:00:00Z', lastAt: '2026-11-30T10:00:00Z', actions: ['open_chart'] },
      ],
    });
    const { user } = renderWithProviders(<AuditPanel />);
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(1);
    await user.click(await screen.findByRole('radio', { name: 'Whole clinic' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(2));
    expect(screen.getByTestId('audit-table')).toHaveTextContent('LAPTOP');
    expect(callsOf('clinic_audit_log')[0]).toMatchObject({ offset: 0, limit: 25 });
    // The export writes this computer's trail: it is offered there only.
    expect(screen.queryByTestId('audit-export-open')).not.toBeInTheDocument();
  });

  it('offers only this computer’s trail on a computer not paired with a server', async () => {
    mockCommands({
      sync_overview: () => overviewOf({}, { paired: false }),
      audit_filter_options: () => ({ users: [], actions: [] }),
      audit_log: () => ({ total: 1, upTo: 1, entries: [entry(1)] }),
    });
    renderWithProviders(<AuditPanel />);
    await screen.findAllByTestId('audit-row');
    expect(screen.queryByTestId('audit-scope')).not.toBeInTheDocument();
    expect(callsOf('clinic_audit_log')).toHaveLength(0);
  });
});
