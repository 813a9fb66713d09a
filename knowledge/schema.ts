import { type FlowName, type KnowledgeBase, type KnowledgeEntry, LANGS, type Lang } from './types.ts';

/** One problem in the knowledge file, precise enough for an admin to fix it without reading code. */
export interface KnowledgeIssue {
  readonly entry?: string;
  readonly field: string;
  readonly message: string;
}

export class KnowledgeValidationError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly KnowledgeIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem(s) in the knowledge file:\n` +
        issues.map((i) => `  - ${i.entry ? `entry ${i.entry}, ` : ''}field "${i.field}": ${i.message}`).join('\n'),
    );
    this.name = 'KnowledgeValidationError';
  }
}

const ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
const MAX_TEXT = 4000;

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface KnowledgeOptions {
  /** The conversations an entry may offer (`flow:`); without it any id-shaped name passes (tools, tests). */
  readonly flows?: readonly FlowName[];
}

/**
 * Checks the parsed YAML document and turns it into a typed knowledge base.
 * Collects every problem instead of stopping at the first, so one run tells the admin everything to fix.
 */
export function validateKnowledge(doc: unknown, file: string, options: KnowledgeOptions = {}): KnowledgeBase {
  const issues: KnowledgeIssue[] = [];
  if (!isRecord(doc))
    throw new KnowledgeValidationError(file, [{ field: '(document)', message: 'must be a mapping with "entries"' }]);

  const version = doc.version ?? 1;
  if (version !== 1)
    issues.push({ field: 'version', message: `unsupported version ${JSON.stringify(version)} (expected 1)` });

  const synonyms = validateSynonyms(doc.synonyms, issues);

  const entries: KnowledgeEntry[] = [];
  if (!Array.isArray(doc.entries) || doc.entries.length === 0) {
    issues.push({ field: 'entries', message: 'must be a non-empty list' });
  } else {
    doc.entries.forEach((raw, index) => {
      const entry = validateEntry(raw, index, issues, options);
      if (entry) entries.push(entry);
    });
  }

  // Ids of every entry, valid or not, so an error in one entry does not also show up in those that name it.
  const allIds = new Set(
    (Array.isArray(doc.entries) ? doc.entries : []).flatMap((e) =>
      isRecord(e) && typeof e.id === 'string' ? [e.id] : [],
    ),
  );
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) issues.push({ entry: e.id, field: 'id', message: 'is used by more than one entry' });
    ids.add(e.id);
  }
  for (const e of entries) {
    for (const r of e.related) {
      if (!allIds.has(r)) issues.push({ entry: e.id, field: 'related', message: `names unknown entry "${r}"` });
      if (r === e.id) issues.push({ entry: e.id, field: 'related', message: 'must not name the entry itself' });
    }
  }
  if (!entries.some((e) => e.kind === 'policy') && entries.length > 0)
    issues.push({ field: 'entries', message: 'needs at least one entry of kind "policy"' });

  if (issues.length > 0) throw new KnowledgeValidationError(file, issues);
  return { version: 1, synonyms, entries };
}

function validateSynonyms(raw: unknown, issues: KnowledgeIssue[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    issues.push({ field: 'synonyms', message: 'must be a mapping of word → list of variants' });
    return out;
  }
  for (const [canonical, variants] of Object.entries(raw)) {
    const list = stringList(variants, `synonyms.${canonical}`, undefined, issues, { min: 1 });
    if (list && canonical.trim()) out.set(canonical.trim(), list);
  }
  return out;
}

function validateEntry(
  raw: unknown,
  index: number,
  issues: KnowledgeIssue[],
  options: KnowledgeOptions,
): KnowledgeEntry | undefined {
  if (!isRecord(raw)) {
    issues.push({ entry: `#${index + 1}`, field: '(entry)', message: 'must be a mapping' });
    return undefined;
  }
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  const label = id && ID_PATTERN.test(id) ? `"${id}" (#${index + 1})` : `#${index + 1}`;
  const before = issues.length;
  if (!id || !ID_PATTERN.test(id))
    issues.push({
      entry: label,
      field: 'id',
      message: 'must be lowercase letters, digits, "-" or "_", starting with a letter',
    });

  const kind = raw.kind ?? 'policy';
  if (kind !== 'policy' && kind !== 'offtopic')
    issues.push({
      entry: label,
      field: 'kind',
      message: `must be "policy" or "offtopic", not ${JSON.stringify(kind)}`,
    });

  const section = text(raw.section, 'section', label, issues);
  const question = bilingual(raw.question, 'question', label, issues);
  const alternates = alternatesOf(raw.alternates, label, issues);
  const keywords = raw.keywords === undefined ? [] : stringList(raw.keywords, 'keywords', label, issues, { min: 0 });
  const answer =
    raw.answer === undefined && kind === 'offtopic' ? undefined : bilingual(raw.answer, 'answer', label, issues);

  let flow: FlowName | undefined;
  if (raw.flow !== undefined) {
    const known = options.flows;
    if (typeof raw.flow === 'string' && (known ? known.includes(raw.flow) : ID_PATTERN.test(raw.flow))) flow = raw.flow;
    else
      issues.push({
        entry: label,
        field: 'flow',
        message: known ? `must be one of ${known.join(', ')}` : 'must be a conversation name',
      });
  }
  const related = raw.related === undefined ? [] : stringList(raw.related, 'related', label, issues, { min: 0 });
  const cues = raw.cues === undefined ? [] : stringList(raw.cues, 'cues', label, issues, { min: 0 });
  if (cues && cues.length > 0 && kind !== 'offtopic')
    issues.push({ entry: label, field: 'cues', message: 'only off-topic entries have cues' });

  const known = new Set([
    'id',
    'kind',
    'section',
    'question',
    'alternates',
    'keywords',
    'cues',
    'answer',
    'flow',
    'related',
  ]);
  for (const key of Object.keys(raw))
    if (!known.has(key)) issues.push({ entry: label, field: key, message: 'is not a known field (typo?)' });

  if (issues.length > before || !id || !section || !question || !alternates || !keywords || !related || !cues)
    return undefined;
  return {
    id,
    kind: kind === 'offtopic' ? 'offtopic' : 'policy',
    section,
    question,
    alternates,
    keywords,
    ...(cues.length > 0 ? { cues } : {}),
    ...(answer ? { answer } : {}),
    ...(flow ? { flow } : {}),
    related,
  };
}

