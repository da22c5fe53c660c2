import {
  keepPreviousData,
  type Query,
  QueryCache,
  QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import type {
  AppStatus,
  ChangePasswordArgs,
  PatientQuery,
  NewPatient,
  UpdatePatientArgs,
  FindDuplicatesArgs,
  SetPatientArchivedArgs,
  NewUser,
  ResetPasswordArgs,
  SetupClinicArgs,
  SetUserActiveArgs,
  SetUserRoleArgs,
  SignInArgs,
  UserSummary,
} from './types';
import { call, toIpcFailure, type IpcFailure } from './ipc';

/** Query keys: the command name first, then its args. */
export const queryKeys = {
  appStatus: ['app_status'] as const,
  timeZones: ['list_time_zones'] as const,
  clinicOverview: ['clinic_overview'] as const,
  patients: (args: PatientQuery) => ['list_patients', args] as const,
  patient: (patientId: string) => ['patient', { patientId }] as const,
  /** Every patient header: what to invalidate when a patient, an appointment or a bill changed. */
  patientHeaders: ['patient_header'] as const,
  patientHeader: (patientId: string) => ['patient_header', { patientId }] as const,
  appointments: (day: string) => ['list_appointments', { day }] as const,
  users: ['list_users'] as const,
  recentVisits: (limit: number) => ['recent_visits', { limit }] as const,
  visit: (encounterId: string) => ['open_visit', { encounterId }] as const,
  importProgress: ['import_progress'] as const,
};

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: IpcFailure;
  }
}

/**
 * The app's QueryClient. Commands are local and deterministic, so failed calls are not retried.
 * A `not_signed_in` failure from any query means the session ended, `session_locked` that the
 * screen locked after idle minutes, and a `forbidden` one may mean the session now has to change
 * its password first: each time app_status is refetched, which brings back the right screen
 * (sign-in, lock screen, change password, or the same shell if nothing changed).
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        const code = toIpcFailure(error).code;
        if (code === 'not_signed_in' || code === 'session_locked' || code === 'forbidden') {
          void client.invalidateQueries({ queryKey: queryKeys.appStatus });
        }
      },
    }),
    defaultOptions: {
      queries: { retry: false, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return client;
}

/** Where the app is: setup, sign-in or ready. Errors here are fatal (see BootGate). */
export function useAppStatus() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.appStatus,
    queryFn: async () => {
      const status = await call('app_status');
      await forgetOtherUsersData(queryClient, status);
      return status;
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useTimeZones() {
  return useQuery({
    queryKey: queryKeys.timeZones,
    queryFn: () => call('list_time_zones'),
    staleTime: Infinity,
  });
}

/** The clinic's name, time zone, today and counts; idle while `enabled` is false. */
export function useClinicOverview(enabled = true) {
  return useQuery({
    queryKey: queryKeys.clinicOverview,
    queryFn: () => call('clinic_overview'),
    enabled,
  });
}

export function usePatients(args: PatientQuery) {
  return useQuery({
    queryKey: queryKeys.patients(args),
    queryFn: () => call('list_patients', args),
    placeholderData: keepPreviousData,
  });
}

/** One patient's record, for the edit form (opening it is audited in Rust). */
export function usePatient(patientId: string) {
  return useQuery({
    queryKey: queryKeys.patient(patientId),
    queryFn: () => call('patient', { patientId }),
    refetchOnWindowFocus: false,
  });
}

/**
 * After a patient changed: every list, that patient's record and the patient headers are fetched
 * again (all headers: one asked for by a merged record's id shows the record it was merged into).
 */
async function patientsChanged(queryClient: QueryClient, patientId?: string) {
  await queryClient.invalidateQueries({ queryKey: ['list_patients'] });
  if (patientId) {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.patient(patientId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.patientHeaders }),
    ]);
  }
}

export function useRegisterPatient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewPatient) => call('register_patient', args),
    onSuccess: async () => patientsChanged(queryClient),
  });
}

export function useUpdatePatient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: UpdatePatientArgs) => call('update_patient', args),
    onSuccess: async (_, args) => patientsChanged(queryClient, args.patientId),
  });
}

export function useSetPatientArchived() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SetPatientArchivedArgs) => call('set_patient_archived', args),
    onSuccess: async (_, args) => patientsChanged(queryClient, args.patientId),
  });
}

/**
 * A patient's header (name, age, allergies, balance, next appointment). Each showing is audited in
 * Rust, so it is not refetched on focus; mutations invalidate `queryKeys.patientHeaders`.
 */
export function usePatientHeader(patientId: string) {
  return useQuery({
    queryKey: queryKeys.patientHeader(patientId),
    queryFn: () => call('patient_header', { patientId }),
    refetchOnWindowFocus: false,
  });
}

/** The likely duplicates of a patient about to be registered (or edited). */
export function useFindDuplicatePatients() {
  return useMutation({ mutationFn: (args: FindDuplicatesArgs) => call('find_duplicate_patients', args) });
}

/** Appointments of one clinic-local day ("YYYY-MM-DD"); idle while `day` is null. */
export function useAppointments(day: string | null) {
  return useQuery({
    queryKey: queryKeys.appointments(day ?? ''),
    queryFn: () => call('list_appointments', { day: day ?? '' }),
    enabled: day !== null,
  });
}

