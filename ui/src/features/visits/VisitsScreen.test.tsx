import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VisitRecord, VisitSummary } from '../../api/types';
import { App } from '../../app/App';
import { overview, patientHeader, readyStatus } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { VisitsScreen } from './VisitsScreen';

const visit: VisitSummary = {
  id: 'e1',
  patientId: 'p1',
  patientName: 'José Núñez',
  patientMrn: 'A-000001',
  providerName: 'Dr. Grace Chen',
  startedAt: '2026-11-30T14:00:00Z',
  noteStatus: 'signed',
  diagnoses: ['I10'],
};

const record: VisitRecord = {
  summary: visit,
  notes: [
    {
      id: 'n1',
      kind: 'note',
      amendsNoteId: null,
      body: 'BP well controlled.',
      status: 'signed',
      writtenAt: '2026-11-30T14:20:00Z',
      signedAt: '2026-11-30T14:25:00Z',
      signedBy: 'Dr. Grace Chen',
    },
  ],
  vitals: [
    {
      takenAt: '2026-11-30T14:05:00Z',
      systolicMmhg: 128,
      diastolicMmhg: 82,
      heartRateBpm: 70,
      temperatureC: null,
      spo2Percent: null,
      weightKg: null,
      heightCm: null,
    },
  ],
  diagnoses: [{ icd10Code: 'I10', description: 'Essential (primary) hypertension', primary: true }],
  prescriptions: [
    {
      drug: 'Lisinopril',
      strength: '10 mg',
      dose: '1 tablet',
      frequency: 'once daily',
      duration: '90 days',
      quantity: '90',
      refills: 1,
      instructions: null,
    },
  ],
};

describe('Visits', () => {
  it('lists the recent visits and opens one whole', async () => {
    mockCommands({
      recent_visits: () => [visit],
      open_visit: () => record,
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ id: 'p1', firstName: 'José', lastName: 'Núñez', mrn: 'A-000001' }),
    });
    const { user } = renderWithProviders(<VisitsScreen />);
    const row = await screen.findByTestId('visit-row');
    expect(row).toHaveTextContent('José Núñez');
    expect(row).toHaveTextContent('Signed');
    await user.click(within(row).getByTestId('visit-open'));
    const detail = await screen.findByTestId('visit-detail');
    // The patient's header heads the visit: allergies, in particular.
    const header = await within(detail).findByTestId('patient-header');
    expect(header).toHaveTextContent('José Núñez');
    expect(within(header).getAllByTestId('patient-header-allergy')[0]).toHaveTextContent('Penicillin');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
    expect(within(detail).getByTestId('visit-note')).toHaveTextContent('BP well controlled.');
    expect(detail).toHaveTextContent('BP 128/82 mmHg');
    expect(detail).toHaveTextContent('Lisinopril 10 mg');
    expect(callsOf('open_visit')).toEqual([{ encounterId: 'e1' }]);
  });

  it('shows when a visit was taken on the clinic’s clock, not this computer’s', async () => {
    mockCommands({
      app_status: () => readyStatus,
      // The tests' computer is in UTC: 11:15 UTC is 12:15 in Madrid.
      clinic_overview: () => overview({ timeZone: 'Europe/Madrid' }),
      recent_visits: () => [{ ...visit, startedAt: '2026-12-02T11:15:00Z' }],
    });
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-visits'));
    expect(await screen.findByTestId('visit-row')).toHaveTextContent('Dec 2, 2026, 12:15 PM');
  });

  it('is not in the navigation of those who may not read clinical records', async () => {
    mockCommands({
      app_status: () => ({
        ...readyStatus,
        user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist', mustChangePassword: false },
        allowed: ['view_demographics', 'edit_demographics', 'view_schedule', 'edit_schedule', 'check_in'],
      }),
      clinic_overview: () => overview(),
    });
    renderWithProviders(<App />);
    await screen.findByTestId('nav-patients');
    expect(screen.queryByTestId('nav-visits')).not.toBeInTheDocument();
  });
});
