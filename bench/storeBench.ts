/**
 * Section 4 of `npm run bench` (alone: `npm run bench -- --only store`, or `npx tsx bench/storeBench.ts [--json]
 * [--sizes 100,1000,10000,100000 | none] [--lowdb-max 10000]`; `--sizes none` measures part B alone): the shared store.
 *
 * A. A flow turn's latency with N stored conversations, the embedded file (lowdb) vs PostgreSQL. The store is seeded
 *    with N conversation states (about 1 KB each, as a conversation in a flow has), N/10 tickets and their mails;
 *    then an instance (`bot/index.ts`, a child process) serves support requests over HTTP, one message at a time, each
 *    customer on its own loopback address (so no mail cap interferes). "flow step" = a message inside the flow (its
 *    state read and written), "confirmation" = the last one (the ticket and its two mails recorded in one unit of
 *    work, the state written, the mails handed to the transport). lowdb rewrites its whole file on every write: it
 *    is measured up to --lowdb-max stored conversations (default 10,000); beyond that a write takes seconds.
 * B. FAQ-turn throughput of one instance vs two on one PostgreSQL database, on this machine (16 keep-alive
 *    connections in total, split over the instances), and one instance on lowdb for reference.
 *
 * PostgreSQL is a throwaway cluster started here (test/support/postgresCluster.ts); without its binaries the
 * PostgreSQL rows are skipped and the section says so.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createLogger } from '../bot/log/logger.ts';
import { DATABASE_FILE_NAME } from '../bot/store/lowdb/jsonDatabase.ts';
import { type DatabaseShape, emptyDatabase } from '../bot/store/lowdb/jsonDocument.ts';
import { PostgresDatabase } from '../bot/store/postgres/database.ts';
import { migrate } from '../bot/store/postgres/migrations.ts';
import type { OutboxRecord, TicketRecord } from '../domain/records.ts';
import { buildMatcher } from '../knowledge/build.ts';
import { detectFlowRequest } from '../knowledge/flowIntent.ts';
import { readLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import {
  type AssistantProcess,
  killAssistants,
  ROOT,
  startAssistant,
  stopAssistant,
} from '../test/support/assistantProcess.ts';
import { Customer, ticketsIn } from '../test/support/httpCustomer.ts';
import { findPostgresBin, type PostgresCluster, startPostgresCluster } from '../test/support/postgresCluster.ts';
import { keepAliveAgent, type LoadResult, runLoad } from './loadgen.ts';
import { cpuSnapshot, otherCores, type Summary, summarize } from './stats.ts';

const DEFAULT_SIZES = [100, 1_000, 10_000, 100_000];
const DEFAULT_LOWDB_MAX = 10_000;
/** Measured time per cell (store × size), after its warm-up; at least MIN_CUSTOMERS requests are measured. */
const CELL_BUDGET_MS = 12_000;
const MIN_CUSTOMERS = 4;
const MAX_CUSTOMERS = 60;
const THROUGHPUT_MS = 6_000;
const THROUGHPUT_WARMUP_MS = 2_000;
const CONNECTIONS = 16;
const WATCHDOG_MS = 20 * 60_000;

type StoreKind = 'lowdb' | 'PostgreSQL';

export interface LatencyCell {
  readonly store: StoreKind;
  readonly conversations: number;
  readonly seedMs: number;
  readonly startMs: number;
  readonly step: Summary;
  readonly confirmation: Summary;
  readonly failures: number;
}

export interface ThroughputRow {
  readonly label: string;
  readonly instances: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Cores' worth of CPU the whole machine used meanwhile (servers, PostgreSQL, the loader: all of this run). */
  readonly busyCores: number;
}

export interface StoreBenchResult {
  readonly latency: readonly LatencyCell[];
  readonly skipped: readonly string[];
  readonly throughput: readonly ThroughputRow[];
  readonly postgres?: string;
}

const progress = (line: string): void => {
  process.stderr.write(`[bench:store] ${line}\n`);
};

