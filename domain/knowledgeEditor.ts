/**
 * Changes to the knowledge made in the console: checked, guarded, saved, kept and audited, then served at once.
 *
 * A change is a function of faq.yaml's text (yamlEdit.ts writes it through the Document API). It is validated and
 * built; an Indonesian answer sentence the statement does not contain is refused (answers quote the statement); the
 * labelled questions run before and after, and fewer right needs an explicit confirmation. Then the previous text is
 * kept in the history (if it is not there yet), faq.yaml is replaced atomically (only if it still holds the text the
 * change was made from), the new text is kept with who/when/what, the change is audited, and the new version serves
 * from the next turn. One change at a time, never beside a reload.
 */
import { createHash } from 'node:crypto';
import type { KnowledgeService, KnowledgeVersion } from '../knowledge/knowledgeService.ts';
import { type DiffLine, diffLines } from '../knowledge/lineDiff.ts';
import { type KnowledgeIssue, KnowledgeValidationError } from '../knowledge/schema.ts';
import type { QuoteProblem } from '../knowledge/statement.ts';
import { KnowledgeConflictError, KnowledgeEditError } from '../knowledge/yamlEdit.ts';
import { appendAudit } from './audit.ts';
import type { Clock, KnowledgeFileStore, RequestStore } from './ports.ts';
import type { KnowledgeVersionRecord } from './records.ts';
import type { RegressionComparison, RegressionGuard } from './regression.ts';

export type ChangeOutcome =
  | { readonly status: 'saved'; readonly version: KnowledgeVersionRecord; readonly regression: RegressionComparison }
  | { readonly status: 'unchanged' }
  /** The edit cannot be made (unknown entry, the file is not YAML). */
  | { readonly status: 'refused'; readonly reason: string }
  | { readonly status: 'invalid'; readonly problems: readonly (KnowledgeIssue & { readonly file: string })[] }
  | { readonly status: 'unquoted'; readonly problems: readonly QuoteProblem[] }
  | { readonly status: 'needs-confirmation'; readonly regression: RegressionComparison }
  /** What the edit was based on changed since it was shown (another admin, a hand edit): reload and redo it. */
  | { readonly status: 'conflict'; readonly reason: string; readonly entries: readonly string[] };

export interface ChangeRequest {
  /** The staff member, as the audit names them (`staff:<id>`). */
  readonly actor: `staff:${string}`;
  /** What the change does, in words, for the history and the audit. */
  readonly summary: string;
  /** The entry it is about, when one (the audit's target). */
  readonly target?: string;
  /**
   * The new text of faq.yaml from the current one. Throws KnowledgeEditError when it cannot be made, and
   * KnowledgeConflictError when the text is no longer what the edit was based on (see requireEntryVersions).
   */
  readonly edit: (faq: string) => string;
  /** The admin saw that fewer labelled questions are answered right and saves anyway. */
  readonly confirmDrop?: boolean;
}

export interface KnowledgeEditorDeps {
  readonly knowledge: KnowledgeService;
  readonly files: KnowledgeFileStore;
  readonly store: RequestStore;
  readonly regression: RegressionGuard;
  readonly now: Clock;
}

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

const stamp = (at: Date): string => at.toISOString().replace(/[-:.]/g, '');

/** How often a change starts again because faq.yaml changed on disk while it was being checked. */
const MAX_ATTEMPTS = 3;

export class KnowledgeEditor {
  constructor(private readonly deps: KnowledgeEditorDeps) {}

