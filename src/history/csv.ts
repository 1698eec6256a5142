// CSV for spreadsheets: RFC 4180 quoting, CRLF, and a guard against formula injection, because the cells
// carry text people typed (titles, descriptions) and a spreadsheet would run `=HYPERLINK(...)` as a formula.
import { stringify } from 'csv-stringify/sync';

export interface CsvColumn {
  key: string;
  header: string;
}

/** What goes to csv-stringify: numbers stay numbers so its formula guard leaves `-3` alone. */
type CsvCell = string | number | null;

function toCell(value: unknown): CsvCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => cellText(toCell(item))).join(';');
  return JSON.stringify(value) ?? null;
}

function cellText(cell: CsvCell): string {
  return cell === null ? '' : String(cell);
}

/**
 * A header row and one row per record, CRLF-terminated. Arrays are joined with `;`, Dates written as ISO
 * 8601, null/undefined as empty cells, other objects as JSON. Text cells starting with `=`, `+`, `-`, `@`,
 * tab or CR get a leading `'`; numbers (including negative ones) are written as they are.
 */
export function toCsv(columns: CsvColumn[], rows: Record<string, unknown>[]): string {
  const records: CsvCell[][] = [columns.map((column) => column.header)];
  for (const row of rows) records.push(columns.map((column) => toCell(row[column.key])));
  return stringify(records, {
    record_delimiter: 'windows',
    // Also quote a lone \n or \r inside a cell; with record_delimiter set this is off unless asked for.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}