/** Queries that need no signed-in session; every other query holds session data. */
const PUBLIC_QUERIES: ReadonlySet<unknown> = new Set([queryKeys.appStatus[0], queryKeys.timeZones[0]]);

function isSessionQuery(query: Query): boolean {
  return !PUBLIC_QUERIES.has(query.queryKey[0]);
}

/** Drops all cached session data (patients, schedule…), keeping app_status and time zones. */
export function removeSessionQueries(queryClient: QueryClient) {
  queryClient.removeQueries({ predicate: isSessionQuery });
}

/**
 * Clears the session cache whenever there is no signed-in session (after sign-out, or when the
 * session ended). Done after the shell has unmounted, so no screen re-requests what was removed.
 */
export function useClearSessionCacheWhenSignedOut(signedIn: boolean) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!signedIn) removeSessionQueries(queryClient);
  }, [signedIn, queryClient]);
}

/**
 * Before a status naming another signed-in user replaces the cached one (someone else signed in on
 * the lock screen), the previous user's cached data and notifications go: the new user must not see a
 * single row of theirs. Returns whether the user changed.
 */
async function forgetOtherUsersData(queryClient: QueryClient, next: AppStatus): Promise<boolean> {
  const before = queryClient.getQueryData<AppStatus>(queryKeys.appStatus);
  const otherUser = before?.user != null && next.user !== null && before.user.id !== next.user.id;
  if (otherUser) {
    await queryClient.cancelQueries({ predicate: isSessionQuery });
    removeSessionQueries(queryClient);
    notifications.clean();
  }
  return otherUser;
}

function useStatusMutation<Args>(run: (args: Args) => Promise<AppStatus>, endsSession: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    // Variables may hold a password: do not keep finished mutations around.
    gcTime: 0,
    onSuccess: async (status) => {
      const before = queryClient.getQueryData<AppStatus>(queryKeys.appStatus);
      const otherUser = await forgetOtherUsersData(queryClient, status);
      if (endsSession) {
        // Stop in-flight session requests; the cached data itself is dropped by
        // useClearSessionCacheWhenSignedOut once the signed-in screens are gone.
        await queryClient.cancelQueries({ predicate: isSessionQuery });
      }
      queryClient.setQueryData(queryKeys.appStatus, status);
      await queryClient.invalidateQueries({ queryKey: queryKeys.appStatus });
      if (before?.phase === 'locked' && !otherUser) {
        // The same user unlocked: what failed while the screen was locked is fetched again.
        await queryClient.invalidateQueries({ predicate: isSessionQuery });
      }
    },
  });
}

export function useSetupClinic() {
  return useStatusMutation((args: SetupClinicArgs) => call('setup_clinic', args), false);
}

export function useSignIn() {
  return useStatusMutation((args: SignInArgs) => call('sign_in', args), false);
}

/** Locks the screen now; the same user's password (or another user's sign-in) opens it again. */
export function useLockSession() {
  return useStatusMutation(() => call('lock_session'), false);
}

export function useSignOut() {
  return useStatusMutation(() => call('sign_out'), true);
}

/** Sets a new password for the signed-in user (forced at phase `change_password`, or by choice). */
export function useChangePassword() {
  return useStatusMutation((args: ChangePasswordArgs) => call('change_password', args), false);
}

/** The most recent visits (clinical roles only). */
export function useRecentVisits(limit: number) {
  return useQuery({ queryKey: queryKeys.recentVisits(limit), queryFn: () => call('recent_visits', { limit }) });
}

/** One visit whole; every opening is audited in Rust, so it is not refetched on focus. */
export function useVisit(encounterId: string) {
  return useQuery({
    queryKey: queryKeys.visit(encounterId),
    queryFn: () => call('open_visit', { encounterId }),
    refetchOnWindowFocus: false,
  });
}

/** All user accounts (administrators only). */
export function useUsers() {
  return useQuery({
    queryKey: queryKeys.users,
    queryFn: () => call('list_users'),
  });
}

export function useAddUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewUser) => call('add_user', args),
    gcTime: 0,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
}

/**
 * A user-administration command that answers with the fresh user list: the list goes straight
 * into the cache. When the change was to the signed-in user's own account, app_status is
 * refetched too (their role, and so the menu, may have changed).
 */
function useUsersMutation<Args extends { userId: string }>(run: (args: Args) => Promise<UserSummary[]>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    // Variables may hold a password: do not keep finished mutations around.
    gcTime: 0,
    onSuccess: async (users, args) => {
      queryClient.setQueryData(queryKeys.users, users);
      const status = queryClient.getQueryData<AppStatus>(queryKeys.appStatus);
      if (status?.user?.id === args.userId) {
        await queryClient.invalidateQueries({ queryKey: queryKeys.appStatus });
      }
    },
  });
}

export function useSetUserRole() {
  return useUsersMutation((args: SetUserRoleArgs) => call('set_user_role', args));
}

export function useSetUserActive() {
  return useUsersMutation((args: SetUserActiveArgs) => call('set_user_active', args));
}

/** Sets a user's password (they must change it at next sign-in) and unlocks the account. */
export function useResetPassword() {
  return useUsersMutation((args: ResetPasswordArgs) => call('reset_password', args));
}
