import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { describeError } from '../../../bot/log/describeError.ts';
import { Outbox, type OutboxDeps } from '../../../bot/mail/outbox.ts';
import { createMailTransport, InvalidMailError, type MailTransport } from '../../../bot/mail/transport.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import type { MailQueue } from '../../../bot/store/store.ts';
import { InvalidAddressError } from '../../../domain/address.ts';
import { type MailRequest, newOutboxRecord } from '../../../domain/outgoingMail.ts';
import type { OutboxRecord } from '../../../domain/records.ts';
import { addMails } from '../../../domain/requestMail.ts';
import { captureLogger, closedPort, eventually, FakeClock, FakeTransport, TestSmtpServer } from '../../support/mail.ts';
import { MemoryDb } from '../../support/memoryDb.ts';

const FROM = 'privacy@wowrack.co.id';
const TO = 'Budi.Santoso@Example.com';
const BODY = 'Halo Budi,\n\nPermintaan akses data Anda (PRV-20250102-0001) sudah kami terima.\n';
const RETRY = { baseMs: 1_000, maxMs: 8_000, giveUpAfterMs: 60_000 };

const INPUT: MailRequest = {
  to: TO,
  replyTo: 'support@wowrack.co.id',
  subject: 'Permintaan Anda PRV-20250102-0001',
  text: BODY,
  purpose: 'ticket-confirmation',
  conversationId: 'conv-1',
};

