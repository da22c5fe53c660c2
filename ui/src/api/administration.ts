import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type {
  AppStatus,
  AuditQuery,
  BackupFileArgs,
  BackupSettingsInput,
  ExportAuditArgs,
  FinishHandoverArgs,
  SaveRecoverySheetArgs,
  SecuritySettings,
} from './types';

/** Query keys of the administration screens: the command name first, then its args. */
export const adminKeys = {
  securitySettings: ['security_settings'] as const,
  recoveryKeyStatus: ['recovery_key_status'] as const,
  recoveryKeyHandover: ['recovery_key_handover'] as const,
  backupStatus: ['backup_status'] as const,
  auditFilterOptions: ['audit_filter_options'] as const,
};

export function useSecuritySettings() {
  return useQuery({ queryKey: adminKeys.securitySettings, queryFn: () => call('security_settings') });
}

export function useSetSecuritySettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: SecuritySettings) => call('set_security_settings', args),
    onSuccess: async (settings) => {
      queryClient.setQueryData(adminKeys.securitySettings, settings);
      // The idle minutes reach the lock timer through app_status.
      await queryClient.invalidateQueries({ queryKey: queryKeys.appStatus });
    },
  });
}

export function useRecoveryKeyStatus() {
  return useQuery({ queryKey: adminKeys.recoveryKeyStatus, queryFn: () => call('recovery_key_status') });
}

export function useChangeDatabaseKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('change_database_key'),
    onSuccess: (status) => {
      queryClient.setQueryData(adminKeys.recoveryKeyStatus, status);
    },
  });
}

/** The recovery key waiting to be handed over (shown once; never cached after). */
export function useRecoveryKeyHandover(enabled: boolean) {
  return useQuery({
    queryKey: adminKeys.recoveryKeyHandover,
    queryFn: () => call('recovery_key_handover'),
    enabled,
    gcTime: 0,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useNewRecoveryKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('new_recovery_key'),
    gcTime: 0,
    onSuccess: async (handover) => {
      queryClient.setQueryData(adminKeys.recoveryKeyHandover, handover);
      await queryClient.invalidateQueries({ queryKey: adminKeys.recoveryKeyStatus });
    },
  });
}

export function useSaveRecoverySheet() {
  return useMutation({ mutationFn: (args: SaveRecoverySheetArgs) => call('save_recovery_sheet', args) });
}

export function useFinishRecoveryKeyHandover() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: FinishHandoverArgs) => call('finish_recovery_key_handover', args),
    onSuccess: async (status: AppStatus) => {
      queryClient.removeQueries({ queryKey: adminKeys.recoveryKeyHandover });
      queryClient.setQueryData(queryKeys.appStatus, status);
      await queryClient.invalidateQueries({ queryKey: adminKeys.recoveryKeyStatus });
    },
  });
}

export function useBackupStatus() {
  return useQuery({ queryKey: adminKeys.backupStatus, queryFn: () => call('backup_status') });
}

export function useSetBackupSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: BackupSettingsInput) => call('set_backup_settings', args),
    onSuccess: (status) => {
      queryClient.setQueryData(adminKeys.backupStatus, status);
    },
  });
}

export function useBackUpNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('back_up_now'),
    // A failure is recorded in the status too.
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: adminKeys.backupStatus });
    },
  });
}

export function usePreviewBackup() {
  return useMutation({ mutationFn: (args: BackupFileArgs) => call('preview_backup', args), gcTime: 0 });
}

/**
 * Restores a backup. The clinic's data changes under every screen, and everyone signs in again:
 * the whole cache goes, and app_status comes from the answer.
 */
export function useRestoreBackup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: BackupFileArgs) => call('restore_backup', args),
    gcTime: 0,
    onSuccess: async (outcome) => {
      await queryClient.cancelQueries();
      queryClient.setQueryData(queryKeys.appStatus, outcome.status);
    },
  });
}

/** A page of this computer's trail, or of the whole clinic's (from the clinic server). */
export function useAuditLog(query: AuditQuery, wholeClinic = false) {
  const command = wholeClinic ? 'clinic_audit_log' : 'audit_log';
  return useQuery({
    queryKey: [command, query] as const,
    queryFn: () => call(command, query),
    placeholderData: keepPreviousData,
  });
}

export function useAuditFilterOptions() {
  return useQuery({ queryKey: adminKeys.auditFilterOptions, queryFn: () => call('audit_filter_options') });
}

export function useExportAuditCsv() {
  return useMutation({ mutationFn: (args: ExportAuditArgs) => call('export_audit_csv', args) });
}

/** "Who looked at my record" on this computer, or on every computer of the clinic. */
export function usePatientAccessReport(patientId: string | null, wholeClinic = false) {
  const command = wholeClinic ? 'clinic_patient_access_report' : 'patient_access_report';
  return useQuery({
    queryKey: [command, { patientId: patientId ?? '' }] as const,
    queryFn: () => call(command, { patientId: patientId ?? '' }),
    enabled: patientId !== null,
  });
}

/** Opens the clinic whose key the keyring lost, with the recovery key. */
export function useRecoverClinic() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (recoveryKey: string) => call('recover_clinic', { recoveryKey }),
    gcTime: 0,
    onSuccess: (status) => {
      queryClient.setQueryData(queryKeys.appStatus, status);
    },
  });
}
