import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { InvalidAddressError } from '../../domain/address.ts';
import { DEFAULT_DEADLINE_POLICY } from '../../domain/deadlines.ts';
import { MailQuota } from '../../domain/mailQuota.ts';
import type { MailDelivery } from '../../domain/ports.ts';
import { RequestRecorder } from '../../domain/requestMail.ts';
import { type TicketInput, TicketService } from '../../domain/tickets.ts';
import { MemoryDb } from '../support/memoryDb.ts';

/** 03:15 WIB on 28 November 2026 (still the 27th in UTC): ticket ids use the WIB day. */
const NOW = new Date('2026-11-27T20:15:00.000Z');
const SUPPORT = 'support@wowrack.co.id';

class FakeDelivery implements MailDelivery {
  readonly waited: string[][] = [];
  wake(): void {}
  async waitForDelivery(ids: readonly string[]): Promise<boolean> {
    this.waited.push([...ids]);
    return true;
  }
}

const input = (override: Partial<TicketInput> = {}): TicketInput => ({
  kind: 'access',
  name: 'Budi',
  email: '  budi@Example.COM ',
  question: 'Tolong kirim salinan data saya',
  transcript: ['user: halo', 'bot: halo juga'],
  lang: 'id',
  conversationId: 'c1',
  ...override,
});

describe('domain/tickets', () => {
  let db: MemoryDb;
  let delivery: FakeDelivery;
  let tickets: TicketService;

  beforeEach(() => {
    db = new MemoryDb();
    delivery = new FakeDelivery();
    const requests = new RequestRecorder({
      store: new LowdbRequestStore(db),
      delivery,
      quota: new MailQuota([SUPPORT]),
      now: () => new Date(NOW),
      deliveryWaitMs: 100,
    });
    tickets = new TicketService({
      requests,
      supportEmail: SUPPORT,
      deadlines: { ...DEFAULT_DEADLINE_POLICY, questionDueHours: 48 },
      publicUrl: 'https://chat.example.test/',
    });
  });

  it('records an access request with its WIB-day id and the 72 h deadline', async () => {
    const outcome = await tickets.create(input());
    if (outcome.status !== 'recorded') expect.fail(outcome.status);
    const stored = db.snapshot().tickets;
    expect(stored).to.deep.equal([outcome.record]);
    const [ticket] = stored;
    expect(ticket?.id).to.match(/^PRV-20261128-\d{4}$/);
    expect(ticket?.createdAt).to.equal('2026-11-27T20:15:00.000Z');
    expect(ticket?.dueAt).to.equal('2026-11-30T20:15:00.000Z');
    expect(ticket?.email).to.equal('budi@example.com');
    expect(ticket?.transcript).to.deep.equal(['user: halo', 'bot: halo juga']);
    expect(ticket).to.not.have.property('account');
  });

  it('mails support (reply-to the customer) and the customer, both naming the ticket', async () => {
    const outcome = await tickets.create(input({ account: 'example.com' }));
    if (outcome.status !== 'recorded') expect.fail(outcome.status);
    const { id } = outcome.record;
    const outbox = db.snapshot().outbox;
    expect(outbox.map((m) => [m.purpose, m.to, m.replyTo])).to.deep.equal([
      ['ticket-support', SUPPORT, 'budi@example.com'],
      ['ticket-acknowledgement', 'budi@example.com', undefined],
    ]);
    for (const m of outbox) {
      expect(m.subject).to.include(`[${id}]`);
      expect(m.conversationId).to.equal('c1');
    }
    expect(outbox[0]?.text).to.include('Akun/domain    : example.com');
    expect(delivery.waited).to.deep.equal([outbox.map((m) => m.id)]);
  });

  it('a question is due by the service level; the acknowledgement names no deadline (it is not statutory)', async () => {
    const outcome = await tickets.create(input({ kind: 'question', lang: 'en' }));
    if (outcome.status !== 'recorded') expect.fail(outcome.status);
    expect(db.snapshot().tickets[0]?.dueAt).to.equal('2026-11-29T20:15:00.000Z');
    const ack = db.snapshot().outbox.find((m) => m.purpose === 'ticket-acknowledgement');
    expect(ack?.subject).to.include('We have received your request');
    expect(ack?.text).to.not.include('deadline');
    const toSupport = db.snapshot().outbox.find((m) => m.purpose === 'ticket-support');
    expect(toSupport?.text).to.include('Batas tanggapan: 30 November 2026 pukul 03.15 WIB (kebijakan perusahaan');
  });

  it('a deletion is due after DELETION_DUE_DAYS; a withdrawal of consent after the statutory 72 h', async () => {
    const deletion = await tickets.create(input({ kind: 'deletion', conversationId: 'c2' }));
    const withdrawal = await tickets.create(input({ kind: 'withdraw-consent', conversationId: 'c3' }));
    if (deletion.status !== 'recorded' || withdrawal.status !== 'recorded') expect.fail('not recorded');
    expect(deletion.record.dueAt).to.equal('2026-12-11T20:15:00.000Z');
    expect(withdrawal.record.dueAt).to.equal('2026-11-30T20:15:00.000Z');
    const ack = db.snapshot().outbox.filter((m) => m.purpose === 'ticket-acknowledgement');
    expect(ack.map((m) => m.text.includes('Batas waktu tanggapan'))).to.deep.equal([false, true]);
  });

  it('refuses an invalid address before anything is stored', async () => {
    let error: unknown;
    await tickets.create(input({ email: 'budi@example.com\r\nBcc: x@y.com' })).catch((e: unknown) => {
      error = e;
    });
    expect(error).to.be.instanceOf(InvalidAddressError);
    expect(db.snapshot().tickets).to.deep.equal([]);
    expect(db.writes).to.equal(0);
  });

  it('gives each ticket its own id and stops at the per-conversation cap', async () => {
    const outcomes = [];
    for (const n of [1, 2, 3, 4]) outcomes.push(await tickets.create(input({ email: `user${n}@example.com` })));
    expect(outcomes.map((o) => o.status)).to.deep.equal(['recorded', 'recorded', 'recorded', 'limited']);
    const ids = db.snapshot().tickets.map((t) => t.id);
    expect(new Set(ids).size).to.equal(3);
    expect(db.snapshot().outbox).to.have.length(6);
  });

  it('keeps the question masked like the transcript, a link hash for the identity check, and audits the recording', async () => {
    const outcome = await tickets.create(
      input({ question: 'hubungi saya di budi.lain@contoh.id atau 0812 3456 7890' }),
    );
    if (outcome.status !== 'recorded') expect.fail(outcome.status);
    const [ticket] = db.snapshot().tickets;
    expect(ticket?.question).to.equal('hubungi saya di [email] atau [number]');
    expect(ticket?.verification?.tokenHash).to.match(/^[0-9a-f]{64}$/);
    expect(ticket?.verification?.expiresAt).to.equal('2026-12-04T20:15:00.000Z');
    const ack = db.snapshot().outbox.find((m) => m.purpose === 'ticket-acknowledgement');
    expect(ack?.text).to.match(/https:\/\/chat\.example\.test\/verify\/[A-Za-z0-9_-]{43}\n/);
    expect(ack?.scrubAfterSend).to.equal(true);
    expect(ack?.messageId).to.equal(ticket?.messageId);
    const audit = db.snapshot().audit;
    expect(audit.map((e) => [e.actor, e.action, e.target, e.details?.kind])).to.deep.equal([
      ['customer', 'ticket.recorded', ticket?.id, 'access'],
    ]);
  });
});
