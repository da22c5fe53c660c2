import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type {
  AppointmentIdArgs,
  BookFromWaitlistArgs,
  CalendarArgs,
  NewAppointment,
  RescheduleArgs,
  SetAppointmentStatusArgs,
} from './types';

export const scheduleKeys = {
  calendarAll: ['calendar'] as const,
  calendar: (args: CalendarArgs) => ['calendar', args] as const,
  appointmentTypes: ['appointment_types'] as const,
  providers: ['list_providers', { includeArchived: false }] as const,
  waitlistCandidates: (appointmentId: string) => ['waitlist_candidates', { appointmentId }] as const,
};

/** The calendar of 1–7 days (all providers, or one); idle while `args` is null. */
export function useCalendar(args: CalendarArgs | null) {
  return useQuery({
    queryKey: scheduleKeys.calendar(args ?? { fromDate: '', days: 1, providerId: null }),
    queryFn: () => call('calendar', args ?? { fromDate: '', days: 1, providerId: null }),
    enabled: args !== null,
    placeholderData: keepPreviousData,
  });
}

export function useAppointmentTypes() {
  return useQuery({ queryKey: scheduleKeys.appointmentTypes, queryFn: () => call('appointment_types') });
}

export function useProviders() {
  return useQuery({
    queryKey: scheduleKeys.providers,
    queryFn: () => call('list_providers', { includeArchived: false }),
  });
}

/** Who on the waiting list could take a freed appointment's time; idle while `appointmentId` is null. */
export function useWaitlistCandidates(appointmentId: string | null) {
  return useQuery({
    queryKey: scheduleKeys.waitlistCandidates(appointmentId ?? ''),
    queryFn: () => call('waitlist_candidates', { appointmentId: appointmentId ?? '' } satisfies AppointmentIdArgs),
    enabled: appointmentId !== null,
    staleTime: 0,
  });
}

/** After any appointment changed: the calendar, day lists and today's overview are fetched again. */
async function scheduleChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: scheduleKeys.calendarAll }),
    queryClient.invalidateQueries({ queryKey: ['list_appointments'] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clinicOverview }),
  ]);
}

export function useBookAppointment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewAppointment) => call('book_appointment', args),
    onSuccess: () => scheduleChanged(queryClient),
  });
}

export function useSetAppointmentStatus() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SetAppointmentStatusArgs) => call('set_appointment_status', args),
    onSuccess: () => scheduleChanged(queryClient),
  });
}

export function useRescheduleAppointment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: RescheduleArgs) => call('reschedule_appointment', args),
    onSuccess: () => scheduleChanged(queryClient),
  });
}

export function useBookFromWaitlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: BookFromWaitlistArgs) => call('book_from_waitlist', args),
    onSuccess: async () => {
      await scheduleChanged(queryClient);
      await queryClient.invalidateQueries({ queryKey: ['waitlist_candidates'] });
    },
  });
}
