/**
 * How an SMS text travels: in the GSM 03.38 default alphabet when every character is in it
 * (160 septets, 153 per part of a concatenated message), in UCS-2 otherwise (70 UTF-16 code
 * units, 67 per part). The segments are the short_message payloads an SMPP submit_sm carries:
 * GSM as unpacked septets, one byte each (the SMSC packs them for the air interface), UCS-2 as
 * UTF-16BE. A text that needs more than one segment gets the 6-byte concatenation UDH
 * (IEI 0x00, 8-bit reference) in front of each, which costs the 7 septets / 3 code units per
 * part that the lower per-part limits account for.
 */
import { randomInt } from 'node:crypto';

export const DATA_CODING_GSM7 = 0x00;
export const DATA_CODING_UCS2 = 0x08;
export type DataCoding = typeof DATA_CODING_GSM7 | typeof DATA_CODING_UCS2;

export interface EncodedSms {
  dataCoding: DataCoding;
  /** Payload of each submit_sm, UDH included when there is more than one. */
  segments: Buffer[];
}

/**
 * The default alphabet in code order: a character's index is its septet. Index 0x1B is the
 * escape to the extension table, not a character, so it is left out of the encoder below.
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const ESCAPE = 0x1b;
/** The basic-extension table: each is sent as ESC + this septet, so it costs two. */
const GSM_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

const GSM_ENCODE = new Map<string, number[]>();
[...GSM_BASIC].forEach((char, septet) => {
  if (septet !== ESCAPE) GSM_ENCODE.set(char, [septet]);
});
for (const [char, septet] of GSM_EXTENSION) GSM_ENCODE.set(char, [ESCAPE, septet]);
const GSM_EXTENSION_DECODE = new Map([...GSM_EXTENSION].map(([char, septet]) => [septet, char]));

/** Capacity in septets (GSM) or UTF-16 code units (UCS-2). */
const LIMITS: Record<DataCoding, { single: number; perPart: number }> = {
  [DATA_CODING_GSM7]: { single: 160, perPart: 153 },
  [DATA_CODING_UCS2]: { single: 70, perPart: 67 },
};
/** The UDH counts parts in one byte. */
const MAX_PARTS = 255;

/**
 * One character as encoded. Splitting happens only between units, so an escape sequence or a
 * surrogate pair (an emoji) always stays whole in one segment.
 */
interface Unit {
  bytes: number[];
  cost: number;
}

function toUnits(text: string): { dataCoding: DataCoding; units: Unit[] } {
  // Array.from iterates code points, so a surrogate pair arrives as one string of length 2.
  const chars = Array.from(text);
  const gsm = chars.map((char) => GSM_ENCODE.get(char));
  if (gsm.every((bytes) => bytes !== undefined)) {
    return {
      dataCoding: DATA_CODING_GSM7,
      units: gsm.map((bytes) => ({ bytes, cost: bytes.length })),
    };
  }
  const units = chars.map((char) => {
    const bytes: number[] = [];
    for (let i = 0; i < char.length; i++) {
      const codeUnit = char.charCodeAt(i);
      bytes.push(codeUnit >> 8, codeUnit & 0xff);
    }
    return { bytes, cost: char.length };
  });
  return { dataCoding: DATA_CODING_UCS2, units };
}

function split(units: Unit[], dataCoding: DataCoding): Unit[][] {
  const { single, perPart } = LIMITS[dataCoding];
  const total = units.reduce((sum, unit) => sum + unit.cost, 0);
  if (total <= single) return [units];
  const parts: Unit[][] = [];
  let current: Unit[] = [];
  let used = 0;
  for (const unit of units) {
    if (used + unit.cost > perPart) {
      parts.push(current);
      current = [];
      used = 0;
    }
    current.push(unit);
    used += unit.cost;
  }
  parts.push(current);
  return parts;
}

function payload(units: Unit[]): Buffer {
  return Buffer.from(units.flatMap((unit) => unit.bytes));
}

/**
 * Encodes and splits `text`. `reference` ties the parts of one message together on the handset;
 * it is random when not given, and only used when there is more than one segment.
 */
export function encodeSms(text: string, options: { reference?: number } = {}): EncodedSms {
  const { dataCoding, units } = toUnits(text);
  const parts = split(units, dataCoding);
  if (parts.length === 1) return { dataCoding, segments: [payload(parts[0] ?? [])] };
  if (parts.length > MAX_PARTS) {
    throw new RangeError(
      `SMS text needs ${parts.length} segments; at most ${MAX_PARTS} can be sent`,
    );
  }
  const reference = options.reference ?? randomInt(256);
  if (!Number.isInteger(reference) || reference < 0 || reference > 255) {
    throw new RangeError(`SMS concatenation reference must be 0..255, got ${reference}`);
  }
  const segments = parts.map((part, index) =>
    Buffer.concat([
      Buffer.from([0x05, 0x00, 0x03, reference, parts.length, index + 1]),
      payload(part),
    ]),
  );
  return { dataCoding, segments };
}

/** How many SMS `text` costs (an empty text is still one message). */
export function countSegments(text: string): number {
  const { dataCoding, units } = toUnits(text);
  return split(units, dataCoding).length;
}

function decodeGsm(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i] as number;
    if (septet === ESCAPE && i + 1 < bytes.length) {
      const next = bytes[++i] as number;
      // 03.38: an escape to an undefined extension shows the basic character instead.
      text += GSM_EXTENSION_DECODE.get(next) ?? GSM_BASIC.charAt(next);
    } else {
      text += GSM_BASIC.charAt(septet);
    }
  }
  return text;
}

/** Reads segments made by `encodeSms` back into text (the UDH is skipped when there are several). */
export function decodeSms({ dataCoding, segments }: EncodedSms): string {
  const concatenated = segments.length > 1;
  return segments
    .map((segment) => {
      const body = concatenated ? segment.subarray((segment[0] ?? 0) + 1) : segment;
      return dataCoding === DATA_CODING_GSM7
        ? decodeGsm(body)
        : Buffer.from(body).swap16().toString('utf16le');
    })
    .join('');
}
