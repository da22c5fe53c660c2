import type { AppointmentSummary } from '../../api/types';

export interface ProviderGroup {
  providerName: string;
  providerColor: string;
  appointments: AppointmentSummary[];
}

/** Groups a day's appointments by provider (sorted by name), each group in start-time order. */
export function groupByProvider(
  appointments: readonly AppointmentSummary[],
  locale?: string,
): ProviderGroup[] {
  const groups = new Map<string, ProviderGroup>();
  for (const appointment of appointments) {
    let group = groups.get(appointment.providerName);
    if (!group) {
      group = {
        providerName: appointment.providerName,
        providerColor: appointment.providerColor,
        appointments: [],
      };
      groups.set(appointment.providerName, group);
    }
    group.appointments.push(appointment);
  }
  const collator = new Intl.Collator(locale);
  const sorted = [...groups.values()].sort((a, b) => collator.compare(a.providerName, b.providerName));
  for (const group of sorted) {
    // RFC 3339 UTC instants sort correctly as strings.
    group.appointments.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }
  return sorted;
}
