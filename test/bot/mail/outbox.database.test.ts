/** The Outbox over the real on-disk Database (bot/store/database.ts): pending mail survives a full restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Outbox } from '../../../bot/mail/outbox.ts';
import { createMailTransport } from '../../../bot/mail/transport.ts';
import { Database } from '../../../bot/store/lowdb/jsonDatabase.ts';
import { captureLogger, closedPort, FakeClock, TestSmtpServer } from '../../support/mail.ts';

describe('mail/Outbox over the real Database', () => {
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
    const db1 = await Database.open(dir);
    const down = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, mailDir: dir });
    const first = new Outbox({
      db: db1,
      transport: down,
      logger: logs.logger,
      from: 'privacy@wowrack.co.id',
      now: clock.now,
      retry,
    });
    const record = await first.enqueue({
      to: 'budi@example.com',
      subject: 'Permintaan Anda',
      text: 'Halo Budi',
      purpose: 'ticket-confirmation',
      conversationId: 'conv-1',
    });
    expect(await first.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
    await first.stop();
    await down.close();
    await db1.close();

    // Second process: the server is back, the clock has moved past the retry time.
    const server = await TestSmtpServer.start(port);
    try {
      clock.advance(2 * retry.baseMs); // past the retry time, jitter (±20 %) included
      const db2 = await Database.open(dir);
      expect(db2.read((data) => data.outbox.map((r) => [r.id, r.status, r.attempts]))).to.deep.equal([
        [record.id, 'pending', 1],
      ]);
      const up = createMailTransport({ smtpUrl: server.url, mailDir: dir });
      const second = new Outbox({
        db: db2,
        transport: up,
        logger: logs.logger,
        from: 'privacy@wowrack.co.id',
        now: clock.now,
        retry,
      });
      second.start(60_000);
      expect(await second.deliverDue()).to.deep.equal({ sent: 1, failed: 0 });
      await Promise.all([second.deliverDue(), second.deliverDue()]);
      expect(second.countRecent({ to: 'BUDI@example.com', since: new Date(0) })).to.equal(1);
      await second.stop();
      await up.close();
      await db2.close();

      expect(server.received).to.have.length(1);
      expect(server.received[0]?.parsed.messageId).to.equal(`<${record.id}@wowrack.co.id>`);
      const db3 = await Database.open(dir);
      expect(db3.read((data) => data.outbox.map((r) => [r.status, r.attempts, r.sentAt]))).to.deep.equal([
        ['sent', 2, clock.now().toISOString()],
      ]);
      await db3.close();
    } finally {
      await server.close();
    }
  });
});
