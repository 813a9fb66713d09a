/** The Outbox over the real on-disk JsonDatabase (bot/store/database.ts): pending mail survives a full restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Outbox } from '../../../bot/mail/outbox.ts';
import { createMailTransport } from '../../../bot/mail/transport.ts';
import { JsonDatabase } from '../../../bot/store/lowdb/jsonDatabase.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { newOutboxRecord } from '../../../domain/outgoingMail.ts';
import { captureLogger, closedPort, FakeClock, TestSmtpServer } from '../../support/mail.ts';

describe('mail/Outbox over the real JsonDatabase', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wowrack-outbox-db-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('mail queued while the SMTP server is down is delivered once after the process restarts', async () => {
    const clock = new FakeClock();
    const logs = captureLogger();
    const retry = { baseMs: 1_000, maxMs: 8_000, giveUpAfterMs: 60_000 };
    const port = await closedPort();

    // First process: the server is down.
    const db1 = await JsonDatabase.open(dir);
    const down = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, mailDir: dir });
    const store1 = new LowdbRequestStore(db1);
    const first = new Outbox({
      store: store1,
      queue: store1.mailQueue,
      transport: down,
      logger: logs.logger,
      from: 'privacy@wowrack.co.id',
      now: clock.now,
      retry,
    });
    const record = newOutboxRecord(
      {
        to: 'budi@example.com',
        subject: 'Permintaan Anda',
        text: 'Halo Budi',
        purpose: 'ticket-confirmation',
        conversationId: 'conv-1',
      },
      clock.now().toISOString(),
    );
    await store1.transaction((tx) => tx.outbox.add(record));
    expect(await first.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
    await first.stop();
    await down.close();
    await db1.close();

    // Second process: the server is back, the clock has moved past the retry time.
    const server = await TestSmtpServer.start(port);
    try {
      clock.advance(2 * retry.baseMs); // past the retry time, jitter (±20 %) included
      const db2 = await JsonDatabase.open(dir);
      expect(db2.read((data) => data.outbox.map((r) => [r.id, r.status, r.attempts]))).to.deep.equal([
        [record.id, 'pending', 1],
      ]);
      const up = createMailTransport({ smtpUrl: server.url, mailDir: dir });
      const store2 = new LowdbRequestStore(db2);
      const second = new Outbox({
        store: store2,
        queue: store2.mailQueue,
        transport: up,
        logger: logs.logger,
        from: 'privacy@wowrack.co.id',
        now: clock.now,
        retry,
      });
      second.start(60_000);
      expect(await second.deliverDue()).to.deep.equal({ sent: 1, failed: 0 });
      await Promise.all([second.deliverDue(), second.deliverDue()]);
      await second.stop();
      await up.close();
      await db2.close();

      expect(server.received).to.have.length(1);
      expect(server.received[0]?.parsed.messageId).to.equal(`<${record.id}@wowrack.co.id>`);
      const db3 = await JsonDatabase.open(dir);
      expect(db3.read((data) => data.outbox.map((r) => [r.status, r.attempts, r.sentAt]))).to.deep.equal([
        ['sent', 2, clock.now().toISOString()],
      ]);
      await db3.close();
    } finally {
      await server.close();
    }
  });
});
