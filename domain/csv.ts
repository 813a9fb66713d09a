/**
 * CSV for the console's exports, as spreadsheets open it: UTF-8 with a byte-order mark (so Excel reads it as UTF-8),
 * RFC 4180 quoting and CRLF line ends, and every text cell that a spreadsheet would run as a formula neutralised.
 */

/** One cell: text (from customers or staff), a number or a flag (from the assistant), or empty. */
export type CsvCell = string | number | boolean | undefined;

/** The byte-order mark that makes Excel read the file as UTF-8. */
export const CSV_BOM = '\uFEFF';

/** First characters that make a spreadsheet read a cell as a formula (CSV injection): `=`, `+`, `-`, `@`, TAB, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Characters that force a field into quotes (RFC 4180), besides a leading or trailing space kept as typed. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as CSV text. A string that starts like a formula gets a leading apostrophe, which spreadsheets show as
 * text. Numbers and booleans are written as they are (`-3` stays `-3`): they come from the assistant, never from
 * what someone typed, so they cannot carry a formula. Undefined is an empty cell.
 */
export function csvField(cell: CsvCell): string {
  if (cell === undefined) return '';
  if (typeof cell !== 'string') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: the BOM, the header line and one line per row, each ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const line = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;
  return CSV_BOM + line(header) + rows.map(line).join('');
}