// --- seeding ------------------------------------------------------------------------------------------------------

/** A conversation's state in the middle of the support flow (about 1 KB of JSON, like the real one). */
function flowState(i: number): Record<string, unknown> {
  return {
    dialogState: {
      dialogStack: [
        {
          id: 'rootDialog',
          state: {
            dialogs: {
              dialogStack: [
                {
                  id: 'routeWaterfall',
                  state: { options: { flow: 'support' }, values: { instanceId: randomUUID() }, stepIndex: 0 },
                },
              ],
            },
          },
        },
        {
          id: 'support',
          state: {
            options: { lang: 'id', question: `pertanyaan pelanggan nomor ${i} tentang data pribadi saya` },
            values: {
              instanceId: randomUUID(),
              kind: 'deletion',
              name: `Pelanggan ${i}`,
              email: `customer${i}@example.com`,
            },
            stepIndex: 3,
          },
        },
        { id: 'emailPrompt', state: { options: { prompt: { text: 'Alamat e-mail Anda?' } }, state: {} } },
      ],
    },
    prefs: { lang: 'id', welcomed: true },
  };
}

const SEED_AT = '2025-01-01T00:00:00.000Z';

function seedTicket(i: number): TicketRecord {
  return {
    id: `PRV-20250101-S${i}`,
    createdAt: SEED_AT,
    dueAt: '2025-01-04T00:00:00.000Z',
    kind: 'deletion',
    lang: 'id',
    name: `Pelanggan ${i}`,
    email: `customer${i}@example.com`,
    question: `pertanyaan pelanggan nomor ${i}`,
    transcript: ['Pelanggan: tolong hapus data saya', 'Asisten: Baik, saya bantu.'],
    conversationId: `seed-${i}`,
    requestKey: `seed-request-${i}`,
  };
}

function seedMail(i: number, purpose: string): OutboxRecord {
  return {
    id: `seed-${purpose}-${i}`,
    createdAt: SEED_AT,
    to: purpose === 'support' ? 'support@wowrack.co.id' : `customer${i}@example.com`,
    subject: `[PRV-20250101-S${i}] Permintaan data pribadi`,
    text: `Tiket PRV-20250101-S${i}\n`.repeat(20),
    purpose: `ticket-${purpose}`,
    conversationId: `seed-${i}`,
    status: 'sent',
    attempts: 1,
    nextAttemptAt: SEED_AT,
    sentAt: SEED_AT,
  };
}

function seedLowdb(dir: string, n: number): void {
  const data: DatabaseShape = emptyDatabase();
  for (let i = 0; i < n; i += 1)
    data.state[`webchat/conversations/seed-${i}/`] = { eTag: randomUUID(), changedAt: SEED_AT, value: flowState(i) };
  for (let i = 0; i < n / 10; i += 1) {
    data.tickets.push(seedTicket(i));
    data.outbox.push(seedMail(i, 'support'), seedMail(i, 'acknowledgement'));
  }
  writeFileSync(join(dir, DATABASE_FILE_NAME), JSON.stringify(data), { mode: 0o600 });
}

