/**
 * The admins' inbox: what customers asked and did not get, grouped by meaning (the same normalised words), with
 * counts, first and last seen, languages and the matcher's guesses, most frequent first. Each group is resolved in
 * one action: its question added as an alternate to an entry (a policy entry, or an off-topic one to mark it out of
 * scope; taken out of any other entry that says the same words, so that the matcher's exact-phrasing rule gives it
 * that entry), or ignored; the group's records are then removed. Adding is a knowledge change like any other (checked,
 * guarded, kept, audited, served at once).
 */
import type { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { phrasingKey } from '../knowledge/normalize.ts';
import type { Lang } from '../knowledge/types.ts';
import { moveAlternate } from '../knowledge/yamlEdit.ts';
import { type AuditActor, appendAudit } from './audit.ts';
import { toCsv } from './csv.ts';
import type { InboxRecorder } from './inboxRecorder.ts';
import type { ChangeOutcome, KnowledgeEditor } from './knowledgeEditor.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { InboxKind, InboxRecord } from './records.ts';

export interface InboxGroup {
  /** The normalised words the group's questions share (`flow:<name>:<step>` for cancelled flows). */
  readonly key: string;
  /** The most frequent wording (masked), the one an action adds. */
  readonly question: string;
  /** Other wordings, most frequent first (at most 5). */
  readonly variants: readonly string[];
  readonly count: number;
  readonly kinds: Readonly<Partial<Record<InboxKind, number>>>;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly langs: Readonly<Partial<Record<Lang, number>>>;
  /** The language most of its questions were in (where an alternate goes). */
  readonly lang: Lang;
  /** Answers voted down, and what customers clicked after a "did you mean" (`none-of-these`, `(nothing)`). */
  readonly downvoted: Readonly<Record<string, number>>;
  readonly choices: Readonly<Record<string, number>>;
  readonly flow?: string;
  readonly step?: string;
  /** The matcher's best policy entries for the question now (pre-selected: the first) and best off-topic entry. */
  readonly guesses: readonly { readonly entryId: string; readonly score: number }[];
  readonly offtopicGuess?: string;
  readonly ids: readonly string[];
}

export type InboxAction =
  | { readonly action: 'alternate'; readonly entryId: string; readonly confirmDrop?: boolean }
  | { readonly action: 'out-of-scope'; readonly entryId: string; readonly confirmDrop?: boolean }
  | { readonly action: 'ignore' };

type Guesses = Pick<InboxGroup, 'guesses' | 'offtopicGuess'>;
interface Memo {
  readonly version: string;
  readonly keys: Map<string, string>;
  readonly guesses: Map<string, Guesses>;
}

/** Questions remembered per knowledge version (a little above the most records kept). */
const MEMO_MAX = 25_000;

export type InboxActionOutcome = ChangeOutcome | { readonly status: 'ignored' } | { readonly status: 'no-group' };

const count = <K extends string>(map: Partial<Record<K, number>>, key: K): void => {
  map[key] = (map[key] ?? 0) + 1;
};

export class Inbox {
  constructor(
    private readonly deps: {
      readonly store: RequestStore;
      readonly recorder: InboxRecorder;
      readonly knowledge: KnowledgeService;
      readonly editor: KnowledgeEditor;
      readonly now: Clock;
    },
  ) {}

  /** The groups, most frequent first (ties: most recent first). */
  async groups(): Promise<InboxGroup[]> {
    await this.deps.recorder.flush();
    const records = await this.deps.store.transaction((tx) => tx.inbox.list());
    return this.group(records);
  }

  /**
   * Groups records by their normalised words under the knowledge now serving. An off-topic reply to a question that
   * is one of that off-topic entry's own phrasings is what an admin decided: not shown.
   */
  group(records: readonly InboxRecord[]): InboxGroup[] {
    const decided = this.#outOfScopeKeys();
    const byKey = new Map<string, InboxRecord[]>();
    for (const r of records) {
      const key = r.question === undefined ? `flow:${r.flow ?? '?'}:${r.step ?? '?'}` : this.keyOf(r.question);
      if (r.kind === 'offtopic' && decided.has(`${r.entryId}\u0000${key}`)) continue;
      const list = byKey.get(key);
      if (list) list.push(r);
      else byKey.set(key, [r]);
    }
    const groups = [...byKey].map(([key, list]): InboxGroup => {
      const texts = new Map<string, number>();
      const kinds: Partial<Record<InboxKind, number>> = {};
      const langs: Partial<Record<Lang, number>> = {};
      const downvoted: Record<string, number> = {};
      const choices: Record<string, number> = {};
      for (const r of list) {
        if (r.question !== undefined) texts.set(r.question, (texts.get(r.question) ?? 0) + 1);
        count(kinds, r.kind);
        count(langs, r.lang);
        if (r.kind === 'downvote' && r.entryId) count(downvoted, r.entryId);
        if (r.kind === 'suggest') count(choices, r.choice ?? '(nothing)');
      }
      const wordings = [...texts].sort((a, b) => b[1] - a[1]).map(([t]) => t);
      const question = wordings[0] ?? '';
      const { guesses, offtopicGuess } = question ? this.#guessesOf(question) : { guesses: [] };
      const first = list[0] as InboxRecord;
      const flowRecord = list.find((r) => r.flow);
      return {
        key,
        question,
        variants: wordings.slice(1, 6),
        count: list.length,
        kinds,
        firstSeen: list.map((r) => r.at).sort()[0] ?? first.at,
        lastSeen:
          list
            .map((r) => r.at)
            .sort()
            .at(-1) ?? first.at,
        langs,
        lang: (langs.en ?? 0) > (langs.id ?? 0) ? 'en' : 'id',
        downvoted,
        choices,
        ...(flowRecord?.flow ? { flow: flowRecord.flow } : {}),
        ...(flowRecord?.step ? { step: flowRecord.step } : {}),
        guesses,
        ...(offtopicGuess ? { offtopicGuess } : {}),
        ids: list.map((r) => r.id),
      };
    });
    return groups.sort((a, b) => b.count - a.count || (a.lastSeen > b.lastSeen ? -1 : 1));
  }

  #decided: { version: string; keys: Set<string> } | undefined;

  /** `<off-topic entry id>\0<key>` of every phrasing of the off-topic entries (cached per knowledge version). */
  #outOfScopeKeys(): Set<string> {
    const version = this.deps.knowledge.status.version;
    if (this.#decided?.version === version) return this.#decided.keys;
    const keys = new Set<string>();
    for (const e of this.deps.knowledge.knowledge.entries)
      if (e.kind === 'offtopic')
        for (const text of [...e.alternates.id, ...e.alternates.en]) keys.add(`${e.id}\u0000${this.keyOf(text)}`);
    this.#decided = { version, keys };
    return keys;
  }

  /**
   * What the matcher made of each stored question under the knowledge serving now, remembered until it changes: the
   * inbox keeps up to 20,000 records, and grouping them all again on every page view took over a second.
   */
  #memo: Memo | undefined;

  #remembered(): Memo {
    const version = this.deps.knowledge.status.version;
    if (this.#memo?.version !== version || this.#memo.keys.size > MEMO_MAX)
      this.#memo = { version, keys: new Map(), guesses: new Map() };
    return this.#memo;
  }

  /** The group key of a question: its normalised tokens (typo-corrected), sorted, each once. */
  keyOf(question: string): string {
    const memo = this.#remembered();
    const known = memo.keys.get(question);
    if (known !== undefined) return known;
    const tokens = this.deps.knowledge.matcher.match(question).tokens;
    const key = [...new Set(tokens)].sort().join(' ') || question.toLowerCase().replace(/\s+/g, ' ').trim();
    memo.keys.set(question, key);
    return key;
  }

  /** The matcher's best policy entries for a question and its best off-topic entry. */
  #guessesOf(question: string): Guesses {
    const memo = this.#remembered();
    const known = memo.guesses.get(question);
    if (known) return known;
    const ranked = this.deps.knowledge.matcher.rankAll(question);
    const offtopic = ranked.find((c) => c.entry.kind === 'offtopic');
    const guesses: Guesses = {
      guesses: ranked
        .filter((c) => c.entry.kind === 'policy')
        .slice(0, 3)
        .map((c) => ({ entryId: c.entry.id, score: Math.round(c.score * 1000) / 1000 })),
      ...(offtopic ? { offtopicGuess: offtopic.entry.id } : {}),
    };
    memo.guesses.set(question, guesses);
    return guesses;
  }

  /**
   * Resolves a group: its question becomes an alternate of `entryId` (which must be a policy entry for
   * `alternate` and an off-topic one for `out-of-scope`), or the group is ignored. The group's records are removed
   * once the change is saved; a change refused or waiting for a confirmation leaves them.
   */
  async act(actor: `staff:${string}`, key: string, action: InboxAction): Promise<InboxActionOutcome> {
    const group = (await this.groups()).find((g) => g.key === key);
    if (!group) return { status: 'no-group' };
    if (action.action === 'ignore') {
      await this.deps.store.transaction(async (tx) => {
        await tx.inbox.remove(group.ids);
        await appendAudit(
          tx,
          { actor, action: 'inbox.ignored', target: key.slice(0, 200), details: { records: String(group.ids.length) } },
          this.deps.now(),
        );
      });
      return { status: 'ignored' };
    }
    const entry = this.deps.knowledge.knowledge.entries.find((e) => e.id === action.entryId);
    const wanted = action.action === 'alternate' ? 'policy' : 'offtopic';
    if (!entry || entry.kind !== wanted || !group.question)
      return { status: 'refused', reason: `"${action.entryId}" is not a ${wanted} entry` };
    // The question becomes this entry's alone: the same words in another entry would leave the matcher undecided.
    const phrasing = phrasingKey(group.question);
    const from = this.deps.knowledge.knowledge.entries
      .filter((e) => e !== entry && [...e.alternates.id, ...e.alternates.en].some((t) => phrasingKey(t) === phrasing))
      .map((e) => e.id);
    const moved = from.length > 0 ? ` (taken from ${from.join(', ')})` : '';
    const outcome = await this.deps.editor.change({
      actor,
      summary:
        action.action === 'alternate'
          ? `inbox: "${group.question}" added as an alternate of ${entry.id}${moved}`
          : `inbox: "${group.question}" marked out of scope (${entry.id})${moved}`,
      target: entry.id,
      edit: (text) => moveAlternate(text, entry.id, group.lang, group.question),
      ...(action.confirmDrop ? { confirmDrop: true } : {}),
    });
    if (outcome.status === 'saved' || outcome.status === 'unchanged')
      await this.deps.store.transaction((tx) => tx.inbox.remove(group.ids));
    return outcome;
  }

  /** The inbox as CSV (one row per group), audited as an export. */
  async csv(actor: AuditActor): Promise<string> {
    const groups = await this.groups();
    await this.deps.store.transaction((tx) =>
      appendAudit(tx, { actor, action: 'export.inbox', details: { rows: String(groups.length) } }, this.deps.now()),
    );
    return toCsv(
      [
        'question',
        'count',
        'kinds',
        'first_seen',
        'last_seen',
        'languages',
        'best_guess',
        'voted_down',
        'clicked',
        'flow_step',
        'variants',
      ],
      groups.map((g) => [
        g.question,
        g.count,
        Object.entries(g.kinds)
          .map(([k, n]) => `${k}:${n}`)
          .join(' '),
        g.firstSeen,
        g.lastSeen,
        Object.entries(g.langs)
          .map(([k, n]) => `${k}:${n}`)
          .join(' '),
        g.guesses[0]?.entryId,
        Object.entries(g.downvoted)
          .map(([k, n]) => `${k}:${n}`)
          .join(' '),
        Object.entries(g.choices)
          .map(([k, n]) => `${k}:${n}`)
          .join(' '),
        g.flow ? `${g.flow}:${g.step ?? ''}` : undefined,
        g.variants.join(' | '),
      ]),
    );
  }
}
