import type {
  Action,
  AppStatus,
  AppointmentStatus,
  AppointmentSummary,
  ClinicOverview,
  PatientHeader,
  PatientRow,
  SyncOverview,
  SyncStatus,
  UserSummary,
  WaitlistEntry,
} from '../api/types';

/** Every action; a Record, so that tsc fails when Rust gains an action missing here. */
const EVERY_ACTION: Record<Action, true> = {
  view_demographics: true,
  edit_demographics: true,
  view_schedule: true,
  edit_schedule: true,
  check_in: true,
  start_visit: true,
  view_clinical: true,
  record_vitals: true,
  write_clinical: true,
  sign_notes: true,
  prescribe: true,
  view_billing: true,
  edit_billing: true,
  refund: true,
  manage_users: true,
  manage_settings: true,
  manage_backups: true,
  view_audit: true,
  export_data: true,
  undo_patient_merge: true,
  overbook: true,
};

/** What an administrator may do: everything. */
export const ALL_ACTIONS = Object.keys(EVERY_ACTION) as Action[];

export const readyStatus: AppStatus = {
  phase: 'ready',
  clinicName: 'Riverside Family Clinic',
  demo: false,
  demoCredentials: null,
  user: { id: 'u1', username: 'admin', displayName: 'Alex Admin', role: 'admin', mustChangePassword: false },
  idleLockMinutes: 5,
  allowed: ALL_ACTIONS,
  readingOnly: null,
};

/** The same session with the screen locked: Rust allows nothing until it is unlocked. */
export const lockedStatus: AppStatus = { ...readyStatus, phase: 'locked', idleLockMinutes: null, allowed: [] };

/** Signed in, but the password must be changed first (set by an administrator). */
export const changePasswordStatus: AppStatus = {
  ...readyStatus,
  phase: 'change_password',
  user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist', mustChangePassword: true },
  allowed: [],
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

/**
 * What Rust would offer for an appointment of today that has not started yet (`nextStatuses`): a test
 * of another day or time passes its own list.
 */
const NEXT_TODAY: Record<AppointmentStatus, AppointmentStatus[]> = {
  scheduled: ['confirmed', 'checked_in', 'cancelled', 'rescheduled'],
  confirmed: ['checked_in', 'cancelled', 'rescheduled'],
  checked_in: ['in_progress'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
  rescheduled: [],
};

export function appointment(overrides: Partial<AppointmentSummary> = {}): AppointmentSummary {
  const status = overrides.status ?? 'confirmed';
  return {
    nextStatuses: NEXT_TODAY[status],
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
    overbooked: false,
    needsAttention: false,
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
    currency: 'USD',
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

/** How syncing goes, for screens that ask (paired with a server unless told otherwise). */
export const FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

export function syncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    paired: true,
    serverUrl: 'https://clinic-server:8443',
    fingerprint: FINGERPRINT,
    deviceId: 'dev-b',
    devicePrefix: 'B',
    pairedAt: '2026-12-01T08:00:00Z',
    lastSyncAt: '2026-12-07T09:00:00Z',
    changesWaiting: 0,
    changesMade: 40,
    needsAttention: 0,
    lastError: null,
    lastErrorAt: null,
    ...overrides,
  };
}

export function overviewOf(overrides: Partial<SyncOverview> = {}, status: Partial<SyncStatus> = {}): SyncOverview {
  return {
    status: syncStatus(status),
    online: true,
    syncing: false,
    failures: 0,
    failingSince: null,
    lastFailure: null,
    needsAction: false,
    nextRoundAt: null,
    ...overrides,
  };
}
