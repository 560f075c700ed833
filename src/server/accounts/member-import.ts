/**
 * Creating members from a CSV file (email, username, displayName): every row is checked with
 * the same rules as a single create and reported on its own, created or refused. Each member is
 * one insert, so a row is either fully created or not at all, and a refused row stops no other.
 */
import {
  MEMBER_IMPORT_MAX_ROWS,
  createMemberBody,
  type MemberImportReport,
  type MemberImportRow,
} from '../../shared/api.js';
import { AppError } from '../errors.js';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv.js';
import type { MembersService } from './members.js';
import { generatePassword } from './passwords.js';

const rowSchema = createMemberBody.pick({ email: true, username: true, displayName: true });
type Column = keyof typeof rowSchema.shape;
const COLUMNS: Column[] = ['email', 'username', 'displayName'];

/** "Display name", "display_name" and "DISPLAYNAME" all name the displayName column. */
function columnOf(header: string): Column | undefined {
  const key = header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
  return COLUMNS.find((c) => c.toLowerCase() === key);
}

function decode(bytes: Buffer): string {
  try {
    // Drops a byte order mark; fatal so that a spreadsheet's binary file is refused, not mangled.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new AppError('CSV_INVALID', { message: 'The file is not UTF-8 text.', cause: error });
  }
}

function readRecords(bytes: Buffer): { positions: Map<Column, number>; rows: CsvRecord[] } {
  let records: CsvRecord[];
  try {
    records = parseCsv(decode(bytes));
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new AppError('CSV_INVALID', {
      message: `Line ${error.line}: ${error.message}`,
      cause: error,
    });
  }
  const [header, ...rows] = records;
  const positions = new Map<Column, number>();
  header?.fields.forEach((name, index) => {
    const column = columnOf(name);
    if (column && !positions.has(column)) positions.set(column, index);
  });
  const missing = COLUMNS.filter((c) => !positions.has(c));
  if (missing.length > 0) {
    throw new AppError('CSV_INVALID', {
      message: `The header row lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
    });
  }
  if (rows.length > MEMBER_IMPORT_MAX_ROWS) throw new AppError('CSV_TOO_LARGE');
  return { positions, rows };
}

export async function importMembers(
  members: MembersService,
  bytes: Buffer,
): Promise<MemberImportReport> {
  const { positions, rows } = readRecords(bytes);
  // Earlier rows of this file, by email and user name, so a repeat is named as such.
  const emailLines = new Map<string, number>();
  const usernameLines = new Map<string, number>();
  const report: MemberImportRow[] = [];

  for (const { line, fields } of rows) {
    const cell = (column: Column) => fields[positions.get(column) ?? -1];
    const raw = {
      email: cell('email'),
      username: cell('username'),
      displayName: cell('displayName'),
    };
    const refuse = (code: NonNullable<MemberImportRow['code']>, message: string, shown = raw) =>
      report.push({
        line,
        email: shown.email?.trim() ?? '',
        username: shown.username?.trim() ?? '',
        status: 'refused',
        code,
        message,
      });

    const absent = COLUMNS.filter((c) => raw[c] === undefined);
    if (absent.length > 0) {
      refuse('VALIDATION', absent.map((c) => `${c}: missing`).join('; '));
      continue;
    }
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      refuse(
        'VALIDATION',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
      continue;
    }
    const row = parsed.data;
    const earlierEmail = emailLines.get(row.email);
    const earlierUsername = usernameLines.get(row.username);
    emailLines.set(row.email, earlierEmail ?? line);
    usernameLines.set(row.username, earlierUsername ?? line);
    if (earlierEmail !== undefined) {
      refuse('EMAIL_TAKEN', `This email is already on line ${earlierEmail} of the file.`, row);
      continue;
    }
    if (earlierUsername !== undefined) {
      refuse(
        'USERNAME_TAKEN',
        `This user name is already on line ${earlierUsername} of the file.`,
        row,
      );
      continue;
    }

    const password = generatePassword();
    try {
      await members.create({ ...row, role: 'member', password });
    } catch (error) {
      if (
        error instanceof AppError &&
        (error.code === 'EMAIL_TAKEN' || error.code === 'USERNAME_TAKEN')
      ) {
        refuse(error.code, error.message, row);
        continue;
      }
      throw error;
    }
    report.push({ line, email: row.email, username: row.username, status: 'created', password });
  }

  const created = report.filter((r) => r.status === 'created').length;
  return { rows: report, created, refused: report.length - created };
}
