import { toIpcFailure, type IpcFailure } from '../../api/ipc';
import type { ErrorCode, NewAppointment } from '../../api/types';

/** The refusals a user may look at and book past: Rust names what is in the way. */
export type BookingWarningCode = Extract<ErrorCode, 'patient_already_booked' | 'outside_working_hours'>;

export interface BookingWarning {
  code: BookingWarningCode;
  /** What Rust said is in the way, translated when shown. */
  failure: IpcFailure;
}

/** The warning in a failed booking or move, or null when the failure is a plain error. */
export function bookingWarning(error: unknown): BookingWarning | null {
  const failure = toIpcFailure(error);
  if (failure.code === 'patient_already_booked' || failure.code === 'outside_working_hours') {
    return { code: failure.code, failure };
  }
  return null;
}

/** The flag that tells Rust the user saw this warning and books anyway. */
export function allowing(code: BookingWarningCode): Pick<NewAppointment, 'allowPatientOverlap' | 'allowOutsideHours'> {
  return code === 'patient_already_booked' ? { allowPatientOverlap: true } : { allowOutsideHours: true };
}
