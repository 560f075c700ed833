/**
 * A small RFC 4180 reader for member imports: quoted fields may hold separators, doubled quotes
 * and line breaks; CRLF or LF line ends; the separator (comma or semicolon) is taken from the
 * header line, since spreadsheets in many locales save "CSV" with semicolons.
 */

export interface CsvRecord {
  /** The file line (from 1) where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** The separator of the first line: whichever of `,` and `;` occurs there outside quotes. */
export function detectSeparator(text: string): ',' | ';' {
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && (char === ',' || char === ';')) return char;
  }
  return ',';
}

/**
 * Splits the text into records. A leading byte order mark is dropped; lines with nothing on
 * them are skipped. Throws CsvSyntaxError for a quote left open or text after a closing quote.
 */
export function parseCsv(input: string, separator = detectSeparator(input)): CsvRecord[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  // A quoted empty field ("") is a value; a line with nothing on it is not a record.
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endField = () => {
    fields.push(field);
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < text.length) {
    const char = text[i];
    if (char === '"' && field === '' && !quoted) {
      const quoteLine = line;
      quoted = true;
      i += 1;
      for (;;) {
        if (i >= text.length)
          throw new CsvSyntaxError('A quoted field is never closed.', quoteLine);
        const inner = text[i];
        i += 1;
        if (inner === '"') {
          if (text[i] !== '"') break;
          i += 1;
        } else if (inner === '\n') {
          line += 1;
        }
        field += inner;
      }
      const next = text[i];
      if (next !== undefined && next !== separator && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError('Unexpected text after a closing quote.', line);
      }
    } else if (char === separator) {
      endField();
      i += 1;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      field += char;
      i += 1;
    }
  }
  endRecord();
  return records;
}
