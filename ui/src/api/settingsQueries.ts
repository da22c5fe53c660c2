import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import { scheduleKeys } from './scheduleQueries';
import type {
  AppointmentTypeIdArgs,
  AppointmentTypeInput,
  NewProvider,
  NewTimeOff,
  SetOpeningHoursArgs,
  SetProviderArchivedArgs,
  SetWorkingHoursArgs,
  SlotMinutesArgs,
  TimeOffArgs,
  TimeOffIdArgs,
  UpdateProviderArgs,
} from './types';

// The active providers and the appointment types are read with `useProviders` and
// `useAppointmentTypes` from scheduleQueries.ts; these are the settings screens' own.

/** Query keys of the scheduling settings: the command name first, then its args. */
export const settingsKeys = {
  providersAll: ['list_providers'] as const,
  providersWithArchived: ['list_providers', { includeArchived: true }] as const,
  workingHours: (providerId: string) => ['working_hours', { providerId }] as const,
  openingHours: ['opening_hours'] as const,
  timeOffAll: ['list_time_off'] as const,
  timeOff: (args: TimeOffArgs) => ['list_time_off', args] as const,
  slotMinutes: ['slot_minutes'] as const,
};

/** The length of the booking grid, in minutes. */
export function useSlotMinutes() {
  return useQuery({ queryKey: settingsKeys.slotMinutes, queryFn: () => call('slot_minutes') });
}

/** Every provider, archived ones too; idle until asked for. */
export function useProvidersWithArchived(enabled: boolean) {
  return useQuery({
    queryKey: settingsKeys.providersWithArchived,
    queryFn: () => call('list_providers', { includeArchived: true }),
    enabled,
  });
}

export function useWorkingHours(providerId: string) {
  return useQuery({
    queryKey: settingsKeys.workingHours(providerId),
    queryFn: () => call('working_hours', { providerId }),
  });
}

export function useOpeningHours() {
  return useQuery({ queryKey: settingsKeys.openingHours, queryFn: () => call('opening_hours') });
}

/** A provider's time off that has not ended by `fromDate`; idle while `fromDate` is null. */
export function useTimeOff(providerId: string, fromDate: string | null) {
  const args: TimeOffArgs = { providerId, fromDate: fromDate ?? '' };
  return useQuery({
    queryKey: settingsKeys.timeOff(args),
    queryFn: () => call('list_time_off', args),
    enabled: fromDate !== null,
  });
}

/** Hours, time off, slot length and types change which times can be booked: the calendar and free slots. */
async function bookableTimesChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: scheduleKeys.calendarAll }),
    queryClient.invalidateQueries({ queryKey: ['available_slots'] }),
    queryClient.invalidateQueries({ queryKey: ['next_free_slots'] }),
  ]);
}

/** A provider was added, changed, archived or restored: every provider list, and what shows them. */
async function providersChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: settingsKeys.providersAll }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clinicOverview }),
    bookableTimesChanged(queryClient),
  ]);
}

export function useAddProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewProvider) => call('add_provider', args),
    onSuccess: () => providersChanged(queryClient),
  });
}

export function useUpdateProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: UpdateProviderArgs) => call('update_provider', args),
    onSuccess: () => providersChanged(queryClient),
  });
}

export function useSetProviderArchived() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SetProviderArchivedArgs) => call('set_provider_archived', args),
    onSuccess: () => providersChanged(queryClient),
  });
}

/** Sets one weekday; Rust answers with the provider's whole week as stored. */
export function useSetWorkingHours() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SetWorkingHoursArgs) => call('set_working_hours', args),
    onSuccess: async (week, args) => {
      queryClient.setQueryData(settingsKeys.workingHours(args.providerId), week);
      await bookableTimesChanged(queryClient);
    },
  });
}

/** Sets one weekday; Rust answers with the clinic's whole week as stored. */
export function useSetOpeningHours() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SetOpeningHoursArgs) => call('set_opening_hours', args),
    onSuccess: async (week) => {
      queryClient.setQueryData(settingsKeys.openingHours, week);
      await bookableTimesChanged(queryClient);
    },
  });
}

export function useAddTimeOff() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: NewTimeOff) => call('add_time_off', args),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.timeOffAll }),
        bookableTimesChanged(queryClient),
      ]);
    },
  });
}

export function useCancelTimeOff() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: TimeOffIdArgs) => call('cancel_time_off', args),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.timeOffAll }),
        bookableTimesChanged(queryClient),
      ]);
    },
  });
}

/** Adds a type, or changes one when `typeId` is set; Rust answers with every type. */
export function useSaveAppointmentType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: AppointmentTypeInput) => call('save_appointment_type', args),
    onSuccess: async (types) => {
      queryClient.setQueryData(scheduleKeys.appointmentTypes, types);
      await bookableTimesChanged(queryClient);
    },
  });
}

export function useArchiveAppointmentType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: AppointmentTypeIdArgs) => call('archive_appointment_type', args),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleKeys.appointmentTypes }),
  });
}

export function useSetSlotMinutes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SlotMinutesArgs) => call('set_slot_minutes', args),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.slotMinutes }),
        bookableTimesChanged(queryClient),
      ]),
  });
}
