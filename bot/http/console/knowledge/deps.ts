import type { Answerer } from '../../../../dialogs/root/answerer.ts';
import type { Inbox } from '../../../../domain/inbox.ts';
import type { KnowledgeEditor } from '../../../../domain/knowledgeEditor.ts';
import type { KnowledgeTestCases } from '../../../../domain/knowledgeTestCases.ts';
import type { Clock, RequestStore } from '../../../../domain/ports.ts';
import type { RegressionGuard } from '../../../../domain/regression.ts';
import type { KnowledgeService } from '../../../../knowledge/knowledgeService.ts';

/** What the admins' knowledge pages use: the running knowledge and the services that change it. */
export interface KnowledgeConsoleDeps {
  readonly knowledge: KnowledgeService;
  readonly editor: KnowledgeEditor;
  readonly inbox: Inbox;
  readonly regression: RegressionGuard;
  readonly tests: KnowledgeTestCases;
  readonly answerer: Answerer;
  /** The conversations an entry may offer (the flow registry's names). */
  readonly flows: readonly string[];
  /** Writes the counts waiting in memory before a report is read. */
  readonly flushStats: () => Promise<void>;
  readonly store: RequestStore;
  readonly now: Clock;
}
