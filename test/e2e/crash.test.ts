/**
 * Issue 8, finding 2 (duplicate tickets), with real processes: the assistant runs as `node --import tsx bot/index.ts`
 * on its own DATA_DIR (mail as .eml files, no SMTP), is driven over HTTP POST /api/messages with expectReplies, and
 * is killed with SIGKILL while confirmations are in flight. Whatever the moment of the kill, every confirmed request
 * ends as exactly one ticket with its two mails, and a retried confirmation answers with that same ticket.
 *
 * Each customer talks from its own loopback address (127.0.0.x), as real customers do: the per-client mail cap then
 * counts each on its own, so a "limit reached" answer can only come from duplicated mail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DatabaseShape } from '../../bot/store/lowdb/jsonDocument.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SUPPORT_EMAIL = 'privacy-support@example.test';
const TICKET = /PRV-\d{8}-\d{4,}/g;
const LIMIT_REACHED = 'batas pengiriman e-mail';
const SUMMARY = 'Kirim ke tim support?';
const CUSTOMERS = 8;
const KILLS = 3;
const REQUEST_TIMEOUT_MS = 10_000;
const START_TIMEOUT_MS = 15_000;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// --- the assistant as a child process ----------------------------------------------------------------------------

interface Assistant {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<void>;
}

/** Children still running, with the promise of their exit (the after hook kills and awaits them). */
const running = new Map<ChildProcess, Promise<void>>();

/** Starts the assistant on `dataDir` (free port, info log on stdout, no SMTP, no serviceUrl allowed). */
async function startAssistant(dataDir: string): Promise<Assistant> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    PORT: '0',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    SERVICE_URL_ALLOWLIST: '',
    SUPPORT_EMAIL,
  };
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/index.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const port = await new Promise<number>((done, fail) => {
    let buffered = '';
    const timer = setTimeout(
      () => fail(new Error(`the assistant did not listen within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        try {
          const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
          if (typeof entry.port === 'number' && String(entry.msg).startsWith('listening')) {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.stdout?.resume();
            done(entry.port);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the assistant exited before listening:\n${stderr}`));
    });
  });
  return { child, port, exited };
}

async function killHard(assistant: Assistant): Promise<void> {
  assistant.child.kill('SIGKILL');
  await assistant.exited;
}

/** SIGTERM (a clean stop), SIGKILL if it does not stop within 10 s. */
async function stop(assistant: Assistant): Promise<void> {
  assistant.child.kill('SIGTERM');
  const timer = setTimeout(() => assistant.child.kill('SIGKILL'), 10_000);
  await assistant.exited;
  clearTimeout(timer);
}

async function readDb(dataDir: string): Promise<DatabaseShape> {
  return JSON.parse(await readFile(join(dataDir, 'assistant-db.json'), 'utf8')) as DatabaseShape;
}

// --- a customer over HTTP ----------------------------------------------------------------------------------------

interface Reply {
  /** The message texts, joined by newlines; undefined when the request failed (connection cut by the kill). */
  readonly text?: string;
  readonly error?: string;
}

/** One customer: its own conversation, e-mail and loopback source address. */
class Customer {
  private sequence = 0;
  /** The ticket number the assistant told this customer, if any. */
  told?: string;

  constructor(
    readonly conversationId: string,
    readonly email: string,
    private readonly localAddress: string,
  ) {}

