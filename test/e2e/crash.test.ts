/**
 * Issue 8, finding 2 (duplicate tickets), with real processes: the assistant runs as `node --import tsx bot/index.ts`
 * on its own DATA_DIR (mail as .eml files, no SMTP), is driven over HTTP POST /api/messages with expectReplies, and
 * is killed with SIGKILL while confirmations are in flight. Whatever the moment of the kill, every confirmed request
 * ends as exactly one ticket with its two mails, and a retried confirmation answers with that same ticket.
 *
 * Each customer talks from its own loopback address (127.0.0.x), as real customers do: the per-client mail cap then
 * counts each on its own, so a "limit reached" answer can only come from duplicated mail.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DatabaseShape } from '../../bot/store/lowdb/jsonDocument.ts';
import { sleep } from '../support/appHarness.ts';
import {
  type AssistantProcess,
  killAssistants,
  killHard,
  startAssistant,
  stopAssistant,
} from '../support/assistantProcess.ts';
import { Customer, LIMIT_REACHED, type Reply, SUMMARY, ticketsIn } from '../support/httpCustomer.ts';

const SUPPORT_EMAIL = 'privacy-support@example.test';
const CUSTOMERS = 8;
const KILLS = 3;

/** Starts the assistant on `dataDir` (mail as .eml files, no SMTP, no serviceUrl allowed). */
const startOn = (dataDir: string): Promise<AssistantProcess> =>
  startAssistant({ DATA_DIR: dataDir, SERVICE_URL_ALLOWLIST: '', SUPPORT_EMAIL });

async function readDb(dataDir: string): Promise<DatabaseShape> {
  return JSON.parse(await readFile(join(dataDir, 'assistant-db.json'), 'utf8')) as DatabaseShape;
}

// --- the tests ---------------------------------------------------------------------------------------------------

