import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, detectSeparator, parseCsv } from './csv.js';

const fieldsOf = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('splits comma-separated lines into fields, numbering records by file line', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('accepts CRLF line ends and a last line without one', () => {
    expect(fieldsOf('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('takes semicolons as the separator when the header line uses them', () => {
    expect(fieldsOf('a;b\n"x,y";2\n')).toEqual([
      ['a', 'b'],
      ['x,y', '2'],
    ]);
  });

  it('keeps separators, doubled quotes and line breaks inside quoted fields', () => {
    const records = parseCsv('a,b\n"Smith, Ann","say ""hi"""\n"two\nlines",x\nlast,y\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['Smith, Ann', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'x'] },
      { line: 5, fields: ['last', 'y'] },
    ]);
  });

  it('drops a leading byte order mark', () => {
    expect(fieldsOf('\uFEFFemail,username\n')).toEqual([['email', 'username']]);
  });

  it('skips blank lines but keeps their numbers for the lines after them', () => {
    expect(parseCsv('a\n\n\r\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('keeps empty fields, quoted or not', () => {
    expect(fieldsOf('a,,""\n""\n')).toEqual([['a', '', ''], ['']]);
  });

  it('returns no records for an empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('throws CsvSyntaxError with the line of a quote that is never closed', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,"open\n2,3\n');
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(2);
    }
  });

  it('throws CsvSyntaxError for text after a closing quote', () => {
    expect(() => parseCsv('"a"b,c\n')).toThrow(/after a closing quote/);
  });
});

describe('detectSeparator', () => {
  it('picks the first separator outside quotes on the first line', () => {
    expect(detectSeparator('"a;b",c;d')).toBe(',');
    expect(detectSeparator('"a,b";c,d')).toBe(';');
    expect(detectSeparator('email\nx,y')).toBe(',');
  });
});
