import type { NewPatient, Sex } from '../../api/types';

/** What the form edits: the patient's details, as text. */
export interface PatientValues {
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
  sex: Sex;
  phone: string;
  email: string;
  city: string;
  insurancePayer: string;
  insuranceMemberId: string;
}

export const EMPTY_PATIENT: PatientValues = {
  firstName: '',
  lastName: '',
  dateOfBirth: null,
  sex: 'unknown',
  phone: '',
  email: '',
  city: '',
  insurancePayer: '',
  insuranceMemberId: '',
};

/** The command's input from the form's values; empty optional fields are left out. */
export function toNewPatient(values: PatientValues, allowDuplicates = false): NewPatient {
  const optional = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    firstName: values.firstName,
    lastName: values.lastName,
    dateOfBirth: values.dateOfBirth ?? '',
    sex: values.sex,
    phone: optional(values.phone),
    email: optional(values.email),
    city: optional(values.city),
    insurancePayer: optional(values.insurancePayer),
    insuranceMemberId: optional(values.insuranceMemberId),
    allowDuplicates,
  };
}
