/** Checks for IANA time zones and ISO regions, backed by the runtime's own ICU data. */
import { getCountries, type CountryCode } from 'libphonenumber-js/max';

// Only valid zones are remembered, so arbitrary input cannot grow the cache without bound.
const canonicalZones = new Map<string, string>();

/**
 * The zone's canonical IANA name (`europe/madrid` -> `Europe/Madrid`), or undefined when the
 * runtime does not know it. Intl accepts any case, but we store and show the canonical name.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  const known = canonicalZones.get(zone);
  if (known) return known;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  canonicalZones.set(zone, canonical);
  return canonical;
}

export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

const countries = new Set<string>(getCountries());

export function isValidCountry(region: string): region is CountryCode {
  return countries.has(region);
}
