import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type {
  AppointmentIdArgs,
  AvailableSlotsArgs,
  BookFromWaitlistArgs,
  BookRecurringArgs,
  CalendarArgs,
  FreeTimeArgs,
  NewAppointment,
  NewWaitlistEntry,
  RecurringPlan,
  RescheduleArgs,
  SetAppointmentStatusArgs,
  SlotQuery,
  WaitlistEntryArgs,
} from './types';

export const scheduleKeys = {
  calendarAll: ['calendar'] as const,
  calendar: (args: CalendarArgs) => ['calendar', args] as const,
  appointmentTypes: ['appointment_types'] as const,
  providers: ['list_providers', { includeArchived: false }] as const,
  waitlist: ['waitlist'] as const,
  waitlistCandidatesAll: ['waitlist_candidates'] as const,
  waitlistCandidates: (appointmentId: string) => ['waitlist_candidates', { appointmentId }] as const,
  availableSlotsAll: ['available_slots'] as const,
  availableSlots: (args: AvailableSlotsArgs) => ['available_slots', args] as const,
  nextFreeSlotsAll: ['next_free_slots'] as const,
  nextFreeSlots: (query: SlotQuery) => ['next_free_slots', query] as const,
  freeTime: (args: FreeTimeArgs) => ['free_time', args] as const,
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

/** One provider's free slots on one day; idle while `args` is null. Free time passes: never fresh for long. */
export function useAvailableSlots(args: AvailableSlotsArgs | null) {
  const idle: AvailableSlotsArgs = { providerId: '', day: '', appointmentTypeId: null };
  return useQuery({
    queryKey: scheduleKeys.availableSlots(args ?? idle),
    queryFn: () => call('available_slots', args ?? idle),
    enabled: args !== null,
    staleTime: 0,
  });
}

/** How long a provider is free from a start on (null: not free then), for the booking dialog. */
export function useFreeTime(args: FreeTimeArgs) {
  return useQuery({
    queryKey: scheduleKeys.freeTime(args),
    queryFn: () => call('free_time', args),
    staleTime: 0,
  });
}

/** The next free slots with one provider or any provider of a specialty; idle while `query` is null. */
export function useNextFreeSlots(query: SlotQuery | null) {
  const idle: SlotQuery = {
    providerId: null,
    specialty: null,
    appointmentTypeId: null,
    durationMinutes: null,
    fromDate: null,
    count: 1,
  };
  return useQuery({
    queryKey: scheduleKeys.nextFreeSlots(query ?? idle),
    queryFn: () => call('next_free_slots', query ?? idle),
    enabled: query !== null,
    staleTime: 0,
  });
}

/**
 * After any appointment changed: the calendar, day lists, free slots, today's overview and patient headers
 * (next appointment) are fetched again.
 */
async function scheduleChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: scheduleKeys.calendarAll }),
    queryClient.invalidateQueries({ queryKey: scheduleKeys.availableSlotsAll }),
    queryClient.invalidateQueries({ queryKey: scheduleKeys.nextFreeSlotsAll }),
    queryClient.invalidateQueries({ queryKey: ['list_appointments'] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clinicOverview }),
    queryClient.invalidateQueries({ queryKey: queryKeys.patientHeaders }),
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

/** The occurrences of a recurring booking, each free or why not; nothing is written. */
export function usePlanRecurring() {
  return useMutation({ mutationFn: (args: RecurringPlan) => call('plan_recurring', args) });
}

/** Books the chosen occurrences as one series: all of them, or none. */
export function useBookRecurring() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: BookRecurringArgs) => call('book_recurring', args),
    onSuccess: () => scheduleChanged(queryClient),
  });
}

/** The open waitlist, in the order patients joined. */
export function useWaitlist() {
  return useQuery({ queryKey: scheduleKeys.waitlist, queryFn: () => call('waitlist'), staleTime: 0 });
}

/** After the waitlist changed: the list and the candidates offered after a cancel are fetched again. */
async function waitlistChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: scheduleKeys.waitlist }),
    queryClient.invalidateQueries({ queryKey: scheduleKeys.waitlistCandidatesAll }),
  ]);
}

export function useAddToWaitlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewWaitlistEntry) => call('add_to_waitlist', args),
    onSuccess: () => waitlistChanged(queryClient),
  });
}

export function useRemoveFromWaitlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: WaitlistEntryArgs) => call('remove_from_waitlist', args),
    onSuccess: () => waitlistChanged(queryClient),
  });
}

/** Booking from the waitlist also closes the entry. */
export function useBookFromWaitlist() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: BookFromWaitlistArgs) => call('book_from_waitlist', args),
    onSuccess: async () => {
      await scheduleChanged(queryClient);
      await waitlistChanged(queryClient);
    },
  });
}