function text(value: unknown, field: string, entry: string, issues: KnowledgeIssue[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ entry, field, message: 'must be a non-empty text' });
    return undefined;
  }
  if (value.length > MAX_TEXT) {
    issues.push({ entry, field, message: `is longer than ${MAX_TEXT} characters` });
    return undefined;
  }
  return value.trim();
}

function bilingual(
  value: unknown,
  field: string,
  entry: string,
  issues: KnowledgeIssue[],
): Record<Lang, string> | undefined {
  if (!isRecord(value)) {
    issues.push({ entry, field, message: 'must have an "id" (Indonesian) and an "en" (English) text' });
    return undefined;
  }
  const id = text(value.id, `${field}.id`, entry, issues);
  const en = text(value.en, `${field}.en`, entry, issues);
  return id && en ? { id, en } : undefined;
}

function alternatesOf(
  value: unknown,
  entry: string,
  issues: KnowledgeIssue[],
): Record<Lang, readonly string[]> | undefined {
  if (!isRecord(value)) {
    issues.push({ entry, field: 'alternates', message: 'must have "id" and "en" lists of phrasings' });
    return undefined;
  }
  const out: Partial<Record<Lang, readonly string[]>> = {};
  for (const lang of LANGS) {
    const list =
      value[lang] === undefined ? [] : stringList(value[lang], `alternates.${lang}`, entry, issues, { min: 0 });
    if (!list) return undefined;
    out[lang] = list;
  }
  for (const key of Object.keys(value))
    if (!(LANGS as readonly string[]).includes(key))
      issues.push({ entry, field: `alternates.${key}`, message: 'unknown language (use "id" or "en")' });
  const { id, en } = out;
  return id && en ? { id, en } : undefined;
}

function stringList(
  value: unknown,
  field: string,
  entry: string | undefined,
  issues: KnowledgeIssue[],
  { min }: { min: number },
): string[] | undefined {
  if (!Array.isArray(value)) {
    issues.push({ ...(entry ? { entry } : {}), field, message: 'must be a list' });
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    // YAML turns bare numbers (e.g. 18) into numbers: accept them as text.
    const s = typeof item === 'number' ? String(item) : item;
    if (typeof s !== 'string' || s.trim() === '' || s.length > MAX_TEXT)
      issues.push({ ...(entry ? { entry } : {}), field: `${field}[${i}]`, message: 'must be a non-empty text' });
    else out.push(s.trim());
  });
  if (out.length < min) issues.push({ ...(entry ? { entry } : {}), field, message: `needs at least ${min} item(s)` });
  return out.length === value.length ? out : undefined;
}