/** The same data in PostgreSQL: one template row per table, numbered by generate_series (seconds for 100,000). */
async function seedPostgres(url: string, n: number): Promise<void> {
  const logger = createLogger('silent');
  const database = new PostgresDatabase(url, logger);
  try {
    await migrate(database, logger);
    await database.query('TRUNCATE bot_state, tickets, outbox, rate_windows, dl_conversations, dl_tokens CASCADE');
    const stateTemplate = JSON.stringify(flowState(0)).replace('Pelanggan 0', 'Pelanggan #');
    await database.query(
      `INSERT INTO bot_state (key, etag, changed_at, value)
       SELECT 'webchat/conversations/seed-' || i || '/', md5(i::text), $3, replace($1, '#', i::text)::json
       FROM generate_series(0, $2 - 1) AS i`,
      [stateTemplate, n, SEED_AT],
    );
    const tickets = Math.floor(n / 10);
    await database.query(
      `INSERT INTO tickets (id, request_key, status, created_at, due_at, data)
       SELECT 'PRV-20250101-S' || i, 'seed-request-' || i, 'new', $3, $4, replace($1, 'S#', 'S' || i)::json
       FROM generate_series(0, $2 - 1) AS i`,
      [JSON.stringify(seedTicket(0)).replaceAll('S0', 'S#'), tickets, SEED_AT, '2025-01-04T00:00:00.000Z'],
    );
    for (const purpose of ['support', 'acknowledgement'])
      await database.query(
        `INSERT INTO outbox (id, status, created_at, next_attempt_at, recipient, conversation_id, data)
         SELECT 'seed-${purpose}-' || i, 'sent', $3, $3, $4, 'seed-' || i, replace($1, 'S#', 'S' || i)::json
         FROM generate_series(0, $2 - 1) AS i`,
        [JSON.stringify(seedMail(0, purpose)).replaceAll('S0', 'S#'), tickets, SEED_AT, 'customer@example.com'],
      );
    await database.query('ANALYZE');
  } finally {
    await database.close();
  }
}

// --- A: flow-turn latency -----------------------------------------------------------------------------------------

const SCRIPT = ['tolong hapus data saya', 'Permintaan penghapusan data pribadi', 'Budi Santoso'];

async function measureFlow(instance: AssistantProcess, run: string, budgetMs: number, minCustomers = MIN_CUSTOMERS) {
  const steps: number[] = [];
  const confirmations: number[] = [];
  let failures = 0;
  const timed = async (customer: Customer, text: string, into: number[]) => {
    const started = performance.now();
    const reply = await customer.say(instance.port, text);
    into.push(performance.now() - started);
    return reply;
  };
  const deadline = performance.now() + budgetMs;
  for (let k = 0; k < MAX_CUSTOMERS && (k < minCustomers || performance.now() < deadline); k += 1) {
    const address = `127.1.${Math.floor(k / 250)}.${(k % 250) + 1}`;
    const customer = new Customer(`bench-${run}-${k}`, `bench${k}-${run}@example.com`, address);
    for (const text of [...SCRIPT, customer.email, 'lewati']) {
      const reply = await timed(customer, text, steps);
      if (reply.text === undefined) failures += 1;
    }
    const done = await timed(customer, 'ya', confirmations);
    if (ticketsIn(done.text).length !== 1) failures += 1;
  }
  return { step: summarize(steps), confirmation: summarize(confirmations), failures };
}

async function latencyCell(
  store: StoreKind,
  n: number,
  target: { readonly dir: string; readonly url?: string },
): Promise<LatencyCell> {
  const seedStarted = performance.now();
  if (target.url) await seedPostgres(target.url, n);
  else seedLowdb(target.dir, n);
  const seedMs = performance.now() - seedStarted;
  const startStarted = performance.now();
  const instance = await startAssistant({
    DATA_DIR: target.dir,
    ...(target.url ? { DATABASE_URL: target.url } : {}),
    SERVICE_URL_ALLOWLIST: '',
  });
  const startMs = performance.now() - startStarted;
  try {
    const run = `${store === 'lowdb' ? 'f' : 'p'}${n}-${Date.now().toString(36)}`;
    await measureFlow(instance, `${run}w`, 0, 1); // warm-up: JIT, connections, the file cache
    const measured = await measureFlow(instance, run, CELL_BUDGET_MS);
    return { store, conversations: n, seedMs, startMs, ...measured };
  } finally {
    await stopAssistant(instance);
  }
}

// --- B: FAQ throughput --------------------------------------------------------------------------------------------

async function faqTexts(): Promise<string[]> {
  const matcher = buildMatcher(await loadKnowledgeFile(resolve(ROOT, 'knowledge/faq.yaml')));
  const questions = readLabelled(resolve(ROOT, 'test/fixtures/questions.jsonl')).map((l) => l.q);
  return questions.filter((text) => !detectFlowRequest(text, matcher.match(text)));
}

