import { useMutation, useQuery, useQueryClient, type Query, type QueryClient } from '@tanstack/react-query';
import { call } from './ipc';
import { queryKeys } from './queries';
import type { ExportPatientsArgs, MergeIdArgs, MergePatientsArgs, PatientImportArgs } from './types';

/** Query keys of patient import, export and merging: the command name first, then its args. */
export const patientKeys = {
  merges: (patientId: string) => ['patient_merges', { patientId }] as const,
  mergePreview: (args: MergePatientsArgs) => ['patient_merge_preview', args] as const,
};

/** Queries that hold no session data (never refetched because patients changed). */
const UNRELATED: ReadonlySet<unknown> = new Set([
  queryKeys.appStatus[0],
  queryKeys.timeZones[0],
  // A preview is of two records as they were: it is asked for again, not refreshed.
  'patient_merge_preview',
]);

/** Queries that show patients, besides those of commands named `patient…`. */
const PATIENT_QUERIES: ReadonlySet<unknown> = new Set([
  'list_patients',
  queryKeys.patientHeaders[0],
  // It counts them.
  queryKeys.clinicOverview[0],
]);

/** Whether a query shows patients: the lists, a record, its header, its merges… */
function showsPatients(query: Query): boolean {
  const command = query.queryKey[0];
  if (typeof command !== 'string' || UNRELATED.has(command)) return false;
  return PATIENT_QUERIES.has(command) || command.startsWith('patient');
}

/** After patients were added: every patient list, record and header is fetched again. */
export async function patientsChanged(queryClient: QueryClient) {
  await queryClient.invalidateQueries({ predicate: showsPatients });
}

/**
 * After a merge or its undo: appointments, visits, invoices, waitlist entries… moved between two
 * records, so everything the session shows is fetched again (only open screens refetch at once).
 * Not awaited: the record on screen may turn into the kept one and unmount the dialog that merged,
 * whose own success callbacks (closing, a notice) must run first.
 */
function recordsMoved(queryClient: QueryClient) {
  void queryClient.invalidateQueries({
    predicate: (query) => !UNRELATED.has(query.queryKey[0]),
  });
}

/** What importing a CSV file would do; writes nothing. */
export function useCheckPatientImport() {
  return useMutation({ mutationFn: (args: PatientImportArgs) => call('check_patient_import', args) });
}

/** Registers the patients of a CSV file (all of them, or none when rows were rejected and not skipped). */
export function useImportPatients() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: PatientImportArgs) => call('import_patients', args),
    // An import that stopped part-way registered some patients too.
    onSettled: async () => patientsChanged(queryClient),
  });
}

/** How far the running check or import is, read while `running` (Rust keeps it; null when none runs). */
export function useImportProgress(running: boolean) {
  return useQuery({
    queryKey: queryKeys.importProgress,
    queryFn: () => call('import_progress'),
    enabled: running,
    refetchInterval: running ? 300 : false,
    gcTime: 0,
  });
}

/** Writes the patient list to a CSV file; answers with the path written. */
export function useExportPatientsCsv() {
  return useMutation({ mutationFn: (args: ExportPatientsArgs) => call('export_patients_csv', args) });
}

/** What merging one record into another would move and fill in; idle while `args` is null. */
export function usePatientMergePreview(args: MergePatientsArgs | null) {
  return useQuery({
    queryKey: patientKeys.mergePreview(args ?? { keptPatientId: '', mergedPatientId: '' }),
    queryFn: () => call('patient_merge_preview', args ?? { keptPatientId: '', mergedPatientId: '' }),
    enabled: args !== null,
    // Showing two records is audited in Rust: asked for when needed, not on focus.
    refetchOnWindowFocus: false,
    staleTime: 0,
    gcTime: 0,
  });
}

export function useMergePatients() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: MergePatientsArgs) => call('merge_patients', args),
    onSuccess: () => {
      recordsMoved(queryClient);
    },
  });
}

/** The records merged into this patient, newest first. */
export function usePatientMerges(patientId: string) {
  return useQuery({
    queryKey: patientKeys.merges(patientId),
    queryFn: () => call('patient_merges', { patientId }),
  });
}

/** Undoes a merge made today (administrators only). */
export function useUndoPatientMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: MergeIdArgs) => call('undo_patient_merge', args),
    onSuccess: () => {
      recordsMoved(queryClient);
    },
  });
}