  /** Sends one message (a retry sends the same activity id again) and waits for the replies. */
  say(port: number, text: string, retryOf?: number): Promise<Reply> {
    const n = retryOf ?? ++this.sequence;
    const body = JSON.stringify({
      type: 'message',
      id: `${this.conversationId}-a${n}`,
      timestamp: new Date().toISOString(),
      text,
      channelId: 'webchat',
      conversation: { id: this.conversationId },
      from: { id: `${this.conversationId}-user`, name: 'Customer' },
      recipient: { id: 'bot', name: 'Wowrack' },
      deliveryMode: 'expectReplies',
      locale: 'id-ID',
    });
    return new Promise((done) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          localAddress: this.localAddress,
          method: 'POST',
          path: '/api/messages',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => done({ error: error.message }));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return done({ error: `HTTP ${res.statusCode}: ${raw.slice(0, 200)}` });
            try {
              const parsed = JSON.parse(raw) as { activities?: { type?: string; text?: string }[] };
              const texts = (parsed.activities ?? []).filter((a) => a.type === 'message').map((a) => a.text ?? '');
              done({ text: texts.join('\n') });
            } catch {
              done({ error: `not JSON: ${raw.slice(0, 200)}` });
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => done({ error: error.message }));
      req.end(body);
    });
  }

  /** The steps of test/support/flowScripts.ts supportRequest, up to the summary. */
  async toConfirmation(port: number): Promise<void> {
    const script = [
      'tolong hapus data saya',
      'Permintaan penghapusan data pribadi',
      'Budi Santoso',
      this.email,
      'lewati',
    ];
    let last: Reply = {};
    for (const text of script) last = await this.say(port, text);
    expect(last.text ?? last.error, `${this.conversationId} reaches the summary`).to.include(SUMMARY);
  }

  /** Which activity id the confirmation used (to retry it with the same id). */
  confirmationId?: number;

  async confirm(port: number): Promise<Reply> {
    if (this.confirmationId === undefined) {
      const reply = await this.say(port, 'ya');
      this.confirmationId = this.sequence;
      return reply;
    }
    return this.say(port, 'ya', this.confirmationId);
  }
}

function ticketsIn(text: string | undefined): string[] {
  return [...new Set(text?.match(TICKET) ?? [])];
}

// --- the tests ---------------------------------------------------------------------------------------------------

describe('e2e: kill -9 during confirmations (issue 8, finding 2)', function () {
  this.timeout(90_000);
  const dirs: string[] = [];

  after(async () => {
    const exits = [...running].map(([child, exited]) => {
      child.kill('SIGKILL');
      return exited;
    });
    await Promise.all(exits);
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
    let assistant = await startAssistant(dir);
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
      assistant = await startAssistant(dir);
    }
    // After the last restart: every customer still without a number retries once more, with no kill.
    for (const customer of customers.filter((c) => c.told === undefined && !ended.has(c))) {
      const reply = await customer.confirm(assistant.port);
      expect(reply.error, `${customer.conversationId}'s last retry is answered`).to.equal(undefined);
      observe(customer, reply);
    }
    await stop(assistant);

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
    const assistant = await startAssistant(dir);
    const customer = new Customer(`term-${Date.now().toString(36)}`, 'term@example.com', '127.0.0.1');
    for (const text of ['apa itu cookie', 'apakah data saya dijual', 'zebra belang berlari kencang'])
      expect((await customer.say(assistant.port, text)).error).to.equal(undefined);
    // Counts are merged into the store every minute and inbox records every 2 s: only the shutdown can have written
    // these before the process ends.
    await stop(assistant);
    expect(assistant.child.exitCode).to.equal(0);
    const db = await readDb(dir);
    expect(db.dailyStats).to.have.length(1);
    expect(db.dailyStats[0]?.replies).to.deep.include({ answer: 2, none: 1 });
    expect(db.dailyStats[0]?.langs).to.deep.equal({ id: 3 });
    expect(db.inbox.map((r) => [r.kind, r.question])).to.deep.equal([['none', 'zebra belang berlari kencang']]);
  });

  it('two "ya" at the same moment in one conversation: one ticket, one number', async () => {
    const dir = await dataDir();
    const assistant = await startAssistant(dir);
    try {
      const customer = new Customer(`double-${Date.now().toString(36)}`, 'double@example.com', '127.0.0.1');
      await customer.toConfirmation(assistant.port);
      const replies = await Promise.all([customer.say(assistant.port, 'ya'), customer.say(assistant.port, 'ya')]);
      const named = replies.flatMap((r) => ticketsIn(r.text));
      expect(named.length, `a ticket is named (replies: ${JSON.stringify(replies)})`).to.be.at.least(1);
      expect(new Set(named).size, 'every reply that names a ticket names the same one').to.equal(1);
      expect(replies.some((r) => r.text?.includes(LIMIT_REACHED))).to.equal(false);
      await stop(assistant);
      const db = await readDb(dir);
      expect(db.tickets.map((t) => t.id)).to.deep.equal([named[0]]);
      expect(db.outbox.filter((m) => m.subject.startsWith(`[${named[0]}]`)).length).to.equal(2);
    } finally {
      assistant.child.kill('SIGKILL');
    }
  });
});
