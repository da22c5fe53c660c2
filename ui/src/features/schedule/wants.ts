// The value of a WantsSelect: `provider:<id>` or `specialty:<name>` ('' until chosen).

const PROVIDER = 'provider:';
export const SPECIALTY = 'specialty:';

/** The select's value for one provider. */
export function wantsProvider(providerId: string): string {
  return PROVIDER + providerId;
}

/** What a select value stands for: one provider, or any provider of a specialty (or nothing yet). */
export function parseWants(wants: string): { providerId: string | null; specialty: string | null } {
  return {
    providerId: wants.startsWith(PROVIDER) ? wants.slice(PROVIDER.length) : null,
    specialty: wants.startsWith(SPECIALTY) ? wants.slice(SPECIALTY.length) : null,
  };
}
