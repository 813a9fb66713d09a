/**
 * The admins' knowledge services on the running knowledge, the store and DATA_DIR: the editor (with its regression
 * guard over the labelled questions) and the versions kept in DATA_DIR/knowledge-history/.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KnowledgeEditor } from '../domain/knowledgeEditor.ts';
import { KnowledgeTestCases } from '../domain/knowledgeTestCases.ts';
import type { Clock, RequestStore } from '../domain/ports.ts';
import { RegressionGuard } from '../domain/regression.ts';
import type { KnowledgeService } from '../knowledge/knowledgeService.ts';
import { type LabelledQuestion, readLabelled } from '../knowledge/labelled.ts';
import { KnowledgeFiles } from './store/knowledgeFiles.ts';

/**
 * The labelled sets every change is checked against: the tuning sets and the first blind set. holdout.jsonl and the
 * later blind sets stay unseen (they measure the assistant on questions nobody tuned or guarded with).
 */
export const REGRESSION_SETS = [
  'questions.jsonl',
  'messy-dev.jsonl',
  'messy-dev-2.jsonl',
  'messy-dev-3.jsonl',
  'blind.jsonl',
].map((name) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url)));

export interface KnowledgeAdmin {
  readonly editor: KnowledgeEditor;
  readonly regression: RegressionGuard;
  readonly tests: KnowledgeTestCases;
}

export function buildKnowledgeAdmin(deps: {
  readonly knowledge: KnowledgeService;
  readonly store: RequestStore;
  readonly dataDir: string;
  readonly now: Clock;
  readonly sets?: readonly string[];
}): KnowledgeAdmin {
  const fixed: LabelledQuestion[] = (deps.sets ?? REGRESSION_SETS).filter((f) => existsSync(f)).flatMap(readLabelled);
  const regression = new RegressionGuard(async () => {
    const added = await deps.store.transaction((tx) => tx.knowledgeTests.list());
    return [...fixed, ...added.map(({ q, expect }) => ({ q, expect }))];
  });
  const files = new KnowledgeFiles(deps.knowledge.file, deps.dataDir);
  const editor = new KnowledgeEditor({
    knowledge: deps.knowledge,
    files,
    store: deps.store,
    regression,
    now: deps.now,
  });
  const tests = new KnowledgeTestCases({ store: deps.store, now: deps.now, knowledge: () => deps.knowledge.knowledge });
  return { editor, regression, tests };
}
