/**
 * Matcher latency: the real knowledge file with the labelled customer questions, and a synthetic 2,000-entry file.
 *
 * Two numbers per knowledge base, because the matcher caches (stems, typo corrections and, where it has one, results of
 * questions asked before):
 * - first-seen: each question once on a freshly built matcher (after JIT warm-up on other matchers/questions). Typos
 *   are mostly unique in real traffic, so this is what a new message costs.
 * - repeat: the same questions again, everything cached: the floor.
 */

import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildMatcher } from '../knowledge/build.ts';
import { readLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import type { Matcher } from '../knowledge/matcher.ts';
import { cpuSnapshot, otherCores, Samples, type Summary, summarize } from './stats.ts';
import { type QueryKind, type SyntheticQuery, syntheticKnowledge, syntheticQueries } from './syntheticKnowledge.ts';

export interface MatcherCaseResult {
  readonly name: string;
  readonly entries: number;
  /** Distinct questions measured. */
  readonly questions: number;
  readonly sources: readonly string[];
  /** Milliseconds. */
  readonly timings: {
    readonly parseMs?: number;
    readonly generateMs?: number;
    /** First build in this process (includes JIT warm-up of the build code and the stemmer dictionary). */
    readonly firstBuildMs: number;
    /** Median of later builds, when there are any (what a reload costs). */
    readonly rebuildMs?: number;
  };
  /** Microseconds per match() call. */
  readonly firstSeen: Summary;
  /**
   * CPU microseconds per first-seen match() call (process.cpuUsage around each call): unlike the wall time, not
   * lengthened while other processes hold the core, so its median tells a slower matcher from a busy machine. It
   * counts all of the process's threads, so its tail also holds V8's background work (GC marking, compiling).
   */
  readonly firstSeenCpu: Summary;
  readonly repeat: Summary;
  /** Microseconds, first-seen, per kind of synthetic question. */
  readonly byKind?: Readonly<Partial<Record<QueryKind, Summary>>>;
  /** Entries scored per question (mean of rankAll() sizes): the work rank() does. */
  readonly scoredPerQuestion: number;
  /** Cores' worth of CPU used by other processes while measuring (noise indicator; ~0 on a quiet machine). */
  readonly otherCores: number;
  readonly targetP99Us: number;
}

/** Runs the measured passes and reports how busy the rest of the machine was meanwhile. */
function whileMeasuring(run: () => void): number {
  const cpu = process.cpuUsage();
  const before = cpuSnapshot();
  run();
  const own = process.cpuUsage(cpu);
  return otherCores(before, cpuSnapshot(), (own.user + own.system) / 1000);
}

const now = (): number => performance.now();

/**
 * Times match() on each question once (wall time into `into`, CPU time into `cpuInto`); stops early when the time
 * budget is used up. The wall clock is read inside the CPU readings, so it does not include them.
 */
function timePass(
  matcher: Matcher,
  questions: readonly string[],
  into: Samples,
  cpuInto: Samples,
  budgetMs = Infinity,
): number {
  const deadline = now() + budgetMs;
  let done = 0;
  for (const q of questions) {
    const cpu = process.cpuUsage();
    const start = now();
    matcher.match(q);
    const wall = now() - start;
    const used = process.cpuUsage(cpu);
    into.push(wall * 1000);
    cpuInto.push(used.user + used.system);
    done += 1;
    if (done % 64 === 0 && now() > deadline) break;
  }
  return done;
}

/** Times a question asked right after itself, so it is cached whatever the cache sizes are. */
function timeRepeats(matcher: Matcher, questions: readonly string[], into: Samples, budgetMs = Infinity): void {
  const deadline = now() + budgetMs;
  let done = 0;
  for (const q of questions) {
    matcher.match(q);
    const start = now();
    matcher.match(q);
    into.push((now() - start) * 1000);
    done += 1;
    if (done % 64 === 0 && now() > deadline) break;
  }
}

function scoredPerQuestion(matcher: Matcher, questions: readonly string[]): number {
  const sample = questions.slice(0, 300);
  let total = 0;
  for (const q of sample) total += matcher.rankAll(q).length;
  return sample.length > 0 ? total / sample.length : 0;
}

const medianOf = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
};

