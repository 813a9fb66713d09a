/**
 * The analytics' daily counts (WIB days): replies by kind, answers per entry, votes per entry, languages, and each
 * flow's funnel. Counted in memory as turns happen and merged into the stored day every minute (and on flush), so a
 * turn never waits for the disk; a crash loses at most the last minute of counts. Never a message, only numbers.
 */
import type { Lang } from '../knowledge/types.ts';
import { toCsv } from './csv.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { DailyStatsRecord, FlowFunnel } from './records.ts';
import { weekStart, wibDay } from './time.ts';

type Counts = Record<string, number>;

interface MutableDay {
  replies: Counts;
  entries: Counts;
  votes: Record<string, { up: number; down: number }>;
  langs: Counts;
  flows: Record<string, { started: number; completed: number; cancelled: Counts }>;
}

const emptyDay = (): MutableDay => ({ replies: {}, entries: {}, votes: {}, langs: {}, flows: {} });
const bump = (counts: Counts, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

/** The record under `key`, made with `make` when there is none yet. */
function slot<T>(map: Record<string, T>, key: string, make: () => T): T {
  const existing = map[key];
  if (existing !== undefined) return existing;
  const made = make();
  map[key] = made;
  return made;
}
const noVotes = () => ({ up: 0, down: 0 });
const noFunnel = () => ({ started: 0, completed: 0, cancelled: {} });

/** Kinds of reply that answer a customer's question (the rates are over these). */
export const QUESTION_KINDS = ['answer', 'suggest', 'none', 'offtopic'] as const;

function merge(into: DailyStatsRecord | undefined, day: string, add: MutableDay): DailyStatsRecord {
  const out: MutableDay = into ? structuredClone({ ...emptyDay(), ...into }) : emptyDay();
  for (const [k, n] of Object.entries(add.replies)) bump(out.replies, k, n);
  for (const [k, n] of Object.entries(add.entries)) bump(out.entries, k, n);
  for (const [k, n] of Object.entries(add.langs)) bump(out.langs, k, n);
  for (const [k, v] of Object.entries(add.votes)) {
    const to = slot(out.votes, k, noVotes);
    to.up += v.up;
    to.down += v.down;
  }
  for (const [k, f] of Object.entries(add.flows)) {
    const to = slot(out.flows, k, noFunnel);
    to.started += f.started;
    to.completed += f.completed;
    for (const [step, n] of Object.entries(f.cancelled)) bump(to.cancelled, step, n);
  }
  return { day, ...out };
}

export class DailyStatsRecorder {
  #days = new Map<string, MutableDay>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      readonly store: RequestStore;
      readonly now: Clock;
      readonly onError?: (error: unknown) => void;
    },
  ) {}

  /** Merges counts into the store every `ms` (the timer does not keep the process alive). */
  start(ms = 60_000): void {
    this.#timer = setInterval(() => void this.flush(), ms);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  reply(kind: string, lang: Lang, entryId?: string): void {
    const day = this.#today();
    bump(day.replies, kind);
    bump(day.langs, lang);
    if (kind === 'answer' && entryId) bump(day.entries, entryId);
  }

  vote(entryId: string, vote: 'up' | 'down'): void {
    const votes = slot(this.#today().votes, entryId, noVotes);
    votes[vote] += 1;
  }

  flow(flow: string, event: 'started' | 'completed' | 'cancelled', step = 'unknown'): void {
    const day = this.#today();
    const funnel = slot(day.flows, flow, noFunnel);
    if (event === 'cancelled') bump(funnel.cancelled, step);
    else funnel[event] += 1;
  }

  /** Merges what was counted into the stored days. */
  flush(): Promise<void> {
    const days = this.#days;
    this.#days = new Map();
    if (days.size > 0)
      this.#writing = this.#writing
        .then(() =>
          this.deps.store.transaction(async (tx) => {
            for (const [day, counts] of days) await tx.dailyStats.put(merge(await tx.dailyStats.get(day), day, counts));
          }),
        )
        .catch((error: unknown) => this.deps.onError?.(error));
    return this.#writing;
  }

  #today(): MutableDay {
    const key = wibDay(this.deps.now());
    let day = this.#days.get(key);
    if (!day) {
      day = emptyDay();
      this.#days.set(key, day);
    }
    return day;
  }
}

