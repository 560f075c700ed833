/**
 * fast-check arbitraries derived from zod 4 schemas, for fuzzing the edges with inputs shaped
 * like the real ones (zod-fast-check only supports zod 3). Covers what src/shared uses: object,
 * string (length, regex, email, url, uuid, ISO date-time), number and int (bounds), boolean,
 * enum, literal, array, record, optional, nullable, default, union, discriminated union, pipe
 * and transform. Anything else, or a schema nested too deep, gets `fc.anything()`.
 *
 * The values aim at valid input, with the bounds' edges favoured; the fuzzers mix in broken
 * ones themselves. Refinements (`.refine`) are not honoured: their failures are a fine input too.
 */
import fc from 'fast-check';
import type { z } from 'zod';

type Check = { check?: string; [key: string]: unknown };
type Def = { type: string; checks?: Array<{ _zod: { def: Check } }>; [key: string]: unknown };

const MAX_DEPTH = 8;
/** Arrays longer than this are rarely more interesting and slow every case down. */
const MAX_ARRAY = 8;

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function checksOf(def: Def): Check[] {
  const own = (def.checks ?? []).map((c) => c._zod.def);
  // `z.iso.datetime()`, `z.email()`, `z.int()` carry their format on the def itself.
  return def.check ? [def as unknown as Check, ...own] : own;
}

/** Optional in an object: the key may be left out. */
function isOptional(schema: unknown): boolean {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default' || type === 'prefault';
}

export function arbitraryFor(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.anything();
  const def = defOf(schema);
  const inner = (s: unknown) => arbitraryFor(s, depth + 1);
  switch (def.type) {
    case 'string':
      return stringFor(checksOf(def));
    case 'number':
      return numberFor(checksOf(def));
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string | number>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'null':
      return fc.constant(null);
    case 'array': {
      const { min, max } = lengthBounds(checksOf(def));
      return fc.array(inner(def.element), {
        minLength: min,
        maxLength: Math.max(min, Math.min(max, MAX_ARRAY)),
      });
    }
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const model = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, inner(s)]));
      const requiredKeys = Object.keys(shape).filter((k) => !isOptional(shape[k]));
      return fc.record(model, { requiredKeys });
    }
    case 'record':
      return fc.dictionary(fc.string({ maxLength: 12 }), inner(def.valueType), { maxKeys: 4 });
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
    case 'nullable':
      return fc.option(inner(def.innerType), { nil: null, freq: 4 });
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'pipe': {
      // `a.pipe(b)` takes what `a` takes; when `b` is a schema (not a transform) it says more
      // precisely what passes, e.g. `z.string().trim().pipe(z.email())`.
      const out = defOf(def.out).type;
      return inner(out === 'transform' ? def.in : def.out);
    }
    default:
      return fc.anything();
  }
}

function lengthBounds(checks: Check[]): { min: number; max: number } {
  let min = 0;
  let max = 64;
  for (const c of checks) {
    if (c.check === 'min_length') min = c.minimum as number;
    if (c.check === 'max_length') max = c.maximum as number;
    if (c.check === 'length_equals') min = max = c.length as number;
  }
  return { min, max: Math.max(min, max) };
}

function stringFor(checks: Check[]): fc.Arbitrary<string> {
  const { min, max } = lengthBounds(checks);
  const format = checks.find((c) => c.check === 'string_format');
  const fits = (s: string) => s.length >= min && s.length <= max;
  switch (format?.format) {
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'url':
      return fc.webUrl().filter(fits);
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case 'datetime':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'regex':
      return fc.stringMatching(format.pattern as RegExp).filter(fits);
  }
  const any = fc.string({ minLength: min, maxLength: Math.min(max, 200), unit: 'grapheme' });
  // The edges of the length bounds, where off-by-one mistakes live.
  const edges = [min, max].filter((n) => n <= 100_000).map((n) => fc.constant('x'.repeat(n)));
  return fc.oneof(
    { arbitrary: any, weight: 4 },
    ...edges.map((e) => ({ arbitrary: e, weight: 1 })),
  );
}

function numberFor(checks: Check[]): fc.Arbitrary<number> {
  let min = -1e9;
  let max = 1e9;
  let integer = false;
  for (const c of checks) {
    if (c.check === 'number_format' && String(c.format).includes('int')) integer = true;
    if (c.check === 'greater_than')
      min = (c.value as number) + (c.inclusive ? 0 : integer ? 1 : 1e-9);
    if (c.check === 'less_than') max = (c.value as number) - (c.inclusive ? 0 : integer ? 1 : 1e-9);
  }
  const edges = fc.constantFrom(min, max);
  const any = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ arbitrary: any, weight: 4 }, { arbitrary: edges, weight: 1 });
}

/** The zod schema type name, for tests that report what they covered. */
export function schemaKind(schema: z.ZodType | undefined): string {
  return schema ? defOf(schema).type : 'none';
}
