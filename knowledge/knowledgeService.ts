import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildMatcher } from './build.ts';
import { parseKnowledge, parseTraining, TRAINING_FILE } from './load.ts';
import type { Matcher } from './matcher.ts';
import { type KnowledgeIssue, type KnowledgeOptions, KnowledgeValidationError } from './schema.ts';
import { type QuoteProblem, STATEMENT_FILE, Statement, unquotedAnswers } from './statement.ts';
import type { KnowledgeBase } from './types.ts';

/** The texts a knowledge version is built from: faq.yaml, and (optional) training.yaml and the statement. */
export interface KnowledgeSources {
  readonly faq: string;
  readonly training?: string;
  readonly statement?: string;
}

/** One built, validated knowledge base: what a turn reads its matcher from. */
export interface KnowledgeVersion {
  /** SHA-256 (first 16 hex) over the three sources: the same files give the same version. */
  readonly hash: string;
  readonly knowledge: KnowledgeBase;
  readonly matcher: Matcher;
  readonly sources: KnowledgeSources;
  /** Indonesian answer sentences the statement does not contain (shown to admins; the version still serves). */
  readonly quoteProblems: readonly QuoteProblem[];
  /** Parsing, validation and building the matcher (the ranker trains here). */
  readonly buildMs: number;
}

/** A version of the files that could not be used: every problem, with the file it is in. */
export interface KnowledgeFailure {
  readonly at: string;
  readonly hash: string;
  readonly problems: readonly (KnowledgeIssue & { readonly file: string })[];
}

export interface KnowledgeStatus {
  readonly version: string;
  readonly loadedAt: string;
  readonly entries: number;
  readonly buildMs: number;
  readonly quoteProblems: number;
  /** The newest failure; `current` while the files on disk are still that broken version. */
  readonly lastError?: KnowledgeFailure & { readonly current: boolean };
}

export type ReloadOutcome =
  | { readonly kind: 'unchanged'; readonly version: string }
  | { readonly kind: 'loaded'; readonly version: string; readonly buildMs: number }
  | { readonly kind: 'failed'; readonly failure: KnowledgeFailure };

export interface KnowledgeServiceOptions extends KnowledgeOptions {
  readonly now?: () => Date;
}

const hashOf = (sources: KnowledgeSources): string =>
  createHash('sha256')
    .update(JSON.stringify([sources.faq, sources.training ?? null, sources.statement ?? null]))
    .digest('hex')
    .slice(0, 16);

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Holds the knowledge base in use and its matcher, and swaps in a new version atomically: a turn reads `matcher`
 * once, so it sees either the old or the new version, never a mix. An invalid version on disk is refused with every
 * problem named and the last good one keeps serving.
 */
export class KnowledgeService {
  #current: KnowledgeVersion;
  #loadedAt: Date;
  #lastError: KnowledgeFailure | undefined;
  #errorCurrent = false;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: ((version: KnowledgeVersion) => void)[] = [];

  private constructor(
    readonly file: string,
    private readonly options: KnowledgeServiceOptions,
    first: KnowledgeVersion,
  ) {
    this.#current = first;
    this.#loadedAt = this.#now();
  }

  /** Reads and validates the files; `options.flows` names the conversations an entry may offer. Throws when invalid. */
  static async load(file: string, options: KnowledgeServiceOptions = {}): Promise<KnowledgeService> {
    const sources = await readSources(file);
    return new KnowledgeService(file, options, buildVersion(file, sources, options));
  }

  get knowledge(): KnowledgeBase {
    return this.#current.knowledge;
  }

  get matcher(): Matcher {
    return this.#current.matcher;
  }

  get current(): KnowledgeVersion {
    return this.#current;
  }

  get trainingFile(): string {
    return join(dirname(this.file), TRAINING_FILE);
  }

  get statementFile(): string {
    return join(dirname(this.file), STATEMENT_FILE);
  }

  get status(): KnowledgeStatus {
    const v = this.#current;
    return {
      version: v.hash,
      loadedAt: this.#loadedAt.toISOString(),
      entries: v.knowledge.entries.length,
      buildMs: Math.round(v.buildMs),
      quoteProblems: v.quoteProblems.length,
      ...(this.#lastError ? { lastError: { ...this.#lastError, current: this.#errorCurrent } } : {}),
    };
  }

  /** Called after every swap (the console's caches, logs). */
  onChange(listener: (version: KnowledgeVersion) => void): void {
    this.#listeners.push(listener);
  }

  /** The three files as they are on disk now. */
  readSources(): Promise<KnowledgeSources> {
    return readSources(this.file);
  }

  /** Builds a version from texts without using it (an edit is checked before it is saved). Throws when invalid. */
  build(sources: KnowledgeSources): KnowledgeVersion {
    return buildVersion(this.file, sources, this.options);
  }

  /** Serves `version` from the next turn on. */
  activate(version: KnowledgeVersion): void {
    this.#current = version;
    this.#loadedAt = this.#now();
    this.#errorCurrent = false;
    for (const listener of this.#listeners) listener(version);
  }

  /**
   * Reads the files and, when they changed, validates and swaps them in; an invalid version is recorded (and
   * returned) and the current one keeps serving. Reloads run one at a time, and never beside exclusive() work.
   */
  reload(): Promise<ReloadOutcome> {
    return this.exclusive(() => this.#reload());
  }

  /**
   * Runs `work` between reloads, never beside one (console changes): a reload that read the files before a change
   * wrote them cannot swap its older version in after the change's, and the reload after it finds its own write.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #reload(): Promise<ReloadOutcome> {
    const sources = await this.readSources();
    const hash = hashOf(sources);
    if (hash === this.#current.hash) {
      this.#errorCurrent = false;
      return { kind: 'unchanged', version: hash };
    }
    if (this.#errorCurrent && this.#lastError?.hash === hash && this.#lastError)
      return { kind: 'failed', failure: this.#lastError };
    try {
      const version = this.build(sources);
      this.activate(version);
      return { kind: 'loaded', version: version.hash, buildMs: version.buildMs };
    } catch (error) {
      if (!(error instanceof KnowledgeValidationError)) throw error;
      const failure: KnowledgeFailure = {
        at: this.#now().toISOString(),
        hash,
        problems: error.issues.map((issue) => ({ ...issue, file: error.file })),
      };
      this.#lastError = failure;
      this.#errorCurrent = true;
      return { kind: 'failed', failure };
    }
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

async function readSources(file: string): Promise<KnowledgeSources> {
  let faq: string;
  try {
    faq = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new KnowledgeValidationError(file, [{ field: '(file)', message: `cannot be read: ${reason}` }]);
  }
  const training = await readOptional(join(dirname(file), TRAINING_FILE));
  const statement = await readOptional(join(dirname(file), STATEMENT_FILE));
  return {
    faq,
    ...(training !== undefined ? { training } : {}),
    ...(statement !== undefined ? { statement } : {}),
  };
}

function buildVersion(file: string, sources: KnowledgeSources, options: KnowledgeOptions): KnowledgeVersion {
  const started = performance.now();
  const parsed = parseKnowledge(sources.faq, file, options);
  const knowledge =
    sources.training === undefined
      ? parsed
      : { ...parsed, training: parseTraining(sources.training, join(dirname(file), TRAINING_FILE), parsed) };
  const matcher = buildMatcher(knowledge);
  const quoteProblems =
    sources.statement === undefined ? [] : unquotedAnswers(knowledge, new Statement(sources.statement));
  return {
    hash: hashOf(sources),
    knowledge,
    matcher,
    sources,
    quoteProblems,
    buildMs: performance.now() - started,
  };
}