/** Counts of a period (a day or a week), with the rates the charts show. */
export interface PeriodStats extends DailyStatsRecord {
  /** Replies to questions (answer + suggest + none + offtopic). */
  readonly questions: number;
  readonly rates: Readonly<Record<(typeof QUESTION_KINDS)[number], number>>;
  /** Most answered entries, most first. */
  readonly topEntries: readonly { readonly entryId: string; readonly count: number }[];
}

function withRates(record: DailyStatsRecord): PeriodStats {
  const questions = QUESTION_KINDS.reduce((sum, k) => sum + (record.replies[k] ?? 0), 0);
  const rate = (k: string) => (questions === 0 ? 0 : (record.replies[k] ?? 0) / questions);
  return {
    ...record,
    questions,
    rates: { answer: rate('answer'), suggest: rate('suggest'), none: rate('none'), offtopic: rate('offtopic') },
    topEntries: Object.entries(record.entries)
      .map(([entryId, count]) => ({ entryId, count }))
      .sort((a, b) => b.count - a.count || (a.entryId < b.entryId ? -1 : 1))
      .slice(0, 10),
  };
}

/** The analytics report: days (every day of the range, zeros included) or weeks (Monday to Sunday, WIB). */
export async function statsReport(
  store: RequestStore,
  range: { readonly from: string; readonly to: string },
  by: 'day' | 'week',
): Promise<PeriodStats[]> {
  const stored = await store.transaction((tx) => tx.dailyStats.list(range.from, range.to));
  const byDay = new Map(stored.map((d) => [d.day, d]));
  const periods = new Map<string, DailyStatsRecord>();
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const key = by === 'day' ? day : weekStart(day);
    const record = byDay.get(day);
    const add = record ? { ...emptyDay(), ...record } : emptyDay();
    periods.set(key, merge(periods.get(key), key, add));
  }
  return [...periods.values()].map(withRates);
}

/** The report as CSV: one row per period and flow (flow columns empty on the period's own row). */
export function statsCsv(periods: readonly PeriodStats[]): string {
  const rows = periods.flatMap((p) => {
    const up = Object.values(p.votes).reduce((s, v) => s + v.up, 0);
    const down = Object.values(p.votes).reduce((s, v) => s + v.down, 0);
    const own = [
      p.day,
      p.questions,
      p.replies.answer ?? 0,
      p.replies.suggest ?? 0,
      p.replies.none ?? 0,
      p.replies.offtopic ?? 0,
      p.langs.id ?? 0,
      p.langs.en ?? 0,
      up,
      down,
      p.topEntries.map((e) => `${e.entryId}:${e.count}`).join(' '),
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ];
    const flows = Object.entries(p.flows).map(([name, f]: [string, FlowFunnel]) => [
      p.day,
      ...new Array<undefined>(10).fill(undefined),
      name,
      f.started,
      f.completed,
      Object.values(f.cancelled).reduce((s, n) => s + n, 0),
      Object.entries(f.cancelled)
        .map(([step, n]) => `${step}:${n}`)
        .join(' '),
    ]);
    return [own, ...flows];
  });
  return toCsv(
    [
      'period',
      'questions',
      'answered',
      'did_you_mean',
      'no_answer',
      'off_topic',
      'lang_id',
      'lang_en',
      'votes_up',
      'votes_down',
      'top_entries',
      'flow',
      'flow_started',
      'flow_completed',
      'flow_cancelled',
      'cancelled_at_step',
    ],
    rows,
  );
}
