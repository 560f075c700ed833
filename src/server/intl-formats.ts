/**
 * Cached Intl formatters. Building one costs about 170 µs and invitations render several per
 * message (bench/api.ts profile); formatting with a built one costs about 2 µs. Keys are bounded
 * by languages x time zones x the few option sets we use; the cap only guards against misuse.
 */
const MAX_CACHED = 2_000;
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>(
  kind: string,
  locale: string,
  options: object,
  build: () => T,
): T {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key) as T | undefined;
  if (!format) {
    if (cache.size >= MAX_CACHED) cache.clear();
    format = build();
    cache.set(key, format);
  }
  return format;
}

export function dateTimeFormat(
  locale: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  return cached('dt', locale, options, () => new Intl.DateTimeFormat(locale, options));
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached('nf', locale, options, () => new Intl.NumberFormat(locale, options));
}

export function listFormat(locale: string, options: Intl.ListFormatOptions): Intl.ListFormat {
  return cached('lf', locale, options, () => new Intl.ListFormat(locale, options));
}
