/**
 * All entries as a spreadsheet (CSV) for review by the legal team, and back: an imported sheet becomes one knowledge
 * change of the fields that differ (checked, guarded, kept and audited like any other). Lists sit one item per line
 * inside their cell (alternates) or comma-separated (keywords, related). Entries are neither added nor removed by a
 * sheet: an unknown id is refused.
 */
import type { KnowledgeBase, KnowledgeEntry } from '../knowledge/types.ts';
import type { EntryPatch } from '../knowledge/yamlEdit.ts';
import { CSV_BOM, toCsv } from './csv.ts';

/** The fields of an entry a sheet (and the entry editor) changes. */
export const SHEET_FIELDS = [
  'section',
  'question_id',
  'question_en',
  'alternates_id',
  'alternates_en',
  'keywords',
  'answer_id',
  'answer_en',
  'flow',
  'related',
] as const;

/**
 * The sheet's columns: the entry's id and kind (not changed by a sheet), its fields, and the version of the entry the
 * sheet was exported from (an import that would overwrite a change made since is refused).
 */
export const SHEET_COLUMNS = ['id', 'kind', ...SHEET_FIELDS, 'version'] as const;

type Column = (typeof SHEET_COLUMNS)[number];

/** All entries; `versions`: each entry's version (entryVersions of the faq.yaml they were read from). */
export function knowledgeToCsv(knowledge: KnowledgeBase, versions: ReadonlyMap<string, string>): string {
  return toCsv(
    SHEET_COLUMNS,
    knowledge.entries.map((e) => [
      e.id,
      e.kind,
      e.section,
      e.question.id,
      e.question.en,
      e.alternates.id.join('\n'),
      e.alternates.en.join('\n'),
      e.keywords.join(', '),
      e.answer?.id,
      e.answer?.en,
      e.flow,
      e.related.join(', '),
      versions.get(e.id),
    ]),
  );
}

/** A file that is not CSV as RFC 4180 writes it (a quote left open swallows the rest of the file). */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

/**
 * RFC 4180 rows (quotes, doubled quotes, CR/LF inside quotes); a leading BOM is dropped. Throws CsvFormatError for a
 * quote never closed, naming the line it opened on.
 */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let openedOn = 0;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\n') line++;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') {
      quoted = true;
      openedOn = line;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') {
        i++;
        line++;
      }
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new CsvFormatError(`the quote opened on line ${openedOn} is never closed`);
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/** A cell the export neutralised ('=…, '+…, '-…, '@…) back to its text. */
const cellText = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell).trim();
const lines = (cell: string): string[] =>
  cellText(cell)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
const commas = (cell: string): string[] =>
  cellText(cell)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export type SheetImport =
  | {
      readonly ok: true;
      readonly patches: ReadonlyMap<string, EntryPatch>;
      /** The version each changed entry had when the sheet was exported (to be the version it has still). */
      readonly bases: ReadonlyMap<string, string>;
      readonly changedFields: number;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The changes a sheet makes to the knowledge: only fields that differ, per entry. The whole sheet or nothing: a file
 * that is not proper CSV, a row with more or fewer cells than the header (a shifted row would write cells into the
 * wrong fields), an unknown or repeated entry, or a changed row without its version is refused with every problem.
 */
export function sheetPatches(knowledge: KnowledgeBase, csv: string): SheetImport {
  let rows: string[][];
  try {
    rows = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvFormatError) return { ok: false, problems: [`not a CSV file: ${error.message}`] };
    throw error;
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = SHEET_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    return {
      ok: false,
      problems: [
        `the sheet lacks the column(s) ${missing.join(', ')} (export it again from this page; a sheet saved with ";" between cells is not read)`,
      ],
    };
  const at = (row: readonly string[], column: Column): string => row[header.indexOf(column)] ?? '';
  const entries = new Map(knowledge.entries.map((e) => [e.id, e]));
  const problems: string[] = [];
  const patches = new Map<string, EntryPatch>();
  const bases = new Map<string, string>();
  let changedFields = 0;
  const seen = new Set<string>();
  rows.slice(1).forEach((row, i) => {
    if (row.length !== header.length) {
      problems.push(`row ${i + 2}: ${row.length} cells where the header has ${header.length}`);
      return;
    }
    const id = cellText(at(row, 'id'));
    const entry = entries.get(id);
    if (!entry) {
      problems.push(`row ${i + 2}: no entry "${id.slice(0, 64)}" (a sheet changes entries; it does not add them)`);
      return;
    }
    if (seen.has(id)) problems.push(`row ${i + 2}: entry "${id}" appears twice`);
    seen.add(id);
    const patch = patchOf(entry, row, at);
    const fields = Object.keys(patch).length;
    if (fields === 0) return;
    const version = cellText(at(row, 'version'));
    if (version === '') problems.push(`row ${i + 2}: entry "${id}" is changed but its version cell is empty`);
    patches.set(id, patch);
    bases.set(id, version);
    changedFields += fields;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, patches, bases, changedFields };
}

function patchOf(
  entry: KnowledgeEntry,
  row: readonly string[],
  at: (row: readonly string[], column: Column) => string,
): EntryPatch {
  const text = (column: Column) => cellText(at(row, column));
  const patch: {
    -readonly [K in keyof EntryPatch]: EntryPatch[K];
  } = {};
  if (text('section') !== entry.section) patch.section = text('section');
  const question = { id: text('question_id'), en: text('question_en') };
  if (question.id !== entry.question.id || question.en !== entry.question.en) patch.question = question;
  const alternates = { id: lines(at(row, 'alternates_id')), en: lines(at(row, 'alternates_en')) };
  if (!sameList(alternates.id, entry.alternates.id) || !sameList(alternates.en, entry.alternates.en))
    patch.alternates = alternates;
  const keywords = commas(at(row, 'keywords'));
  if (!sameList(keywords, entry.keywords)) patch.keywords = keywords;
  const answer = { id: text('answer_id'), en: text('answer_en') };
  if (entry.answer && (answer.id !== entry.answer.id || answer.en !== entry.answer.en)) patch.answer = answer;
  const flow = text('flow');
  if (flow !== (entry.flow ?? '')) patch.flow = flow === '' ? null : flow;
  const related = commas(at(row, 'related'));
  if (!sameList(related, entry.related)) patch.related = related;
  return patch;
}
