import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { KnowledgeService, ReloadOutcome } from '../../knowledge/knowledgeService.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';

export interface KnowledgeWatcherOptions {
  /** Quiet time after the last change before reloading (an editor writes a file in several steps). */
  readonly debounceMs?: number;
  /** How often the files' size and time are compared, for file systems where fs.watch says nothing (NFS, Docker). */
  readonly pollMs?: number;
}

/**
 * Watches faq.yaml, training.yaml and the statement: fs.watch on their folder (a file replaced by rename keeps being
 * seen) and, as a fallback, a poll of their size and modification time. A change is reloaded after a quiet moment;
 * an invalid version is logged problem by problem and the last good one keeps serving.
 */
export class KnowledgeWatcher {
  readonly #debounceMs: number;
  readonly #pollMs: number;
  readonly #files: readonly string[];
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #stamps = '';
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly knowledge: KnowledgeService,
    private readonly logger: Logger,
    options: KnowledgeWatcherOptions = {},
  ) {
    this.#debounceMs = options.debounceMs ?? 300;
    this.#pollMs = options.pollMs ?? 2000;
    this.#files = [knowledge.file, knowledge.trainingFile, knowledge.statementFile];
  }

  async start(): Promise<void> {
    this.#stamps = await this.#stampsNow();
    const names = new Set(this.#files.map((f) => basename(f)));
    try {
      this.#watcher = watch(dirname(this.knowledge.file), { persistent: false }, (_event, name) => {
        if (name === null || names.has(basename(String(name)))) this.#schedule();
      });
      this.#watcher.on('error', (error) => {
        this.logger.warn({ error: describeError(error) }, 'knowledge folder watch failed; polling only');
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'knowledge folder cannot be watched; polling only');
    }
    this.#poll = setInterval(() => void this.#checkStamps(), this.#pollMs);
    this.#poll.unref();
  }

  async stop(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#poll) clearInterval(this.#poll);
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#poll = undefined;
    this.#debounce = undefined;
    await this.#running;
  }

  async #stampsNow(): Promise<string> {
    const parts = await Promise.all(
      this.#files.map((file) =>
        stat(file).then(
          (s) => `${s.size}:${s.mtimeMs}`,
          () => '-',
        ),
      ),
    );
    return parts.join('|');
  }

  async #checkStamps(): Promise<void> {
    const stamps = await this.#stampsNow();
    if (stamps === this.#stamps) return;
    this.#stamps = stamps;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#running = this.#reload();
    }, this.#debounceMs);
    this.#debounce.unref();
  }

  async #reload(): Promise<void> {
    try {
      this.#stamps = await this.#stampsNow();
      this.report(await this.knowledge.reload());
    } catch (error) {
      this.logger.error({ error: describeError(error) }, 'knowledge reload failed');
    }
  }

  /** Logs a reload: a new version, or every problem of a refused one (file, entry, field). */
  report(outcome: ReloadOutcome): void {
    if (outcome.kind === 'loaded')
      this.logger.info(
        { version: outcome.version, buildMs: Math.round(outcome.buildMs), entries: this.knowledge.status.entries },
        'knowledge reloaded',
      );
    else if (outcome.kind === 'failed') {
      for (const p of outcome.failure.problems)
        this.logger.error(
          { file: p.file, ...(p.entry ? { entry: p.entry } : {}), field: p.field, problem: p.message },
          'knowledge file problem',
        );
      this.logger.error(
        { problems: outcome.failure.problems.length, serving: this.knowledge.status.version },
        'knowledge change refused; the last good version keeps serving',
      );
    }
  }
}
