/**
 * Edits of faq.yaml that keep the admins' file as they wrote it: comments, order, quoting and line breaks.
 *
 * Each change is made on the `yaml` package's Document (so the result is what the Document API says it is), but only
 * the changed node is written back into the original text, at its place, with its indentation; everything else stays
 * byte for byte. The result is parsed again and compared with the Document's own value: if they ever differed, the
 * whole Document is written instead (correct first, tidy second).
 */
import { createHash } from 'node:crypto';
import { Document, isMap, isScalar, isSeq, type Node, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { phrasingKey } from './normalize.ts';
import { LANGS, type Lang } from './types.ts';

/** What an edit may change in one entry; an absent field stays as it is, `flow: null` removes the flow. */
export interface EntryPatch {
  readonly section?: string;
  readonly question?: Partial<Record<Lang, string>>;
  readonly alternates?: Partial<Record<Lang, readonly string[]>>;
  readonly keywords?: readonly string[];
  readonly answer?: Partial<Record<Lang, string>>;
  readonly flow?: string | null;
  readonly related?: readonly string[];
}

export class KnowledgeEditError extends Error {
  override readonly name = 'KnowledgeEditError';
}

/** What an edit was based on has changed since (another admin, a hand edit): the edit is not made. */
export class KnowledgeConflictError extends Error {
  override readonly name = 'KnowledgeConflictError';

  constructor(
    message: string,
    /** The entries changed meanwhile (empty: the file as a whole). */
    readonly entries: readonly string[] = [],
  ) {
    super(message);
  }
}

/** JSON with object keys sorted, so the same data always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(Reflect.get(value, k))}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

let versionsMemo: { readonly source: string; readonly versions: ReadonlyMap<string, string> } | undefined;

/**
 * Each entry's version: a short hash of its data in faq.yaml (not of its formatting or place). A form or a sheet
 * carries the versions it showed, so a save based on an entry someone changed meanwhile is refused, not applied over
 * their change.
 */
export function entryVersions(source: string): ReadonlyMap<string, string> {
  if (versionsMemo?.source === source) return versionsMemo.versions;
  const out = new Map<string, string>();
  const entries = parseDocument(source).get('entries', true);
  if (isSeq(entries))
    for (const item of entries.items) {
      if (!isMap(item)) continue;
      const id = item.get('id');
      if (typeof id === 'string')
        out.set(id, createHash('sha256').update(canonical(item.toJSON())).digest('hex').slice(0, 12));
    }
  versionsMemo = { source, versions: out };
  return out;
}

/** Throws KnowledgeConflictError naming the entries whose version in `source` is not the one expected. */
export function requireEntryVersions(source: string, expected: ReadonlyMap<string, string>): void {
  const now = entryVersions(source);
  const changed = [...expected].filter(([id, version]) => now.get(id) !== version).map(([id]) => id);
  if (changed.length > 0)
    throw new KnowledgeConflictError(
      `changed since it was shown: ${changed.map((id) => `"${id}"`).join(', ')}`,
      changed,
    );
}

/** The file's wrapping width (its folded answers are wrapped at about 120 columns). */
const WIDTH = 120;

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

type Path = readonly (string | number)[];

/** The patch as (path inside the entry, value) pairs; `undefined` value: delete. */
function assignments(patch: EntryPatch): [Path, unknown][] {
  const out: [Path, unknown][] = [];
  if (patch.section !== undefined) out.push([['section'], patch.section]);
  for (const field of ['question', 'answer', 'alternates'] as const) {
    const part = patch[field];
    if (part)
      for (const lang of ['id', 'en'] as const) if (part[lang] !== undefined) out.push([[field, lang], part[lang]]);
  }
  if (patch.keywords !== undefined) out.push([['keywords'], patch.keywords]);
  if (patch.related !== undefined) out.push([['related'], patch.related]);
  if (patch.flow !== undefined) out.push([['flow'], patch.flow ?? undefined]);
  return out;
}

function entryIndex(doc: Document, id: string): number {
  const entries = doc.get('entries', true);
  if (!isSeq(entries)) throw new KnowledgeEditError('the file has no list of entries');
  const index = entries.items.findIndex((item) => isMap(item) && item.get('id') === id);
  if (index < 0) throw new KnowledgeEditError(`no entry "${id}"`);
  return index;
}

/** A new node for `value` in the style of the node it replaces (flow or block list, folded or plain text). */
function styled(doc: Document, old: unknown, value: unknown): Node {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    const reuse = isSeq(old) ? old.items : [];
    for (const item of value) {
      const kept = reuse.find((n) => isScalar(n) && n.value === item);
      seq.items.push(kept ?? doc.createNode(item));
    }
    seq.flow = isSeq(old) ? Boolean(old.flow) : value.every((v) => String(v).length < 30);
    return seq;
  }
  const scalar = new Scalar(value);
  if (isScalar(old) && typeof value === 'string') {
    if (old.type === Scalar.BLOCK_FOLDED || old.type === Scalar.BLOCK_LITERAL) scalar.type = old.type;
    else if (old.type === Scalar.QUOTE_DOUBLE || old.type === Scalar.QUOTE_SINGLE) scalar.type = old.type;
  }
  return scalar;
}

