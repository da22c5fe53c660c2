function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The browser's zone when the Rust side offers it, else UTC if offered, else none. */
export function defaultTimeZone(zones: readonly string[], browserZone = browserTimeZone()): string {
  if (browserZone && zones.includes(browserZone)) return browserZone;
  if (zones.includes('UTC')) return 'UTC';
  return '';
}
