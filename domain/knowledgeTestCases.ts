/** Labelled questions admins add to the regression set (kept in the store, audited). */
import { randomUUID } from 'node:crypto';
import type { KnowledgeBase } from '../knowledge/types.ts';
import { appendAudit } from './audit.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { KnowledgeTestCaseRecord } from './records.ts';

export class TestCaseError extends Error {
  constructor(readonly reason: 'text' | 'expect') {
    super(reason === 'text' ? 'the question must be 1–500 characters' : 'expected entries must exist');
  }
}

export class KnowledgeTestCases {
  constructor(
    private readonly deps: {
      readonly store: RequestStore;
      readonly now: Clock;
      readonly knowledge: () => KnowledgeBase;
    },
  ) {}

  list(): Promise<readonly KnowledgeTestCaseRecord[]> {
    return this.deps.store.transaction((tx) => tx.knowledgeTests.list());
  }

  /** `expect`: entry ids a right answer may come from, or `out_of_scope` (no answer is right). */
  async add(
    actor: `staff:${string}`,
    q: string,
    expect: readonly string[] | 'out_of_scope',
  ): Promise<KnowledgeTestCaseRecord> {
    const text = q.trim();
    if (text === '' || text.length > 500) throw new TestCaseError('text');
    const ids = new Set(this.deps.knowledge().entries.map((e) => e.id));
    if (expect !== 'out_of_scope' && (expect.length === 0 || !expect.every((id) => ids.has(id))))
      throw new TestCaseError('expect');
    const at = this.deps.now();
    const record: KnowledgeTestCaseRecord = {
      id: randomUUID(),
      q: text,
      expect,
      addedAt: at.toISOString(),
      addedBy: actor,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.knowledgeTests.add(record);
      await appendAudit(tx, { actor, action: 'knowledge.test-added', target: record.id }, at);
    });
    return record;
  }

  async remove(actor: `staff:${string}`, id: string): Promise<boolean> {
    return this.deps.store.transaction(async (tx) => {
      const removed = await tx.knowledgeTests.remove(id);
      if (removed) await appendAudit(tx, { actor, action: 'knowledge.test-removed', target: id }, this.deps.now());
      return removed;
    });
  }
}
