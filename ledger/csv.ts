// The ledger as CSV for finance (RFC 4180): a header line, then one line per row, CRLF line ends.
// A field is quoted when it holds a comma, a quote, CR or LF, with its quotes doubled. A text field
// that a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe
// (OWASP's advice against CSV injection); numbers are written as they are.
import type { LedgerRow } from './schema';

export const LEDGER_CSV_COLUMNS = [
  'event_key',
  'order_id',
  'kind',
  'occurred_at',
  'policy_id',
  'policy_version',
  'outcome',
  'amount_minor',
  'currency',
  'reason_codes',
  'actor_role',
  'actor_id',
  'requested_at',
  'deadline_at',
  'recorded_at',
] as const satisfies readonly (keyof LedgerRow)[];

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: empty for null, numbers as digits, text escaped. */
export function csvField(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (fields: readonly (string | number | bigint | null | undefined)[]): string =>
  `${fields.map(csvField).join(',')}\r\n`;

export const ledgerCsvHeader = (): string => csvLine(LEDGER_CSV_COLUMNS);

export const ledgerCsvLine = (row: LedgerRow): string => csvLine(LEDGER_CSV_COLUMNS.map((c) => row[c]));
