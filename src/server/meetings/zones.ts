/** Checks for IANA time zones and ISO regions, backed by the runtime's own ICU data. */
import { getCountries, type CountryCode } from 'libphonenumber-js/max';

// Only valid zones are remembered, so arbitrary input cannot grow the cache.
const knownZones = new Set<string>();

export function isValidTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

const countries = new Set<string>(getCountries());

export function isValidCountry(region: string): region is CountryCode {
  return countries.has(region);
}
