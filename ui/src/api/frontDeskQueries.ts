import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type { CallPatientArgs, WalkIn } from './types';

/** Query keys of the front desk: the command name first, then its args. */
export const frontDeskKeys = {
  waitingRoom: ['waiting_room'] as const,
  roomCalls: ['room_calls'] as const,
  callList: (day: string) => ['call_list', { day }] as const,
  providers: ['list_providers', { includeArchived: false }] as const,
};

/** How often the waiting-room list and the display poll. */
export const WAITING_ROOM_REFRESH_MS = 30_000;
export const ROOM_CALLS_REFRESH_MS = 3_000;

/** Today's waiting room (checked in by arrival, then those with a doctor), refreshed every 30 s. */
export function useWaitingRoom() {
  return useQuery({
    queryKey: frontDeskKeys.waitingRoom,
    queryFn: () => call('waiting_room'),
    refetchInterval: WAITING_ROOM_REFRESH_MS,
    staleTime: 0,
  });
}

/** Today's room calls, newest first, for the waiting-room display: polled every 3 s, also in the background. */
export function useRoomCalls() {
  return useQuery({
    queryKey: frontDeskKeys.roomCalls,
    queryFn: () => call('room_calls'),
    refetchInterval: ROOM_CALLS_REFRESH_MS,
    refetchIntervalInBackground: true,
    staleTime: 0,
  });
}

/** The patients to call about a day's appointments; idle while `day` is null. */
export function useCallList(day: string | null) {
  return useQuery({
    queryKey: frontDeskKeys.callList(day ?? ''),
    queryFn: () => call('call_list', { day: day ?? '' }),
    enabled: day !== null,
  });
}

/** The active providers. */
export function useActiveProviders() {
  return useQuery({
    queryKey: frontDeskKeys.providers,
    queryFn: () => call('list_providers', { includeArchived: false }),
  });
}

/** After someone arrived or was called in: the queue, the display, today's lists are fetched again. */
async function frontDeskChanged(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: frontDeskKeys.waitingRoom }),
    queryClient.invalidateQueries({ queryKey: frontDeskKeys.roomCalls }),
    queryClient.invalidateQueries({ queryKey: queryKeys.clinicOverview }),
    queryClient.invalidateQueries({ queryKey: ['list_appointments'] }),
    queryClient.invalidateQueries({ queryKey: ['call_list'] }),
    queryClient.invalidateQueries({ queryKey: queryKeys.patientHeaders }),
  ]);
}

/** Marks a patient with an appointment as arrived. */
export function useCheckIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (appointmentId: string) =>
      call('set_appointment_status', { appointmentId, status: 'checked_in', cancellationReason: null }),
    onSuccess: async () => frontDeskChanged(queryClient),
  });
}

/** A doctor calls a waiting patient in to a room (or calls one in progress again). */
export function useCallPatient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: CallPatientArgs) => call('call_patient', args),
    onSuccess: async () => frontDeskChanged(queryClient),
  });
}

/** A patient without an appointment: booked from now and checked in at once. */
export function useBookWalkIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: WalkIn) => call('book_walk_in', args),
    onSuccess: async () => frontDeskChanged(queryClient),
  });
}

/** Opens (or focuses) the waiting-room display window. */
export function useOpenWaitingRoomDisplay() {
  return useMutation({ mutationFn: () => call('open_waiting_room_display') });
}
