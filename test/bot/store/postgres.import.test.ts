import { expect } from 'chai';
import { createLogger } from '../../../bot/log/logger.ts';
import { JsonStateStorage } from '../../../bot/store/lowdb/jsonStateStorage.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { PostgresDatabase } from '../../../bot/store/postgres/database.ts';
import { importDocument } from '../../../bot/store/postgres/importDocument.ts';
import { migrate } from '../../../bot/store/postgres/migrations.ts';
import { openPostgresStore } from '../../../bot/store/postgres/openPostgresStore.ts';
import { appendAudit } from '../../../domain/audit.ts';
import type { Transaction } from '../../../domain/ports.ts';
import { MemoryDb } from '../../support/memoryDb.ts';
import { usePostgresDatabase } from '../../support/postgres.ts';
import { rejectionOf } from '../../support/tempDir.ts';
import { at, consent, mail, session, staffMember, T0, ticket, unsubscribe } from './contract/records.ts';

const logger = createLogger('silent');

/** Everything the repositories can read, as one comparable value. */
async function everything(tx: Transaction) {
  return {
    tickets: await tx.tickets.list(),
    unsubscribes: await tx.unsubscribes.list(),
    consents: await tx.consents.list(),
    pending: await tx.outbox.pending(),
    sent: await tx.outbox.get('sent-1'),
    staff: await tx.staff.list(),
    session: await tx.sessions.get('session-hash-1'),
    audit: await tx.audit.list(),
    feedback: await tx.feedback.list(),
    mark: await tx.jobMarks.get('retention'),
    text: await tx.consentTexts.get('h1'),
  };
}

describe('store/postgres: importing a single instance’s file', function () {
  this.timeout(30_000);
  const url = usePostgresDatabase();
  let database: PostgresDatabase;

  before(async () => {
    database = new PostgresDatabase(url(), logger);
    await migrate(database, logger);
  });
  after(async () => {
    await database.close();
  });

  it('carries every record and the conversation state over, as the assistant reads them', async () => {
    const db = new MemoryDb();
    const file = new LowdbRequestStore(db);
    await file.transaction(async (tx) => {
      await tx.tickets.add(
        ticket(1, { status: 'in-progress', notes: [{ at: at(1), staffId: 'staff-1', text: 'ok' }] }),
      );
      await tx.tickets.add(ticket(2));
      await tx.unsubscribes.add(unsubscribe(1));
      await tx.consents.add(consent(1, { decision: 'approved', decidedAt: at(9) }));
      await tx.outbox.add(mail('pending-1'));
      await tx.outbox.add(mail('sent-1', { status: 'sent', sentAt: at(2), attempts: 1 }));
      await tx.consentTexts.keep({ hash: 'h1', lang: 'id', text: 'teks', firstUsedAt: T0 });
      await tx.staff.add(staffMember(1));
      await tx.sessions.add(session(1));
      await appendAudit(tx, { actor: 'system', action: 'one' }, new Date(T0));
      await appendAudit(tx, { actor: 'staff:1', action: 'two', target: 'PRV-1' }, new Date(at(3)));
      await tx.jobMarks.set('retention', '2025-05-01');
      for (const n of [1, 2, 3]) await tx.feedback.add({ entryId: `e${n}`, vote: 'down', lang: 'en', at: T0 }, 10);
    });
    const state = new JsonStateStorage(db, { now: () => new Date('2025-01-02T03:04:05.000Z') });
    await state.write({ 'directline/conversations/c1/': { dialogState: { step: 3 } }, 'user/u%1': { n: 1 } });
    const before = await file.transaction(everything);
    const stateBefore = await state.read(['directline/conversations/c1/', 'user/u%1']);

    const counts = await importDocument(database, db.snapshot());
    expect(counts).to.include({ tickets: 2, outbox: 2, audit: 2, feedback: 3, state: 2 });

    const store = await openPostgresStore(url(), () => new Date('2025-01-20T00:00:00.000Z'), logger);
    try {
      expect(await store.requests.transaction(everything)).to.deep.equal(before);
      expect(await store.conversations.read(['directline/conversations/c1/', 'user/u%1'])).to.deep.equal(stateBefore);
      // Change times came along: retention forgets the state by its own age, not the import's.
      expect(await store.conversations.pruneState(new Date('2025-01-10T00:00:00.000Z'))).to.equal(2);
    } finally {
      await store.close();
    }

    const again = await rejectionOf(importDocument(database, db.snapshot()));
    expect(again).to.have.property('message').that.includes('already holds data');
  });
});
