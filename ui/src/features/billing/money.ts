/** How many decimals a currency's amounts have (2 for EUR, 0 for JPY); 2 when the code is unknown. */
export function currencyDecimals(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount typed in the currency's units (12.5) in minor units (1250), or null when it is not one. */
export function toMinor(amount: number | string, currency: string): number | null {
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value) || (typeof amount === 'string' && amount.trim() === '')) return null;
  return Math.round(value * 10 ** currencyDecimals(currency));
}

/** Minor units (1250) as the number typed in the currency's units (12.5). */
export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** currencyDecimals(currency);
}
