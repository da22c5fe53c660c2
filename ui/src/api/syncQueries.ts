import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listen } from '@tauri-apps/api/event';
import { useEffect } from 'react';
import { call } from './ipc';
import { queryKeys } from './queries';
import type {
  AppStatus,
  JoinSheetArgs,
  JoinView,
  ResolveArgs,
  ServerArgs,
  ServerUrlArgs,
  SyncOverview,
} from './types';

/** Query keys of syncing: the command name first. */
export const syncKeys = {
  overview: ['sync_overview'] as const,
  joinProgress: ['join_progress'] as const,
  joinSheetPath: ['join_sheet_path'] as const,
  devices: ['clinic_devices'] as const,
  attention: ['needs_attention'] as const,
};

/** What Rust emits after a background round brought other computers' changes. */
const SYNCED_EVENT = 'clinic-synced';

/** How syncing goes, for the header: looked at every few seconds. */
export function useSyncOverview() {
  return useQuery({ queryKey: syncKeys.overview, queryFn: () => call('sync_overview'), refetchInterval: 3000 });
}

/** The certificate fingerprint the server at an address shows, for the user to compare. */
export function useServerFingerprint() {
  return useMutation({ mutationFn: (args: ServerUrlArgs) => call('server_fingerprint', args) });
}

export function useJoinClinic() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: ServerArgs) => call('join_clinic', args),
    onSuccess: (status: AppStatus) => {
      queryClient.setQueryData(queryKeys.appStatus, status);
    },
  });
}

/** The join's progress, looked at twice a second while it runs. */
export function useJoinProgress() {
  return useQuery({
    queryKey: syncKeys.joinProgress,
    queryFn: () => call('join_progress'),
    refetchInterval: (query) => (query.state.data?.pulled === true ? false : 500),
  });
}

export function useRetryJoin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('retry_join'),
    onSuccess: (view: JoinView) => {
      queryClient.setQueryData(syncKeys.joinProgress, view);
    },
  });
}

/** Where the joining computer's recovery sheet is offered to go; asked once the clinic is here. */
export function useJoinSheetPath(enabled: boolean) {
  return useQuery({ queryKey: syncKeys.joinSheetPath, queryFn: () => call('join_sheet_path'), enabled });
}

export function useSaveJoinRecoverySheet() {
  return useMutation({ mutationFn: (args: JoinSheetArgs) => call('save_join_recovery_sheet', args) });
}

export function useFinishJoining() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('finish_joining'),
    onSuccess: (status: AppStatus) => {
      queryClient.removeQueries({ queryKey: syncKeys.joinProgress });
      queryClient.setQueryData(queryKeys.appStatus, status);
    },
  });
}

export function usePairWithServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: ServerArgs) => call('pair_with_server', args),
    onSuccess: async (overview: SyncOverview) => {
      queryClient.setQueryData(syncKeys.overview, overview);
      await queryClient.invalidateQueries({ queryKey: syncKeys.devices });
    },
  });
}

/** One round now; afterwards every screen refetches, since other computers' changes may have come. */
export function useSyncNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('sync_now'),
    onSettled: async () => {
      await queryClient.invalidateQueries();
    },
  });
}

/** The clinic's devices as the server knows them (administrators), with when each was last seen. */
export function useClinicDevices(enabled: boolean) {
  return useQuery({ queryKey: syncKeys.devices, queryFn: () => call('clinic_devices'), enabled, refetchInterval: 30000 });
}

/** Refetches every screen's data when a background round brought other computers' changes. */
export function useRefetchAfterSync() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let stop: (() => void) | undefined;
    let gone = false;
    listen(SYNCED_EVENT, () => {
      void queryClient.invalidateQueries();
    })
      .then((unlisten) => {
        if (gone) unlisten();
        else stop = unlisten;
      })
      .catch(() => {
        // Outside the app (unit tests, a plain browser) there are no events: screens refetch as usual.
      });
    return () => {
      gone = true;
      stop?.();
    };
  }, [queryClient]);
}

/** What syncing could not settle and the signed-in user may resolve (Needs attention). */
export function useNeedsAttention() {
  return useQuery({ queryKey: syncKeys.attention, queryFn: () => call('needs_attention'), refetchInterval: 10000 });
}

/** Resolves one entry; every screen refetches, since it wrote a change (a booking moved, a value kept). */
export function useResolveAttention() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: ResolveArgs) => call('resolve_attention', args),
    onSuccess: async () => {
      await queryClient.invalidateQueries();
    },
  });
}