describe('e2e: kill -9 during confirmations (issue 8, finding 2)', function () {
  this.timeout(90_000);
  const dirs: string[] = [];

  after(async () => {
    await killAssistants();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'wowrack-crash-'));
    dirs.push(dir);
    return dir;
  }

  it(`${CUSTOMERS} customers, ${KILLS} kills mid-confirmation: one ticket each, two mails each, right numbers`, async () => {
    const dir = await dataDir();
    const run = Date.now().toString(36);
    const customers = Array.from(
      { length: CUSTOMERS },
      (_, i) => new Customer(`crash-${run}-${i}`, `customer${i}-${run}@example.com`, `127.0.0.${10 + i}`),
    );
    let assistant = await startOn(dir);
    await Promise.all(customers.map((c) => c.toConfirmation(assistant.port)));

    const limited: string[] = [];
    /** Customers whose retried confirmation found the flow already ended: their ticket must be in the database. */
    const ended = new Set<Customer>();
    const observe = (customer: Customer, reply: Reply) => {
      if (reply.text?.includes(LIMIT_REACHED)) limited.push(customer.conversationId);
      const named = ticketsIn(reply.text);
      expect(named.length, `${customer.conversationId} is told at most one ticket`).to.be.at.most(1);
      const ticket = named[0];
      if (ticket) {
        if (customer.told)
          expect(ticket, `${customer.conversationId} is told the same ticket again`).to.equal(customer.told);
        customer.told = ticket;
      } else if (reply.text !== undefined) {
        // Answered, without a ticket: the flow must have ended already (its confirmation was recorded before a kill).
        expect(reply.text, `${customer.conversationId} is not asked again`).not.to.include(SUMMARY);
        ended.add(customer);
      }
    };

    const kills: string[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const waiting = customers.filter((c) => c.told === undefined && !ended.has(c));
      if (waiting.length === 0) break;
      const delay = Math.floor(Math.random() * 41);
      const replies = Promise.all(waiting.map((c) => c.confirm(assistant.port).then((reply) => observe(c, reply))));
      await sleep(delay);
      await killHard(assistant);
      await replies;
      kills.push(`${delay} ms (${waiting.length} in flight)`);
      assistant = await startOn(dir);
    }
    // After the last restart: every customer still without a number retries once more, with no kill.
    for (const customer of customers.filter((c) => c.told === undefined && !ended.has(c))) {
      const reply = await customer.confirm(assistant.port);
      expect(reply.error, `${customer.conversationId}'s last retry is answered`).to.equal(undefined);
      observe(customer, reply);
    }
    await stopAssistant(assistant);

    const db = await readDb(dir);
    expect(limited, `no "limit reached" answer (kills at ${kills.join(', ')})`).to.deep.equal([]);
    expect(db.tickets.length, `one ticket per customer (kills at ${kills.join(', ')})`).to.equal(CUSTOMERS);
    for (const customer of customers) {
      const mine = db.tickets.filter((t) => t.email === customer.email);
      expect(mine.length, `${customer.email} has exactly one ticket`).to.equal(1);
      const ticket = mine[0];
      if (!ticket) continue;
      expect(ticket.conversationId).to.equal(customer.conversationId);
      expect(customer.told ?? ticket.id, `${customer.email} was told its own ticket`).to.equal(ticket.id);
      if (customer.told === undefined) expect(ended.has(customer), `${customer.email} got an answer`).to.equal(true);
      const mails = db.outbox.filter((m) => m.subject.startsWith(`[${ticket.id}]`));
      expect(
        mails.map((m) => m.purpose).sort(),
        `${ticket.id}: one mail to support and one acknowledgement`,
      ).to.deep.equal(['ticket-acknowledgement', 'ticket-support']);
      expect(mails.find((m) => m.purpose === 'ticket-support')?.to).to.equal(SUPPORT_EMAIL);
      expect(mails.find((m) => m.purpose === 'ticket-acknowledgement')?.to).to.equal(customer.email);
    }
    expect(db.outbox.length, 'no mail besides the tickets').to.equal(2 * CUSTOMERS);
  });

  it('a clean stop (SIGTERM) writes the analytics counts and inbox records still in memory', async () => {
    const dir = await dataDir();
    const assistant = await startOn(dir);
    const customer = new Customer(`term-${Date.now().toString(36)}`, 'term@example.com', '127.0.0.1');
    for (const text of ['apa itu cookie', 'apakah data saya dijual', 'zebra belang berlari kencang'])
      expect((await customer.say(assistant.port, text)).error).to.equal(undefined);
    // Counts are merged into the store every minute and inbox records every 2 s: only the shutdown can have written
    // these before the process ends.
    await stopAssistant(assistant);
    expect(assistant.child.exitCode).to.equal(0);
    const db = await readDb(dir);
    // One day's counts, or two when the test ran across midnight WIB: summed, they are the three questions.
    expect(db.dailyStats.length).to.be.within(1, 2);
    const sum = (of: 'replies' | 'langs', key: string) =>
      db.dailyStats.reduce((total, day) => total + (day[of][key] ?? 0), 0);
    expect({ answer: sum('replies', 'answer'), none: sum('replies', 'none'), id: sum('langs', 'id') }).to.deep.equal({
      answer: 2,
      none: 1,
      id: 3,
    });
    expect(db.dailyStats.flatMap((day) => Object.keys(day.langs))).to.satisfy((langs: string[]) =>
      langs.every((lang) => lang === 'id'),
    );
    expect(db.inbox.map((r) => [r.kind, r.question])).to.deep.equal([['none', 'zebra belang berlari kencang']]);
  });

  it('two "ya" at the same moment in one conversation: one ticket, one number', async () => {
    const dir = await dataDir();
    const assistant = await startOn(dir);
    try {
      const customer = new Customer(`double-${Date.now().toString(36)}`, 'double@example.com', '127.0.0.1');
      await customer.toConfirmation(assistant.port);
      const replies = await Promise.all([customer.say(assistant.port, 'ya'), customer.say(assistant.port, 'ya')]);
      const named = replies.flatMap((r) => ticketsIn(r.text));
      expect(named.length, `a ticket is named (replies: ${JSON.stringify(replies)})`).to.be.at.least(1);
      expect(new Set(named).size, 'every reply that names a ticket names the same one').to.equal(1);
      expect(replies.some((r) => r.text?.includes(LIMIT_REACHED))).to.equal(false);
      await stopAssistant(assistant);
      const db = await readDb(dir);
      expect(db.tickets.map((t) => t.id)).to.deep.equal([named[0]]);
      expect(db.outbox.filter((m) => m.subject.startsWith(`[${named[0]}]`)).length).to.equal(2);
    } finally {
      assistant.child.kill('SIGKILL');
    }
  });
});
