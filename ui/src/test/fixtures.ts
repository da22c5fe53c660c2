import type {
  AppStatus,
  AppointmentSummary,
  ClinicOverview,
  PatientHeader,
  PatientRow,
  UserSummary,
  WaitlistEntry,
} from '../api/types';

export const readyStatus: AppStatus = {
  phase: 'ready',
  clinicName: 'Riverside Family Clinic',
  demo: false,
  demoCredentials: null,
  user: { id: 'u1', username: 'admin', displayName: 'Alex Admin', role: 'admin', mustChangePassword: false },
  idleLockMinutes: 5,
};

/** The same session with the screen locked. */
export const lockedStatus: AppStatus = { ...readyStatus, phase: 'locked', idleLockMinutes: null };

/** Signed in, but the password must be changed first (set by an administrator). */
export const changePasswordStatus: AppStatus = {
  ...readyStatus,
  phase: 'change_password',
  user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist', mustChangePassword: true },
};

export function userSummary(overrides: Partial<UserSummary> = {}): UserSummary {
  return {
    id: 'u1',
    username: 'admin',
    displayName: 'Alex Admin',
    role: 'admin',
    active: true,
    mustChangePassword: false,
    lockedUntil: null,
    ...overrides,
  };
}

/** The admin (readyStatus' user), a doctor locked out after failed sign-ins, a new receptionist. */
export function users(): UserSummary[] {
  return [
    userSummary(),
    userSummary({
      id: 'u2',
      username: 'grace',
      displayName: 'Dr. Grace Chen',
      role: 'doctor',
      lockedUntil: '2025-03-04T15:30:00Z',
    }),
    userSummary({
      id: 'u3',
      username: 'sam',
      displayName: 'Sam Reception',
      role: 'receptionist',
      mustChangePassword: true,
    }),
  ];
}

export function appointment(overrides: Partial<AppointmentSummary> = {}): AppointmentSummary {
  return {
    id: 'a1',
    startsAt: '2025-03-04T14:00:00Z',
    endsAt: '2025-03-04T14:30:00Z',
    localDate: '2025-03-04',
    localStart: '09:00',
    localEnd: '09:30',
    patientId: 'p1',
    patientName: 'Maria Lopez',
    patientMrn: 'MRN-000123',
    providerId: 'v1',
    providerName: 'Dr. Grace Chen',
    providerColor: '#2f9e44',
    status: 'confirmed',
    appointmentTypeId: 't1',
    appointmentType: 'Follow-up',
    reason: 'Blood pressure check',
    walkIn: false,
    checkedInAt: null,
    seriesId: null,
    rescheduledFromId: null,
    ...overrides,
  };
}

/** Ana Ruiz waiting for any provider on Tuesday or Thursday mornings. */
export function waitlistEntry(overrides: Partial<WaitlistEntry> = {}): WaitlistEntry {
  return {
    id: 'w1',
    patientId: 'p9',
    patientName: 'Ana Ruiz',
    patientMrn: 'MRN-000009',
    phone: '555-0199',
    providerId: 'v1',
    providerName: 'Dr. Grace Chen',
    specialty: null,
    appointmentTypeId: null,
    appointmentType: null,
    weekdays: [2, 4],
    earliestTime: '09:00',
    latestTime: '12:00',
    note: 'Mornings only',
    addedAt: '2025-03-01T10:00:00Z',
    ...overrides,
  };
}

export function overview(overrides: Partial<ClinicOverview> = {}): ClinicOverview {
  return {
    clinicName: 'Riverside Family Clinic',
    timeZone: 'America/Chicago',
    today: '2025-03-04',
    counts: { patients: 128, providers: 4, appointmentsToday: 2, signedVisits: 57, openInvoices: 9 },
    todaysAppointments: [
      appointment(),
      appointment({
        id: 'a2',
        startsAt: '2025-03-04T15:00:00Z',
        endsAt: '2025-03-04T15:45:00Z',
        localStart: '10:00',
        localEnd: '10:45',
        patientId: 'p2',
        patientName: 'Sam Okafor',
        patientMrn: 'MRN-000456',
        providerName: 'Dr. Omar Haddad',
        providerColor: '#1c7ed6',
        status: 'checked_in',
        appointmentType: null,
        reason: null,
      }),
    ],
    ...overrides,
  };
}

export function patientRows(count: number, start = 0): PatientRow[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i + 1;
    return {
      id: `p${n}`,
      mrn: `MRN-${String(n).padStart(6, '0')}`,
      firstName: `First${n}`,
      lastName: `Last${n}`,
      dateOfBirth: '1987-03-04',
      sex: n % 2 === 0 ? 'female' : 'male',
      phone: n % 3 === 0 ? null : `555-01${String(n % 100).padStart(2, '0')}`,
      email: n % 4 === 0 ? null : `patient${String(n)}@example.org`,
      archived: false,
    };
  });
}

/**
 * Maria Lopez's header: 46, allergic to penicillin (severe) and latex, owes $12.50, next seen by
 * Dr. Grace Chen on 4 March 2025 at 09:00 in Chicago.
 */
export function patientHeader(overrides: Partial<PatientHeader> = {}): PatientHeader {
  return {
    id: 'p1',
    mrn: 'MRN-000123',
    firstName: 'Maria',
    lastName: 'Lopez',
    dateOfBirth: '1978-06-15',
    ageYears: 46,
    sex: 'female',
    archived: false,
    allergies: [
      { substance: 'Penicillin', severity: 'severe' },
      { substance: 'Latex', severity: 'mild' },
    ],
    balanceDueMinor: 1250,
    currency: 'USD',
    nextAppointment: { id: 'a1', startsAt: '2025-03-04T15:00:00Z', providerName: 'Dr. Grace Chen' },
    ...overrides,
  };
}