  /**
   * Checks and saves one change (see the file comment). Changes run one at a time and never beside a reload of the
   * files (the watcher then finds the change's own write and does nothing). A hand edit saved while a change is
   * checked is not overwritten: the change starts again from the file as it is now (the edit is applied to it).
   */
  change(request: ChangeRequest): Promise<ChangeOutcome> {
    return this.deps.knowledge.exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.#change(request);
        if (outcome !== 'moved') return outcome;
        if (attempt === MAX_ATTEMPTS)
          return {
            status: 'conflict',
            reason: 'faq.yaml keeps changing on disk (a hand edit?); try again in a moment',
            entries: [],
          };
      }
    });
  }

  /** Puts an earlier version back, as a change of its own (checked, guarded, kept and audited like any other). */
  async restore(
    actor: `staff:${string}`,
    versionId: string,
    options: {
      confirmDrop?: boolean;
      /** textHash of faq.yaml as the admin saw it: a change made since is not silently undone. */
      base?: string;
    } = {},
  ): Promise<ChangeOutcome> {
    const text = await this.deps.files.read(versionId);
    if (text === undefined) return { status: 'refused', reason: `no version ${versionId}` };
    return this.change({
      actor,
      summary: `restored version ${versionId}`,
      edit: (current) => {
        if (options.base !== undefined && textHash(current) !== options.base)
          throw new KnowledgeConflictError('faq.yaml changed since the list of versions was shown');
        return text;
      },
      ...(options.confirmDrop ? { confirmDrop: true } : {}),
    });
  }

  /** textHash of faq.yaml on disk now (what a restore form is based on). */
  async diskHash(): Promise<string> {
    return textHash(await this.deps.files.readFaq());
  }

  /** The kept versions, newest first, with the one on disk marked. */
  async versions(): Promise<readonly (KnowledgeVersionRecord & { readonly current: boolean })[]> {
    const current = textHash(await this.deps.files.readFaq());
    const list = await this.deps.files.versions();
    return list.map((v) => ({ ...v, current: v.hash === current })).reverse();
  }

  /** A line diff between two kept versions (`current`: faq.yaml as it is on disk); undefined for an unknown id. */
  async diff(fromId: string, toId: string): Promise<DiffLine[] | undefined> {
    const [from, to] = await Promise.all([this.#text(fromId), this.#text(toId)]);
    if (from === undefined || to === undefined) return undefined;
    return diffLines(from, to);
  }

  #text(id: string): Promise<string | undefined> {
    return id === 'current' ? this.deps.files.readFaq() : this.deps.files.read(id);
  }

  /** One attempt; 'moved': faq.yaml changed on disk meanwhile and nothing was written. */
  async #change(request: ChangeRequest): Promise<ChangeOutcome | 'moved'> {
    const { knowledge, files, store, regression } = this.deps;
    const serving = knowledge.current;
    const before = await files.readFaq();
    let after: string;
    try {
      after = request.edit(before);
    } catch (error) {
      if (error instanceof KnowledgeEditError) return { status: 'refused', reason: error.message };
      if (error instanceof KnowledgeConflictError)
        return { status: 'conflict', reason: error.message, entries: error.entries };
      throw error;
    }
    if (after === before) return { status: 'unchanged' };
    let candidate: KnowledgeVersion;
    try {
      candidate = knowledge.build({ ...serving.sources, faq: after });
    } catch (error) {
      if (!(error instanceof KnowledgeValidationError)) throw error;
      return { status: 'invalid', problems: error.issues.map((issue) => ({ ...issue, file: error.file })) };
    }
    const known = new Set(serving.quoteProblems.map((p) => `${p.entry}\u0000${p.sentence}`));
    const unquoted = candidate.quoteProblems.filter((p) => !known.has(`${p.entry}\u0000${p.sentence}`));
    if (unquoted.length > 0) return { status: 'unquoted', problems: unquoted };
    const comparison = await regression.compare(serving.matcher, candidate.matcher);
    if (comparison.drop && !request.confirmDrop) return { status: 'needs-confirmation', regression: comparison };
    if ((await files.readFaq()) !== before) return 'moved';

    const at = this.deps.now();
    const history = await files.versions();
    const last = history.at(-1);
    const beforeHash = textHash(before);
    // The text being replaced is kept first (a hand edit, or the file before the first console change).
    let previousAt = last ? Date.parse(last.at) : 0;
    if (!history.some((v) => v.hash === beforeHash)) {
      const found = new Date(Math.max(at.getTime() - 1, previousAt + 1));
      await files.keep(
        {
          id: `${stamp(found)}-${beforeHash}`,
          at: found.toISOString(),
          actor: 'disk',
          summary: 'as found on disk',
          hash: beforeHash,
        },
        before,
      );
      previousAt = found.getTime();
    }
    const savedAt = new Date(Math.max(at.getTime(), previousAt + 1));
    const hash = textHash(after);
    const version: KnowledgeVersionRecord = {
      id: `${stamp(savedAt)}-${hash}`,
      at: savedAt.toISOString(),
      actor: request.actor,
      summary: request.summary.slice(0, 300),
      hash,
      accuracy: { before: comparison.before.right, after: comparison.after.right, total: comparison.after.total },
      ...(comparison.drop ? { dropConfirmed: true } : {}),
    };
    if (!(await files.writeFaq(after, before))) return 'moved';
    try {
      await files.keep(version, after);
      await store.transaction((tx) =>
        appendAudit(
          tx,
          {
            actor: request.actor,
            action: 'knowledge.changed',
            target: request.target ?? 'faq.yaml',
            details: {
              version: version.id,
              summary: version.summary,
              accuracy: `${comparison.before.right}→${comparison.after.right}/${comparison.after.total}`,
              ...(comparison.drop ? { drop: 'confirmed' } : {}),
            },
          },
          savedAt,
        ),
      );
    } catch (error) {
      await files.writeFaq(before, after); // not audited: not made (unless someone wrote it meanwhile)
      throw error;
    }
    knowledge.activate(candidate);
    return { status: 'saved', version, regression: comparison };
  }
}