/** The real knowledge file and the labelled questions (test fixtures + shared dev set when present). */
export async function benchRealKnowledge(root: string, targetP99Us: number): Promise<MatcherCaseResult> {
  const files = [resolve(root, 'test/fixtures/questions.jsonl'), resolve(root, '../shared/eval/dev.jsonl')].filter(
    (f) => existsSync(f),
  );
  const questions = [...new Set(files.flatMap((f) => readLabelled(f).map((l) => l.q)))];
  if (questions.length === 0) throw new Error('no questions found for the matcher benchmark');

  let t = now();
  const knowledge = await loadKnowledgeFile(resolve(root, 'knowledge/faq.yaml'));
  const parseMs = now() - t;
  t = now();
  const first = buildMatcher(knowledge);
  const firstBuildMs = now() - t;

  // JIT warm-up: several passes on a matcher that is thrown away, and first-seen passes on fresh ones: after the first
  // pass a matcher answers from its caches, so only fresh matchers run (and get compiled) the paths a new word takes
  // (stemming, typo correction, n-gram features), as a long-running server has long since done. Without them the
  // first measured rebuilds paid that compilation (CPU p99 1.6 ms instead of ~0.5 ms, measured).
  for (let i = 0; i < 5; i += 1) for (const q of questions) first.match(q);
  for (let i = 0; i < 3; i += 1) {
    const fresh = buildMatcher(knowledge);
    for (const q of questions) fresh.match(q);
  }

  // First-seen: fresh matchers (empty word caches), each question once. Several rebuilds give enough samples.
  const firstSeen = new Samples();
  const firstSeenCpu = new Samples();
  const repeat = new Samples();
  const rebuilds: number[] = [];
  let matcher = first;
  const noise = whileMeasuring(() => {
    for (let i = 0; i < 10; i += 1) {
      t = now();
      matcher = buildMatcher(knowledge);
      rebuilds.push(now() - t);
      timePass(matcher, questions, firstSeen, firstSeenCpu);
    }
    for (let i = 0; i < 20; i += 1) timeRepeats(matcher, questions, repeat);
  });

  return {
    name: 'real (knowledge/faq.yaml)',
    entries: knowledge.entries.length,
    questions: questions.length,
    sources: files.map((f) => relative(root, f)),
    timings: { parseMs, firstBuildMs, rebuildMs: medianOf(rebuilds) },
    firstSeen: summarize(firstSeen.values()),
    firstSeenCpu: summarize(firstSeenCpu.values()),
    repeat: summarize(repeat.values()),
    scoredPerQuestion: scoredPerQuestion(matcher, questions),
    otherCores: noise,
    targetP99Us,
  };
}

export interface SyntheticBenchOptions {
  readonly entries: number;
  readonly queries: number;
  /** Upper bound per measured pass, so the run stays short on a slow machine. */
  readonly passBudgetMs: number;
  readonly targetP99Us: number;
}

/** A generated knowledge base (deterministic seeds) with generated customer questions. */
export function benchSyntheticKnowledge(options: SyntheticBenchOptions): MatcherCaseResult {
  let t = now();
  const synthetic = syntheticKnowledge({ entries: options.entries, seed: 20240501 });
  const measured = syntheticQueries(synthetic, options.queries, 1);
  const warmup = syntheticQueries(synthetic, Math.min(500, options.queries), 2);
  const generateMs = now() - t;

  t = now();
  const matcher = buildMatcher(synthetic.knowledge);
  const firstBuildMs = now() - t;

  // Warm-up with other questions than the measured ones (same distribution, other seed).
  timePass(
    matcher,
    warmup.map((q: SyntheticQuery) => q.text),
    new Samples(),
    new Samples(),
    options.passBudgetMs / 4,
  );

  const texts = measured.map((q) => q.text);
  const firstSeen = new Samples();
  const firstSeenCpu = new Samples();
  const repeat = new Samples();
  let done = 0;
  const noise = whileMeasuring(() => {
    done = timePass(matcher, texts, firstSeen, firstSeenCpu, options.passBudgetMs);
    timeRepeats(matcher, texts.slice(0, done), repeat, options.passBudgetMs);
  });

  const perKind = new Map<QueryKind, Samples>();
  const values = firstSeen.values();
  measured.slice(0, done).forEach((q, i) => {
    const list = perKind.get(q.kind) ?? new Samples();
    list.push(values[i] ?? 0);
    perKind.set(q.kind, list);
  });
  const byKind: Partial<Record<QueryKind, Summary>> = {};
  for (const [kind, list] of perKind) byKind[kind] = summarize(list.values());

  return {
    name: `synthetic (${options.entries} entries)`,
    entries: synthetic.knowledge.entries.length,
    questions: done,
    sources: ['bench/syntheticKnowledge.ts'],
    timings: { generateMs, firstBuildMs },
    firstSeen: summarize(firstSeen.values()),
    firstSeenCpu: summarize(firstSeenCpu.values()),
    repeat: summarize(repeat.values()),
    byKind,
    scoredPerQuestion: scoredPerQuestion(matcher, texts),
    otherCores: noise,
    targetP99Us: options.targetP99Us,
  };
}