function faqBody(texts: readonly string[], prefix: string): (index: number) => string {
  const quoted = texts.map((t) => JSON.stringify(t));
  return (i) => {
    const c = i % 200;
    return (
      `{"type":"message","id":"${prefix}${i}","channelId":"bench","serviceUrl":"http://127.0.0.1:9",` +
      `"from":{"id":"user-${c}"},"recipient":{"id":"bot"},"conversation":{"id":"${prefix}-conversation-${c}"},` +
      `"locale":"id-ID","deliveryMode":"expectReplies","text":${quoted[i % quoted.length]}}`
    );
  };
}

const faqValidate = (_index: number, response: { status: number; body: string }) =>
  response.status === 200 && !response.body.includes('"kind":"error"')
    ? ({ ok: true, label: 'faq' } as const)
    : ({ ok: false, problem: `HTTP ${response.status}: ${response.body.slice(0, 120)}` } as const);

async function throughput(label: string, instances: readonly AssistantProcess[], texts: readonly string[]) {
  const per = Math.floor(CONNECTIONS / instances.length);
  const phase = (durationMs: number) =>
    Promise.all(
      instances.map((instance, n) => {
        const agent = keepAliveAgent(per);
        const body = faqBody(texts, `${label.replace(/\W/g, '')}${n}`);
        return runLoad({
          agent,
          port: instance.port,
          connections: per,
          durationMs,
          body,
          validate: faqValidate,
        }).finally(() => agent.destroy());
      }),
    );
  await phase(THROUGHPUT_WARMUP_MS);
  const before = cpuSnapshot();
  const results: LoadResult[] = await phase(THROUGHPUT_MS);
  const all = results.map((r) => r.latency);
  return {
    label,
    instances: instances.length,
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50Ms: Math.max(...all.map((s) => s.p50)),
    p99Ms: Math.max(...all.map((s) => s.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    busyCores: otherCores(before, cpuSnapshot(), 0),
  };
}

// --- the section --------------------------------------------------------------------------------------------------

export async function benchStore(
  options: { sizes?: readonly number[]; lowdbMax?: number } = {},
): Promise<StoreBenchResult> {
  const sizes = options.sizes ?? DEFAULT_SIZES; // empty: part B alone
  const lowdbMax = options.lowdbMax ?? DEFAULT_LOWDB_MAX;
  const latency: LatencyCell[] = [];
  const skipped: string[] = [];
  const throughputRows: ThroughputRow[] = [];
  const bin = findPostgresBin();
  let cluster: PostgresCluster | undefined;
  // Hard stop: the run must never hang (children and the cluster go with this process; see their watchdogs).
  const watchdog = setTimeout(() => {
    progress(`watchdog: still running after ${WATCHDOG_MS / 60_000} minutes, stopping`);
    void killAssistants().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  watchdog.unref();
  const dirs: string[] = [];
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'wowrack-store-bench-'));
    dirs.push(made);
    return made;
  };
  try {
    if (bin) cluster = await startPostgresCluster(bin);
    else skipped.push('PostgreSQL: not installed (apt-get install postgresql)');
    let url: string | undefined;
    if (cluster) {
      const admin = new pg.Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      await admin.query('CREATE DATABASE bench');
      await admin.end();
      url = cluster.url('bench');
    }
    for (const n of sizes) {
      if (n <= lowdbMax) {
        progress(`flow turns, lowdb, ${n} stored conversations`);
        latency.push(await latencyCell('lowdb', n, { dir: dir() }));
      } else skipped.push(`lowdb with ${n} conversations (above --lowdb-max ${lowdbMax})`);
      if (url) {
        progress(`flow turns, PostgreSQL, ${n} stored conversations`);
        latency.push(await latencyCell('PostgreSQL', n, { dir: dir(), url }));
      }
    }

    const texts = await faqTexts();
    progress('FAQ throughput: one instance on lowdb');
    const alone = await startAssistant({ DATA_DIR: dir(), SERVICE_URL_ALLOWLIST: '' });
    throughputRows.push(await throughput('one instance, lowdb', [alone], texts));
    await stopAssistant(alone);
    if (url) {
      progress('FAQ throughput: one and two instances on PostgreSQL');
      const env = () => ({ DATA_DIR: dir(), DATABASE_URL: url ?? '', SERVICE_URL_ALLOWLIST: '' });
      const [a, b] = await Promise.all([startAssistant(env()), startAssistant(env())]);
      if (!a || !b) throw new Error('instances did not start');
      throughputRows.push(await throughput('one instance, PostgreSQL', [a], texts));
      throughputRows.push(await throughput('two instances, PostgreSQL', [a, b], texts));
      await Promise.all([stopAssistant(a), stopAssistant(b)]);
    }
  } finally {
    clearTimeout(watchdog);
    await killAssistants();
    await cluster?.stop();
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  }
  return {
    latency,
    skipped,
    throughput: throughputRows,
    ...(bin ? { postgres: bin.replace(/.*postgresql\/(\d+).*/, 'PostgreSQL $1') } : {}),
  };
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '-');

export function printStoreBench(result: StoreBenchResult): void {
  const lines = [
    '',
    `4. The store: a flow turn with N stored conversations, lowdb vs ${result.postgres ?? 'PostgreSQL'} (one message at a time, over HTTP)`,
    '   store        stored   flow step p50 / p99 ms   confirmation p50 / p99 ms   samples   failures   seed s   start s',
  ];
  for (const c of result.latency)
    lines.push(
      `   ${c.store.padEnd(11)} ${String(c.conversations).padStart(7)}   ${`${ms(c.step.p50)} / ${ms(c.step.p99)}`.padStart(22)}   ` +
        `${`${ms(c.confirmation.p50)} / ${ms(c.confirmation.p99)}`.padStart(26)}   ${`${c.step.n}+${c.confirmation.n}`.padStart(7)}   ` +
        `${String(c.failures).padStart(8)}   ${(c.seedMs / 1000).toFixed(1).padStart(6)}   ${(c.startMs / 1000).toFixed(1).padStart(7)}`,
    );
  for (const s of result.skipped) lines.push(`   not measured: ${s}`);
  lines.push(
    '',
    `   FAQ-turn throughput (POST /api/messages, ${CONNECTIONS} keep-alive connections split over the instances, loader on the same machine)`,
  );
  for (const t of result.throughput)
    lines.push(
      `   ${t.label.padEnd(28)} ${t.rps.toFixed(0).padStart(6)} req/s   p50 ${ms(t.p50Ms)} ms   p99 ${ms(t.p99Ms)} ms   ` +
        `errors ${t.errors}   machine busy ${t.busyCores.toFixed(2)} cores`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Run after the other sections by bench/run.ts: unless --only names another section, or --json. */
export async function afterMainBench(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (process.exitCode !== undefined && process.exitCode !== 0) return;
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7) ?? argv[argv.indexOf('--only') + 1];
  if (argv.some((a) => a === '--only' || a.startsWith('--only=')) && only !== 'store') return;
  if (argv.includes('--json')) {
    progress('not part of --json: run npx tsx bench/storeBench.ts --json');
    return;
  }
  try {
    printStoreBench(await benchStore());
  } catch (error) {
    process.stderr.write(`store bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      sizes: { type: 'string', default: DEFAULT_SIZES.join(',') },
      'lowdb-max': { type: 'string', default: String(DEFAULT_LOWDB_MAX) },
    },
  });
  // "--sizes none": only part B (FAQ throughput), for before/after comparisons of the FAQ turn.
  const sizes = values.sizes === 'none' ? [] : values.sizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000))
    throw new Error('--sizes: 1..1000000, comma-separated');
  const lowdbMax = Number(values['lowdb-max']);
  const result = await benchStore({ sizes, lowdbMax });
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printStoreBench(result);
}

if (process.argv[1]?.endsWith('storeBench.ts'))
  main().catch((error: unknown) => {
    process.stderr.write(`store bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exitCode = 1;
  });
