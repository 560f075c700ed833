import { describe, expect, it } from 'vitest';
import {
  countSegments,
  DATA_CODING_GSM7,
  DATA_CODING_UCS2,
  decodeSms,
  encodeSms,
} from './sms-encoding.js';

const UDH_LENGTH = 6;
const emoji = '😀'; // one code point, two UTF-16 code units (a surrogate pair)

/** Payload length of each segment without its UDH, in bytes. */
function bodyLengths(segments: Buffer[]): number[] {
  return segments.map((s) => (segments.length > 1 ? s.length - UDH_LENGTH : s.length));
}

describe('encodeSms', () => {
  it.each([
    // name, text, data coding, bytes of text per segment (GSM: septets, UCS-2: 2 per code unit)
    ['pure ASCII, 160 characters, in one segment', 'a'.repeat(160), DATA_CODING_GSM7, [160]],
    ['pure ASCII, 161 characters, in two', 'a'.repeat(161), DATA_CODING_GSM7, [153, 8]],
    ['80 euro signs (two septets each) in one', '€'.repeat(80), DATA_CODING_GSM7, [160]],
    [
      '159 letters and a euro sign (161 septets) in two',
      'a'.repeat(159) + '€',
      DATA_CODING_GSM7,
      [153, 8],
    ],
    [
      'an escape sequence that would straddle a split moves whole',
      'a'.repeat(152) + '€' + 'b'.repeat(10),
      DATA_CODING_GSM7,
      [152, 12],
    ],
    ['GSM accents', 'éèùìòÇØøÅåÄÖÑÜäöñüàÉßÆæ', DATA_CODING_GSM7, [23]],
    ['every extension character', '^{}\\[~]|€\f', DATA_CODING_GSM7, [20]],
    ['a Spanish name with á', 'María', DATA_CODING_UCS2, [10]],
    ['í, ó and ú', 'íóú', DATA_CODING_UCS2, [6]],
    ['UCS-2, 70 code units, in one', 'á'.repeat(70), DATA_CODING_UCS2, [140]],
    ['UCS-2, 71 code units, in two', 'á'.repeat(71), DATA_CODING_UCS2, [134, 8]],
    [
      'an emoji that would straddle a split moves whole',
      'á'.repeat(66) + emoji + 'b'.repeat(10),
      DATA_CODING_UCS2,
      [132, 24],
    ],
    ['curly quotes are not GSM', '“Weekly sync”', DATA_CODING_UCS2, [26]],
  ])('%s', (_name, text, dataCoding, lengths) => {
    const encoded = encodeSms(text, { reference: 7 });
    expect(encoded.dataCoding).toBe(dataCoding);
    expect(bodyLengths(encoded.segments)).toEqual(lengths);
    expect(countSegments(text)).toBe(lengths.length);
    expect(decodeSms(encoded)).toBe(text);
  });

  it('writes unpacked septets with an escape before extension characters', () => {
    const [segment] = encodeSms('@é€A').segments;
    expect(segment).toEqual(Buffer.from([0x00, 0x05, 0x1b, 0x65, 0x41]));
  });

  it('writes UCS-2 as UTF-16BE, an emoji as its surrogate pair', () => {
    const [segment] = encodeSms(`á${emoji}`).segments;
    expect(segment).toEqual(Buffer.from([0x00, 0xe1, 0xd8, 0x3d, 0xde, 0x00]));
  });

  it('starts every segment of a long text with the concatenation UDH: reference, total, sequence', () => {
    const { segments } = encodeSms('x'.repeat(400), { reference: 42 });
    expect(segments.map((s) => [...s.subarray(0, UDH_LENGTH)])).toEqual([
      [0x05, 0x00, 0x03, 42, 3, 1],
      [0x05, 0x00, 0x03, 42, 3, 2],
      [0x05, 0x00, 0x03, 42, 3, 3],
    ]);
  });

  it('starts the second part of a split emoji text with the whole surrogate pair', () => {
    const { segments } = encodeSms('á'.repeat(66) + emoji + 'b'.repeat(10));
    expect([...(segments[1] ?? Buffer.alloc(0)).subarray(UDH_LENGTH, UDH_LENGTH + 4)]).toEqual([
      0xd8, 0x3d, 0xde, 0x00,
    ]);
  });

  it('picks one random reference shared by all parts when none is given', () => {
    const { segments } = encodeSms('y'.repeat(320));
    const references = new Set(segments.map((s) => s[3]));
    expect(references.size).toBe(1);
    const [reference] = references;
    expect(reference).toBeGreaterThanOrEqual(0);
    expect(reference).toBeLessThanOrEqual(255);
  });

  it('sends a short text without a UDH even when a reference is given', () => {
    expect(encodeSms('Hi', { reference: 9 }).segments).toEqual([Buffer.from('Hi', 'latin1')]);
  });

  it('counts an empty text as one segment', () => {
    expect(countSegments('')).toBe(1);
    expect(encodeSms('').segments).toEqual([Buffer.alloc(0)]);
  });

  it('rejects a text longer than 255 parts with RangeError', () => {
    expect(() => encodeSms('z'.repeat(153 * 255 + 1))).toThrow(RangeError);
  });

  it('rejects a reference outside one byte with RangeError', () => {
    expect(() => encodeSms('z'.repeat(200), { reference: 256 })).toThrow(RangeError);
  });

  it('decodes an escape to an undefined extension as the basic character', () => {
    expect(decodeSms({ dataCoding: DATA_CODING_GSM7, segments: [Buffer.from([0x1b, 0x41])] })).toBe(
      'A',
    );
  });
});