/** The text of `node` as it would stand at `start` in `source`: continuation lines indented to fit there. */
function nodeText(source: string, start: number, node: Node): string {
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const lineIndent = /^ */.exec(source.slice(lineStart))?.[0].length ?? 0;
  // A node that begins its line (a block list) keeps that column; a value after "key: " is indented one step more.
  const indent = start - lineStart === lineIndent ? lineIndent : lineIndent + 2;
  const text = new Document(node)
    .toString({ lineWidth: Math.max(40, WIDTH - indent), flowCollectionPadding: false, indent: 2 })
    .replace(/\n$/, '');
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

/** Where a node's own text ends (its range also holds the white space before the next key). */
function valueEnd(source: string, node: Node): [number, number] | undefined {
  const range = node.range;
  if (!range) return undefined;
  const [start, end] = range;
  return [start, start + source.slice(start, end).trimEnd().length];
}

/**
 * Applies patches (entry id → patch) to faq.yaml's text. Throws KnowledgeEditError for an unknown entry or a file
 * without entries; the result is not validated here (the knowledge service does that before anything is saved).
 */
export function editEntries(source: string, patches: ReadonlyMap<string, EntryPatch>): string {
  const doc = parseDocument(source, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new KnowledgeEditError('the file is not valid YAML; fix it by hand first');
  const splices: Splice[] = [];
  for (const [id, patch] of patches) {
    const index = entryIndex(doc, id);
    const entry = doc.getIn(['entries', index], true);
    if (!isMap(entry)) throw new KnowledgeEditError(`entry "${id}" is not a mapping`);
    const changes = assignments(patch);
    // Changes to existing nodes are spliced one by one; adding or removing a field rewrites the whole entry.
    const local = changes.every(([path, value]) => value !== undefined && entry.getIn(path, true) !== undefined);
    if (local) {
      for (const [path, value] of changes) {
        const old = entry.getIn(path, true);
        const node = styled(doc, old, value);
        const place = isScalar(old) || isSeq(old) || isMap(old) ? valueEnd(source, old) : undefined;
        entry.setIn(path, node);
        if (!place) throw new KnowledgeEditError(`entry "${id}": ${path.join('.')} has no place in the file`);
        splices.push({ start: place[0], end: place[1], text: nodeText(source, place[0], node) });
      }
    } else {
      const place = valueEnd(source, entry);
      for (const [path, value] of changes) {
        if (value === undefined) entry.deleteIn(path);
        else {
          ensureParents(entry, path);
          entry.setIn(path, styled(doc, entry.getIn(path, true), value));
        }
      }
      if (!place) throw new KnowledgeEditError(`entry "${id}" has no place in the file`);
      splices.push({ start: place[0], end: place[1], text: nodeText(source, place[0], entry) });
    }
  }
  let out = source;
  for (const s of [...splices].sort((a, b) => b.start - a.start))
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  const expected = JSON.stringify(doc.toJS());
  const reparsed = parseDocument(out);
  if (reparsed.errors.length === 0 && JSON.stringify(reparsed.toJS()) === expected) return out;
  return doc.toString({ lineWidth: WIDTH, flowCollectionPadding: false });
}

function ensureParents(entry: YAMLMap, path: Path): void {
  for (let i = 1; i < path.length; i++) {
    const parent = path.slice(0, i);
    if (entry.getIn(parent, true) === undefined) entry.setIn(parent, new YAMLMap());
  }
}

/** Adds one phrasing to an entry's alternates in a language (no-op when it is there already, as typed). */
export function addAlternate(source: string, entryId: string, lang: Lang, phrase: string): string {
  const doc = parseDocument(source);
  const index = entryIndex(doc, entryId);
  const list = doc.getIn(['entries', index, 'alternates', lang]);
  const current = isSeq(list) ? list.toJSON().map(String) : [];
  if (current.includes(phrase)) return source;
  return editEntries(source, new Map([[entryId, { alternates: { [lang]: [...current, phrase] } }]]));
}

/**
 * Makes a phrasing one entry's alone (the inbox's one-click actions): adds it to `entryId`'s alternates in `lang`
 * unless that entry says the same words already, and takes every alternate with the same words out of the other
 * entries. Same words as the matcher compares them (toWords: case, punctuation and slang spellings aside): a message
 * that is one entry's phrasing gets that entry, but a phrasing two entries hold decides nothing, so the admin's
 * choice would not be what customers get. Throws KnowledgeEditError when another entry's question says it (a
 * question is not taken away in one click; the admin changes that entry first).
 */
export function moveAlternate(source: string, entryId: string, lang: Lang, phrase: string): string {
  const key = phrasingKey(phrase);
  if (!key) return addAlternate(source, entryId, lang, phrase);
  const doc = parseDocument(source);
  entryIndex(doc, entryId); // an unknown entry is refused
  const entries = doc.get('entries', true);
  const same = (text: unknown): boolean => typeof text === 'string' && phrasingKey(text) === key;
  const patches = new Map<string, EntryPatch>();
  for (const item of isSeq(entries) ? entries.items : []) {
    if (!isMap(item)) continue;
    const id = String(item.get('id'));
    const own = id === entryId;
    const questionSays = LANGS.some((l) => same(item.getIn(['question', l])));
    if (questionSays && !own)
      throw new KnowledgeEditError(`"${phrase}" is the question of entry "${id}": change that entry's question first`);
    const lists = LANGS.map((l) => {
      const list = item.getIn(['alternates', l]);
      return [l, isSeq(list) ? list.toJSON().map(String) : []] as const;
    });
    const alternates: Partial<Record<Lang, readonly string[]>> = {};
    if (own && !questionSays && !lists.some(([, texts]) => texts.some(same)))
      alternates[lang] = [...(lists.find(([l]) => l === lang)?.[1] ?? []), phrase];
    if (!own) for (const [l, texts] of lists) if (texts.some(same)) alternates[l] = texts.filter((t) => !same(t));
    if (Object.keys(alternates).length > 0) patches.set(id, { alternates });
  }
  return patches.size === 0 ? source : editEntries(source, patches);
}
