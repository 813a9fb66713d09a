/**
 * Records what went wrong in real conversations for the admins' inbox, and counts every turn for the analytics.
 * It is told about turns by the conversation layer (through its observer hooks) and keeps nothing that identifies a
 * customer: no conversation or user id, the hour only, the question masked like the logs. Writes are batched (a turn
 * never waits for the disk): the inbox every few seconds, the counts every minute, both on flush() and at close.
 */
import { randomUUID } from 'node:crypto';
import type { Lang } from '../knowledge/types.ts';
import type { DailyStatsRecorder } from './dailyStats.ts';
import type { Clock, RequestStore, Transaction } from './ports.ts';
import type { InboxKind, InboxRecord } from './records.ts';
import { redact } from './redact.ts';
import { hourOf } from './time.ts';

/** The facts of a reply the recorder reads (the conversation layer's ReplyMeta has this shape). */
export interface ReplyFacts {
  readonly kind: string;
  readonly lang: Lang;
  readonly entryId?: string;
  readonly candidates?: readonly string[];
}

/** The newest this many records are kept, so a flood cannot grow the store without end. */
export const INBOX_MAX_RECORDS = 20_000;
const QUESTION_MAX = 300;
/**
 * A choice whose record is not stored yet (the "did you mean" was shown by another instance, whose batch is not
 * written yet) is tried again at this many of the next writes, and at most this many such choices wait.
 */
const CHOICE_TRIES = 5;
const MAX_UNLINKED = 1000;
/** The reply kinds that go to the inbox: nothing answered, a "did you mean", an honest "not in the statement". */
const isInboxReply = (kind: string): kind is Extract<InboxKind, 'none' | 'suggest' | 'offtopic'> =>
  kind === 'none' || kind === 'suggest' || kind === 'offtopic';

export interface InboxRecorderDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  readonly stats?: DailyStatsRecorder;
  /** Batched writes wait at most this long (default 2 s); 0: only on flush(). */
  readonly flushMs?: number;
  readonly onError?: (error: unknown) => void;
}

export class InboxRecorder {
  #pending: InboxRecord[] = [];
  #unlinked: { readonly id: string; readonly choice: string; readonly tries: number }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: InboxRecorderDeps) {}

  /**
   * A reply to a customer's message, counted; a typed one that went wrong is kept for the inbox (a click was already
   * reported as the choice it was). For a "did you mean", returns the id to report the choice that followed with.
   */
  replied(meta: ReplyFacts, question: string, clicked = false): string | undefined {
    this.deps.stats?.reply(meta.kind, meta.lang, meta.entryId);
    const kind = meta.kind;
    if (clicked || !isInboxReply(kind) || question.trim() === '') return undefined;
    return this.#add({
      kind,
      lang: meta.lang,
      question,
      ...(kind === 'offtopic' && meta.entryId ? { entryId: meta.entryId } : {}),
      ...(kind === 'suggest' && meta.candidates ? { offered: meta.candidates.slice(0, 3) } : {}),
    });
  }

  /**
   * What the customer clicked after a "did you mean" (an offered entry or `none-of-these`). The click may come to
   * another instance than the one that showed it: then the record may still wait in that instance's batch, and the
   * choice is set once the record is stored.
   */
  suggestionFollowed(id: string, choice: string): void {
    const pending = this.#pending.findIndex((r) => r.id === id);
    const record = this.#pending[pending];
    if (record) {
      this.#pending[pending] = { ...record, choice };
      return;
    }
    this.#setChoice(id, choice, 1);
  }

  /** A recorded vote; 👎 goes to the inbox with the answer voted down and the question that got it. */
  voted(
    vote: { readonly entryId: string; readonly vote: 'up' | 'down'; readonly lang: Lang },
    question?: string,
  ): void {
    this.deps.stats?.vote(vote.entryId, vote.vote);
    if (vote.vote === 'down')
      this.#add({ kind: 'downvote', lang: vote.lang, entryId: vote.entryId, ...(question ? { question } : {}) });
  }

  flowStarted(flow: string, _lang: Lang): void {
    this.deps.stats?.flow(flow, 'started');
  }

  flowCompleted(flow: string, _lang?: Lang): void {
    this.deps.stats?.flow(flow, 'completed');
  }

  flowCancelled(flow: string, step: string, lang: Lang): void {
    this.deps.stats?.flow(flow, 'cancelled', step);
    this.#add({ kind: 'cancelled', lang, flow, step });
  }

  /** A message in the middle of a flow that was not the step's answer: a question (answered or not). */
  askedInFlow(flow: string, step: string, question: string, lang: Lang, answeredEntry?: string): void {
    this.#add({ kind: 'midflow', lang, flow, step, question, ...(answeredEntry ? { entryId: answeredEntry } : {}) });
  }

  /** Writes what is waiting (inbox records and counts). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length > 0) this.#write((tx) => tx.inbox.add(batch, INBOX_MAX_RECORDS));
    const unlinked = this.#unlinked;
    this.#unlinked = [];
    for (const { id, choice, tries } of unlinked) this.#setChoice(id, choice, tries + 1);
    await this.#writing;
    await this.deps.stats?.flush();
  }

  #add(fields: Omit<InboxRecord, 'id' | 'at' | 'question'> & { readonly question?: string }): string {
    const { question, ...rest } = fields;
    const masked =
      question === undefined ? undefined : redact(question.replace(/\s+/g, ' ').trim()).slice(0, QUESTION_MAX);
    const record: InboxRecord = {
      ...rest,
      id: randomUUID(),
      at: hourOf(this.deps.now()),
      ...(masked ? { question: masked } : {}),
    };
    this.#pending.push(record);
    this.#schedule();
    return record.id;
  }

  #schedule(): void {
    const wait = this.deps.flushMs ?? 2000;
    if (wait > 0 && !this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), wait);
      this.#timer.unref?.();
    }
  }

  /** Sets a choice; when its record is not stored (yet), tries again at the next flush, CHOICE_TRIES times at most. */
  #setChoice(id: string, choice: string, tries: number): void {
    this.#write(
      (tx) => tx.inbox.setChoice(id, choice),
      (found) => {
        if (found || tries >= CHOICE_TRIES || this.#unlinked.length >= MAX_UNLINKED) return;
        this.#unlinked.push({ id, choice, tries });
        this.#schedule();
      },
    );
  }

  #write<T>(work: (tx: Transaction) => Promise<T>, then?: (result: T) => void): void {
    this.#writing = this.#writing
      .then(() => this.deps.store.transaction(work))
      .then(
        (result) => then?.(result),
        (error: unknown) => this.deps.onError?.(error),
      );
  }
}
