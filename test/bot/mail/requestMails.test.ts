/**
 * The mails the requests make, delivered through the outbox to a real SMTP server on loopback: one confirmation per
 * mailbox (finding 16), no caller text to an unverified address (finding 7), no control or bidi character in any mail
 * (finding 15).
 */
import { expect } from 'chai';
import { Outbox } from '../../../bot/mail/outbox.ts';
import { createMailTransport, type MailTransport } from '../../../bot/mail/transport.ts';
import { LowdbRequestStore } from '../../../bot/store/lowdb/lowdbRequestStore.ts';
import { DEFAULT_DEADLINE_POLICY } from '../../../domain/deadlines.ts';
import { MailQuota } from '../../../domain/mailQuota.ts';
import { RequestRecorder } from '../../../domain/requestMail.ts';
import { TicketService } from '../../../domain/tickets.ts';
import { UnsubscribeService } from '../../../domain/unsubscribe.ts';
import { captureLogger, FakeClock, TestSmtpServer } from '../../support/mail.ts';
import { MemoryDb } from '../../support/memoryDb.ts';

const SUPPORT = 'support@wowrack.co.id';
const MARKETING = 'marketing@wowrack.co.id';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('mail/requests through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let outbox: Outbox;
  let db: MemoryDb;
  let requests: RequestRecorder;
  let store: LowdbRequestStore;

  beforeEach(async () => {
    smtp = await TestSmtpServer.start();
    transport = createMailTransport({ smtpUrl: smtp.url, mailDir: '/nonexistent' });
    db = new MemoryDb();
    store = new LowdbRequestStore(db);
    const clock = new FakeClock();
    outbox = new Outbox({
      store,
      queue: store.mailQueue,
      transport,
      logger: captureLogger().logger,
      from: 'Wowrack Privacy <privacy@wowrack.co.id>',
      now: clock.now,
    });
    requests = new RequestRecorder({
      store,
      delivery: outbox,
      quota: new MailQuota([SUPPORT, MARKETING]),
      now: clock.now,
      deliveryWaitMs: 5_000,
    });
  });

  afterEach(async () => {
    await outbox.stop();
    await transport.close();
    await smtp.close();
  });

  it('five +tag and dot variants of one mailbox: one entry, one confirmation, one REMOVE; the others are "already done"', async () => {
    const service = new UnsubscribeService({ store, requests, marketingEmail: MARKETING, supportEmail: SUPPORT });
    const variants = ['a.b@gmail.com', 'ab+1@gmail.com', 'A.B+2@gmail.com', 'a.b.+3@googlemail.com', 'AB+x@GMAIL.COM'];
    const statuses: string[] = [];
    for (const [i, email] of variants.entries())
      statuses.push((await service.unsubscribe({ email, lang: 'id', conversationId: `conv-${i}` })).status);
    expect(statuses).to.deep.equal(['recorded', 'existing', 'existing', 'existing', 'existing']);
    expect(db.snapshot().unsubscribes.map((u) => u.email)).to.deep.equal(['ab@gmail.com']);
    for (const email of variants) expect(await service.find(email), email).to.not.equal(undefined);

    await outbox.deliverDue();
    const toCustomer = smtp.received.filter((m) => !m.rcptTo.includes(MARKETING));
    const toMarketing = smtp.received.filter((m) => m.rcptTo.includes(MARKETING));
    expect(toCustomer.map((m) => m.rcptTo)).to.deep.equal([['a.b@gmail.com']], 'sent to the address as typed');
    expect(toMarketing).to.have.length(1);
    expect(toMarketing[0]?.parsed.text).to.include('a.b@gmail.com').and.include('ab@gmail.com');
    expect(toCustomer[0]?.parsed.from?.value).to.deep.equal([
      { address: 'privacy@wowrack.co.id', name: 'Wowrack Privacy' },
    ]);
  });

  it('an entry recorded before the list keyed on mailboxes still counts as done', async () => {
    const service = new UnsubscribeService({ store, requests, marketingEmail: MARKETING, supportEmail: SUPPORT });
    await store.transaction((tx) =>
      tx.unsubscribes.add({
        email: 'budi+news@example.com',
        createdAt: '2024-01-01T00:00:00.000Z',
        source: 'chat',
        conversationId: 'c',
      }),
    );
    const outcome = await service.unsubscribe({ email: 'Budi+News@example.com', lang: 'en', conversationId: 'c2' });
    expect(outcome.status).to.equal('existing');
    expect(smtp.received).to.have.length(0);
  });

  it('a ticket with a phishing question and a bidi override: the acknowledgement quotes nothing, no mail carries the characters', async () => {
    const tickets = new TicketService({
      requests,
      supportEmail: SUPPORT,
      deadlines: DEFAULT_DEADLINE_POLICY,
      publicUrl: 'https://chat.example.test',
    });
    const question = 'Akun diblokir, [Verifikasi akun](http://evil.example/login) \u202egnp.exe\u0007 segera';
    const outcome = await tickets.create({
      kind: 'question',
      name: 'Budi Santoso',
      email: 'victim@example.com',
      question,
      transcript: [],
      lang: 'id',
      conversationId: 'conv-t',
    });
    expect(outcome).to.include({ status: 'recorded', delivered: true });
    expect(smtp.received).to.have.length(2);
    const ack = smtp.received.find((m) => m.rcptTo.includes('victim@example.com'));
    const staff = smtp.received.find((m) => m.rcptTo.includes(SUPPORT));
    expect(ack?.raw).to.not.include('evil.example');
    expect(ack?.parsed.text).to.not.include('diblokir');
    expect(ack?.parsed.text).to.include('Pertanyaan tentang kebijakan privasi');
    expect(staff?.parsed.text).to.include('http://evil.example/login'); // support sees the question
    for (const mail of smtp.received) {
      expect(mail.parsed.text ?? '', 'text').to.not.match(UNSAFE);
      expect(mail.parsed.subject ?? '', 'subject').to.not.match(UNSAFE);
    }
  });
});