function recordOf(db: MemoryDb, id: string): OutboxRecord {
  const record = db.snapshot().outbox.find((r) => r.id === id);
  if (!record) throw new Error(`no outbox record ${id}`);
  return record;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('mail/Outbox', () => {
  let db: MemoryDb;
  let store: LowdbRequestStore;
  let clock: FakeClock;
  let logs: ReturnType<typeof captureLogger>;
  const outboxes: Outbox[] = [];
  const transports: MailTransport[] = [];
  const servers: TestSmtpServer[] = [];

  function outbox(transport: MailTransport, deps: Partial<OutboxDeps> = {}): Outbox {
    const created = new Outbox({
      store,
      queue: store.mailQueue,
      transport,
      logger: logs.logger,
      from: FROM,
      now: clock.now,
      retry: RETRY,
      random: () => 0.5, // no jitter unless a test asks for it
      ...deps,
    });
    outboxes.push(created);
    return created;
  }

  /** What a domain request does with a mail: records it in a unit of work, then wakes the worker. */
  async function enqueue(box: Outbox, input: MailRequest): Promise<OutboxRecord> {
    const record = newOutboxRecord(input, clock.now().toISOString());
    await store.transaction((tx) => tx.outbox.add(record));
    box.wake();
    return record;
  }

  function smtp(url: string): MailTransport {
    const transport = createMailTransport({ smtpUrl: url, mailDir: '/nonexistent' });
    transports.push(transport);
    return transport;
  }

  async function server(port = 0): Promise<TestSmtpServer> {
    const started = await TestSmtpServer.start(port);
    servers.push(started);
    return started;
  }

  /** Nothing personal in the logs: no address in clear and no mail body. */
  function expectCleanLogs(): void {
    const text = logs.text().toLowerCase();
    expect(text).to.not.include('budi.santoso@example.com');
    expect(text).to.not.include('support@wowrack.co.id');
    expect(text).to.not.include('permintaan akses data');
  }

  beforeEach(() => {
    db = new MemoryDb();
    store = new LowdbRequestStore(db);
    clock = new FakeClock();
    logs = captureLogger();
  });

  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    for (const t of transports.splice(0)) await t.close();
    for (const s of servers.splice(0)) await s.close();
  });

  describe('with a real SMTP server', () => {
    it('enqueue → the message arrives with the right To, From, Reply-To, Subject, body and Message-ID', async () => {
      const smtpServer = await server();
      const box = outbox(smtp(smtpServer.url));

      const record = await enqueue(box, INPUT);
      expect(record.status).to.equal('pending');
      expect(record.to).to.equal('Budi.Santoso@example.com'); // domain lower-cased
      expect(recordOf(db, record.id).status).to.equal('pending', 'on disk before enqueue resolves');

      expect(await box.deliverDue()).to.deep.equal({ sent: 1, failed: 0 }); // joins the background delivery
      expect(smtpServer.received).to.have.length(1);
      const [mail] = smtpServer.received;
      expect(mail?.mailFrom).to.equal(FROM);
      expect(mail?.rcptTo).to.deep.equal(['Budi.Santoso@example.com']);
      const parsed = mail?.parsed;
      expect(parsed?.from?.text).to.equal(FROM);
      expect(parsed?.to && !Array.isArray(parsed.to) ? parsed.to.text : '').to.equal('Budi.Santoso@example.com');
      expect(parsed?.replyTo?.text).to.equal('support@wowrack.co.id');
      expect(parsed?.subject).to.equal(INPUT.subject);
      expect(parsed?.text).to.equal(BODY);
      expect(parsed?.messageId).to.equal(`<${record.id}@wowrack.co.id>`);

      const stored = recordOf(db, record.id);
      expect(stored.status).to.equal('sent');
      expect(stored.sentAt).to.equal(clock.now().toISOString());
      expect(stored.attempts).to.equal(1);
      expect(await box.pending()).to.deep.equal([]);
      expect(logs.lines.map((l) => l.msg)).to.include('mail sent');
      expect(logs.lines.find((l) => l.msg === 'mail sent')).to.include({ to: 'B***@example.com' });
      expectCleanLogs();
    });

    it('server down: enqueue still records the mail; the failure is recorded and retried once it is back, exactly once', async () => {
      const port = await closedPort();
      const box = outbox(smtp(`smtp://127.0.0.1:${port}`));

      const record = await enqueue(box, INPUT);
      expect(record.status).to.equal('pending');
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });

      let stored = recordOf(db, record.id);
      expect(stored.status).to.equal('pending');
      expect(stored.attempts).to.equal(1);
      expect(stored.lastError).to.match(/ECONNECTION|ECONNREFUSED/);
      expect(Date.parse(stored.nextAttemptAt) - clock.now().getTime()).to.equal(RETRY.baseMs);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 }, 'not due yet');
      expect(logs.lines.some((l) => l.level === 40 && l.msg === 'mail delivery failed; will retry')).to.equal(true);

      const smtpServer = await server(port);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 }, 'still not due: the clock has not moved');
      clock.advance(RETRY.baseMs);
      const results = await Promise.all([box.deliverDue(), box.deliverDue(), box.deliverDue()]);
      expect(results).to.deep.equal([
        { sent: 1, failed: 0 },
        { sent: 1, failed: 0 },
        { sent: 1, failed: 0 },
      ]);
      await box.deliverDue();
      clock.advance(RETRY.maxMs * 10);
      await box.deliverDue();

      expect(smtpServer.received).to.have.length(1);
      stored = recordOf(db, record.id);
      expect(stored.status).to.equal('sent');
      expect(stored.attempts).to.equal(2);
      expectCleanLogs();
    });

    it('a server that refuses with 451 → retried later; the error is kept with addresses masked', async () => {
      const smtpServer = await server();
      smtpServer.reject = { code: 451, message: 'Mailbox budi.santoso@example.com busy, try again later' };
      const box = outbox(smtp(smtpServer.url));

      const record = await enqueue(box, INPUT);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
      let stored = recordOf(db, record.id);
      expect(stored.status).to.equal('pending');
      expect(stored.lastError).to.include('451');
      expect(stored.lastError).to.include('b***@example.com');
      expect(stored.lastError).to.not.include('budi.santoso@');

      clock.advance(RETRY.baseMs);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
      stored = recordOf(db, record.id);
      expect(stored.attempts).to.equal(2);
      expect(Date.parse(stored.nextAttemptAt) - clock.now().getTime()).to.equal(2 * RETRY.baseMs, 'doubles');

      smtpServer.reject = undefined;
      clock.advance(2 * RETRY.baseMs);
      expect(await box.deliverDue()).to.deep.equal({ sent: 1, failed: 0 });
      expect(smtpServer.rejected).to.equal(2);
      expect(smtpServer.received).to.have.length(1);
      expect(recordOf(db, record.id).status).to.equal('sent');
      expectCleanLogs();
    });

    it('restart: a second Outbox over the same Db sends the pending record once', async () => {
      const port = await closedPort();
      const first = outbox(smtp(`smtp://127.0.0.1:${port}`));
      const failed = await enqueue(first, INPUT);
      await first.deliverDue(); // fails: server down
      await first.stop();
      const untried = await enqueue(first, { ...INPUT, subject: 'Second' }); // stopped: recorded, not attempted
      expect(recordOf(db, untried.id).attempts).to.equal(0);

      const smtpServer = await server(port);
      clock.advance(RETRY.baseMs);
      const second = outbox(smtp(smtpServer.url));
      second.start(60_000);
      expect(await second.deliverDue()).to.deep.equal({ sent: 2, failed: 0 }); // joins the run start() began
      await second.deliverDue();
      await second.stop();

      expect(smtpServer.received.map((m) => m.parsed.subject)).to.deep.equal([INPUT.subject, 'Second']);
      expect(recordOf(db, failed.id).status).to.equal('sent');
      expect(recordOf(db, untried.id).status).to.equal('sent');
    });

    it('a subject containing CR/LF + "Bcc:" cannot add a header or a recipient', async () => {
      const smtpServer = await server();
      const box = outbox(smtp(smtpServer.url));
      const record = await enqueue(box, { ...INPUT, subject: 'Hello\r\nBcc: x@y.z' });
      expect(record.subject).to.equal('Hello Bcc: x@y.z');
      await box.deliverDue();

      const [mail] = smtpServer.received;
      expect(mail?.rcptTo).to.deep.equal(['Budi.Santoso@example.com']);
      expect(mail?.parsed.bcc).to.equal(undefined);
      expect(mail?.parsed.headers.has('bcc')).to.equal(false);
      expect(mail?.raw).to.not.match(/^bcc:/im);
      expect(mail?.parsed.subject).to.equal('Hello Bcc: x@y.z');
    });

    it('MAIL_FROM with a display name: the From header carries it, the envelope and Message-ID the address only', async () => {
      const smtpServer = await server();
      const box = outbox(smtp(smtpServer.url), { from: 'Wowrack Privacy <privacy@wowrack.co.id>' });
      const record = await enqueue(box, INPUT);
      expect(await box.deliverDue()).to.deep.equal({ sent: 1, failed: 0 });
      const [mail] = smtpServer.received;
      expect(mail?.mailFrom).to.equal('privacy@wowrack.co.id');
      expect(mail?.parsed.from?.value).to.deep.equal([{ address: 'privacy@wowrack.co.id', name: 'Wowrack Privacy' }]);
      expect(mail?.raw).to.match(/^From: Wowrack Privacy <privacy@wowrack\.co\.id>$/m);
      expect(mail?.parsed.messageId).to.equal(`<${record.id}@wowrack.co.id>`);
    });

    for (const code of [550, 552, 553, 554])
      it(`a permanent refusal (${code}) fails at once: marked failed, never retried, an error log naming id and purpose`, async () => {
        const smtpServer = await server();
        smtpServer.reject = { code, message: 'Mailbox budi.santoso@example.com unavailable' };
        const box = outbox(smtp(smtpServer.url));
        const record = await enqueue(box, INPUT);
        expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 }); // joins the background run
        expect(await box.waitForDelivery([record.id], 5_000)).to.equal(false);
        expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 }, 'nothing left to try');

        const stored = recordOf(db, record.id);
        expect(stored.status).to.equal('failed');
        expect(stored.attempts).to.equal(1);
        expect(stored.lastError).to.include(String(code)).and.include('b***@example.com');
        expect(await box.pending()).to.deep.equal([]);

        clock.advance(RETRY.giveUpAfterMs * 2);
        smtpServer.reject = undefined;
        expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 }, 'a failed record is not retried');
        expect(smtpServer.rejected).to.equal(1);
        expect(smtpServer.received).to.have.length(0);

        const errors = logs.lines.filter((l) => l.level === 50);
        expect(errors).to.have.length(1);
        expect(errors[0]).to.include({
          outboxId: record.id,
          purpose: 'ticket-confirmation',
          permanent: true,
          responseCode: code,
          attempts: 1,
        });
        expect(errors[0]?.msg).to.include('not retried');
        expect(logs.lines.some((l) => l.level === 40)).to.equal(false, 'no "will retry" warning');
        expectCleanLogs();
      });

    it('a message the transport refuses as invalid is failed at once too (no retry can fix it)', async () => {
      const transport = new FakeTransport();
      transport.fail = new InvalidMailError('invalid To address');
      const box = outbox(transport);
      const record = await enqueue(box, INPUT);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
      expect(recordOf(db, record.id)).to.include({ status: 'failed', attempts: 1 });
      expect(logs.lines.filter((l) => l.level === 50)[0]).to.include({ outboxId: record.id, permanent: true });
    });

    it('a mail holding a secret (a consent link) that fails for good keeps no token', async () => {
      const transport = new FakeTransport();
      transport.fail = new InvalidMailError('invalid To address');
      const box = outbox(transport);
      const token = 'A'.repeat(43);
      const record = await enqueue(box, {
        ...INPUT,
        text: `Buka https://chat.example/consent/${token}`,
        scrubAfterSend: true,
      });
      await box.deliverDue();
      const stored = recordOf(db, record.id);
      expect(stored.status).to.equal('failed');
      expect(stored.text).to.not.include(token);
      expect(stored.text).to.include('[removed]');
    });

    it('gives up after giveUpAfterMs: status failed and an error log', async () => {
      const port = await closedPort();
      const box = outbox(smtp(`smtp://127.0.0.1:${port}`), {
        retry: { baseMs: 1_000, maxMs: 4_000, giveUpAfterMs: 10_000 },
      });
      const record = await enqueue(box, INPUT);
      await box.deliverDue();
      const delays: number[] = [];
      for (let i = 0; i < 10 && recordOf(db, record.id).status === 'pending'; i += 1) {
        const due = Date.parse(recordOf(db, record.id).nextAttemptAt);
        delays.push(due - clock.now().getTime());
        clock.advance(due - clock.now().getTime());
        expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 1 });
      }
      expect(delays).to.deep.equal([1_000, 2_000, 4_000, 4_000]); // capped at maxMs; 11 s ≥ 10 s → give up
      const stored = recordOf(db, record.id);
      expect(stored.status).to.equal('failed');
      expect(stored.attempts).to.equal(5);
      expect(await box.pending()).to.deep.equal([]);

      clock.advance(1_000_000);
      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 }, 'a failed record is not retried');
      const errors = logs.lines.filter((l) => l.level === 50);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include({ outboxId: record.id, to: 'B***@example.com', attempts: 5 });
      expectCleanLogs();
    });
  });

  describe('validation', () => {
    const badAddresses = [
      'budi@example.com\r\nBcc: x@y.z',
      'budi@example.com\n',
      'Budi <budi@example.com>',
      '"Budi" <budi@example.com>',
      'budi@example.com, eve@example.com',
      'budi@example.com;eve@example.com',
      'budi@example',
      'budi',
      '',
    ];

    for (const bad of badAddresses) {
      it(`rejects to=${JSON.stringify(bad)} with InvalidAddressError and queues nothing`, async () => {
        const transport = new FakeTransport();
        const box = outbox(transport);
        const error = await rejection(enqueue(box, { ...INPUT, to: bad }));
        expect(error).to.be.instanceOf(InvalidAddressError);
        expect(error).to.have.property('field', 'to');
        expect(db.snapshot().outbox).to.deep.equal([]);
        expect(db.writes).to.equal(0);
        await box.deliverDue();
        expect(transport.sent).to.deep.equal([]);
      });
    }

    it('rejects an invalid replyTo the same way', async () => {
      const box = outbox(new FakeTransport());
      for (const bad of ['support@wowrack.co.id\r\nBcc: x@y.z', 'Support <support@wowrack.co.id>', '']) {
        const error = await rejection(enqueue(box, { ...INPUT, replyTo: bad }));
        expect(error).to.be.instanceOf(InvalidAddressError);
        expect(error).to.have.property('field', 'replyTo');
      }
      expect(db.snapshot().outbox).to.deep.equal([]);
    });

    it('refuses an invalid From address and a nonsensical retry policy at construction', () => {
      // A display name is fine since MAIL_FROM accepts one (issue 8, "Also"); the address part is still checked.
      expect(() => outbox(new FakeTransport(), { from: 'Privacy <privacy@wowrack.co.id>' })).to.not.throw();
      for (const from of ['Privacy <privacy@wowrack>', 'Privacy\r\nBcc: x@y.z <privacy@wowrack.co.id>', 'privacy'])
        expect(() => outbox(new FakeTransport(), { from }), from).to.throw(InvalidAddressError);
      expect(() => outbox(new FakeTransport(), { retry: { baseMs: 0 } })).to.throw(RangeError);
    });
  });

  describe('delivery', () => {
    it('sends oldest first, one at a time', async () => {
      const transport = new FakeTransport();
      const box = outbox(transport);
      const base = clock.now().getTime();
      const make = (id: string, minutes: number): OutboxRecord => ({
        id,
        createdAt: new Date(base - minutes * 60_000).toISOString(),
        to: `${id}@example.com`,
        subject: id,
        text: 'x',
        purpose: 'test',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(base - minutes * 60_000).toISOString(),
      });
      await db.update((data) => {
        data.outbox.push(make('c', 1), make('a', 3), make('b', 2));
        data.outbox.push({ ...make('later', 5), nextAttemptAt: new Date(base + 1).toISOString() });
        data.outbox.push({ ...make('done', 6), status: 'sent' });
      });
      expect(await box.deliverDue()).to.deep.equal({ sent: 3, failed: 0 });
      expect(transport.sent.map((m) => m.subject)).to.deep.equal(['a', 'b', 'c']);
      expect(transport.maxActive).to.equal(1);
      expect((await box.pending()).map((r) => r.id)).to.deep.equal(['later']);
    });

    it('single-flight: concurrent calls and enqueues during a run never send a record twice', async () => {
      const transport = new FakeTransport();
      transport.hold();
      const box = outbox(transport);
      const first = await enqueue(box, { ...INPUT, subject: '1' }); // background run starts, blocked in send
      const runs = [box.deliverDue(), box.deliverDue()];
      clock.advance(1);
      await enqueue(box, { ...INPUT, subject: '2' });
      clock.advance(1);
      await enqueue(box, { ...INPUT, subject: '3' });
      runs.push(box.deliverDue());
      transport.open();
      const totals = await Promise.all(runs);
      expect(totals.every((t) => t.sent === 3)).to.equal(true, 'all callers joined the same run');
      await Promise.all([box.deliverDue(), box.deliverDue()]);
      expect(transport.sent.map((m) => m.subject)).to.deep.equal(['1', '2', '3']);
      expect(transport.maxActive).to.equal(1);
      expect(new Set(transport.sent.map((m) => m.messageId)).size).to.equal(3);
      expect(recordOf(db, first.id).attempts).to.equal(1);
    });

    it('a mail recorded while a run is making its last check is still sent by that run (no wait for the timer)', async () => {
      const transport = new FakeTransport();
      let gate: (() => void) | undefined;
      let slow = true;
      // The run's "anything due?" is in flight (a database round trip) when the new mail is committed and wakes it.
      const queue: MailQueue = {
        claimDue: async (now, until, skip) => {
          const found = await store.mailQueue.claimDue(now, until, skip);
          if (slow && !found) {
            slow = false;
            await new Promise<void>((resolve) => {
              gate = resolve;
            });
          }
          return found;
        },
      };
      const box = outbox(transport, { queue });
      const run = box.deliverDue();
      await eventually(() => gate !== undefined);
      const record = newOutboxRecord({ ...INPUT, subject: 'late' }, clock.now().toISOString());
      await store.transaction((tx) => tx.outbox.add(record));
      box.wake();
      gate?.();
      expect(await run).to.deep.equal({ sent: 1, failed: 0 });
      expect(transport.sent.map((m) => m.subject)).to.deep.equal(['late']);
    });

    it('jitter keeps the retry delay within ±20 %', async () => {
      for (const [random, expected] of [
        [0, 800],
        [0.999999, 1_200],
      ] as const) {
        db = new MemoryDb();
        store = new LowdbRequestStore(db);
        const transport = new FakeTransport();
        transport.fail = new Error('boom');
        const box = outbox(transport, { random: () => random });
        const record = await enqueue(box, INPUT);
        await box.deliverDue();
        expect(Date.parse(recordOf(db, record.id).nextAttemptAt) - clock.now().getTime()).to.equal(expected);
      }
    });

    it('sent but the status could not be saved: not sent again, status saved on the next run', async () => {
      const transport = new FakeTransport();
      const box = outbox(transport);
      await box.stop(); // no background delivery: drive it by hand
      const record = await enqueue(box, INPUT);
      db.failNextUpdates(1);
      const error = await rejection(box.deliverDue());
      expect(String(error)).to.include('ENOSPC');
      expect(transport.sent).to.have.length(1);
      expect(recordOf(db, record.id).status).to.equal('pending');

      db.failNextUpdates(1); // the disk is still failing on the next run
      expect(String(await rejection(box.deliverDue()))).to.include('ENOSPC');
      expect(transport.sent).to.have.length(1);

      expect(await box.deliverDue()).to.deep.equal({ sent: 0, failed: 0 });
      expect(transport.sent).to.have.length(1);
      expect(recordOf(db, record.id)).to.include({ status: 'sent', attempts: 1 });
      expect(logs.lines.some((l) => l.level === 50 && l.msg.includes('could not be saved'))).to.equal(true);
    });

    it('a failing background delivery is logged, never an unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const box = outbox(new FakeTransport());
        db.failNextUpdates(1, new Error('EIO: disk gone'));
        const error = await rejection(enqueue(box, INPUT));
        expect(String(error)).to.include('EIO');
        expect(db.snapshot().outbox).to.have.length(0);

        await enqueue(box, INPUT);
        db.failNextUpdates(1, new Error('EIO: disk gone'));
        await eventually(() => logs.lines.some((l) => l.msg === 'mail delivery run failed'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(unhandled).to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('start() delivers on its timer; stop() ends it and waits for the send in progress', async () => {
      const transport = new FakeTransport();
      transport.fail = new Error('ECONNREFUSED');
      const box = outbox(transport);
      box.start(10);
      const record = await enqueue(box, INPUT);
      await eventually(() => recordOf(db, record.id).attempts === 1);
      transport.fail = undefined;
      clock.advance(RETRY.baseMs);
      await eventually(() => recordOf(db, record.id).status === 'sent'); // picked up by the timer
      expect(transport.sent).to.have.length(1);

      transport.hold();
      clock.advance(1);
      const next = await enqueue(box, { ...INPUT, subject: 'held' });
      const stopped = box.stop();
      let stopDone = false;
      void stopped.then(() => {
        stopDone = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stopDone).to.equal(false, 'stop() waits for the send in progress');
      transport.open();
      await stopped;
      expect(recordOf(db, next.id).status).to.equal('sent');
    });
  });

  describe('one unit of work for a request and its mails, and waitForDelivery', () => {
    const ticket = {
      id: 'PRV-20250102-0001',
      createdAt: '2025-01-02T03:04:05.000Z',
      kind: 'question',
      lang: 'id',
      name: 'Budi',
      email: 'budi.santoso@example.com',
      question: 'Apakah data saya dijual?',
      transcript: [],
      conversationId: 'conv-1',
    } as const;

    it('records the request and its mails in one unit of work, then delivers them in order', async () => {
      const transport = new FakeTransport();
      const box = outbox(transport);
      const writesBefore = db.writes;
      const ids = await store.transaction(async (tx) => {
        await tx.tickets.add({ ...ticket, transcript: [] });
        return addMails(
          tx,
          [
            { ...INPUT, to: 'support@wowrack.co.id', replyTo: TO, purpose: 'ticket-support' },
            { ...INPUT, purpose: 'ticket-acknowledgement' },
          ],
          clock.now(),
        );
      });
      expect(db.writes - writesBefore).to.equal(1, 'one update for the ticket and both mails');
      expect(ids.map((id) => recordOf(db, id)).map((r) => [r.to, r.replyTo, r.status])).to.deep.equal([
        ['support@wowrack.co.id', 'Budi.Santoso@example.com', 'pending'],
        ['Budi.Santoso@example.com', 'support@wowrack.co.id', 'pending'],
      ]);
      expect(await box.waitForDelivery(ids, 2_000)).to.equal(true);
      expect(transport.sent.map((m) => m.to)).to.deep.equal(['support@wowrack.co.id', 'Budi.Santoso@example.com']);
      expect(db.snapshot().tickets).to.have.length(1);
    });

    it("an invalid address in any mail changes nothing at all (not even the request's own record)", async () => {
      const transport = new FakeTransport();
      const box = outbox(transport);
      const error = await rejection(
        store.transaction(async (tx) => {
          await tx.tickets.add({ ...ticket, transcript: [] });
          return addMails(tx, [INPUT, { ...INPUT, to: 'eve@example.com\r\nBcc: x@y.z' }], clock.now());
        }),
      );
      expect(error).to.be.instanceOf(InvalidAddressError);
      expect(db.snapshot().tickets).to.deep.equal([]);
      expect(db.snapshot().outbox).to.deep.equal([]);
      await box.deliverDue();
      expect(transport.sent).to.deep.equal([]);
    });

    it('no mails: nothing to wait for', async () => {
      const box = outbox(new FakeTransport());
      expect(await box.waitForDelivery([], 10)).to.equal(true);
    });

    it('waitForDelivery: false at once when an attempt failed, false on timeout, false for an unknown id', async () => {
      const transport = new FakeTransport();
      transport.fail = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNECTION' });
      const box = outbox(transport);
      const failing = await enqueue(box, INPUT);
      const started = Date.now();
      expect(await box.waitForDelivery([failing.id], 5_000)).to.equal(false);
      expect(Date.now() - started).to.be.below(1_000, 'did not wait for the timeout');

      transport.fail = undefined;
      transport.hold();
      const held = await enqueue(box, { ...INPUT, subject: 'held' });
      expect(await box.waitForDelivery([held.id], 30)).to.equal(false, 'timeout');
      transport.open();
      expect(await box.waitForDelivery([held.id], 2_000)).to.equal(true);
      expect(await box.waitForDelivery(['no-such-id'], 2_000)).to.equal(false);
    });
  });

  describe('pending and prune', () => {
    it('pending() returns copies, oldest first', async () => {
      const box = outbox(new FakeTransport());
      await box.stop();
      await enqueue(box, { ...INPUT, subject: 'first' });
      clock.advance(1);
      await enqueue(box, { ...INPUT, subject: 'second' });
      const pending = await box.pending();
      expect(pending.map((r) => r.subject)).to.deep.equal(['first', 'second']);
      const [first] = pending;
      if (first) first.status = 'sent';
      expect(await box.pending()).to.have.length(2);
    });

    it('prune() deletes old sent and failed records, never pending ones', async () => {
      const transport = new FakeTransport();
      const box = outbox(transport);
      await box.stop();
      await enqueue(box, { ...INPUT, subject: 'old sent' });
      await enqueue(box, { ...INPUT, subject: 'old pending' });
      await db.update((data) => {
        const first = data.outbox[0];
        if (first) first.status = 'sent';
      });
      clock.advance(60_000);
      await enqueue(box, { ...INPUT, subject: 'new sent' });
      await db.update((data) => {
        const last = data.outbox[2];
        if (last) last.status = 'sent';
      });
      expect(await box.prune(new Date(clock.now().getTime() - 1))).to.equal(1);
      expect(db.snapshot().outbox.map((r) => r.subject)).to.deep.equal(['old pending', 'new sent']);
    });
  });

  it('end to end with the file transport: one .eml per message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wowrack-outbox-'));
    try {
      const box = outbox(createMailTransport({ mailDir: dir, now: clock.now }));
      const record = await enqueue(box, INPUT);
      await box.deliverDue();
      await box.deliverDue();
      const files = await readdir(dir);
      expect(files).to.have.length(1);
      const parsed = await simpleParser(await readFile(join(dir, files[0] ?? '')));
      expect(parsed.messageId).to.equal(`<${record.id}@wowrack.co.id>`);
      expect(parsed.subject).to.equal(INPUT.subject);
      expect(parsed.text).to.equal(BODY);
      expect(recordOf(db, record.id).status).to.equal('sent');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('describeError gives CODE: message on one line, addresses masked, bounded', () => {
    const error = Object.assign(new Error('Can not send to <budi@example.com>\r\nBcc: x'), { code: 'EENVELOPE' });
    expect(describeError(error)).to.equal('EENVELOPE: Can not send to <b***@example.com> Bcc: x');
    expect(describeError(new Error('x'.repeat(1000)))).to.have.length(300);
    expect(describeError('plain')).to.equal('plain');
    // a silent logger is fine too
    expect(() => pino({ level: 'silent' })).to.not.throw();
  });
});
