import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Answer, postActivity, runId } from './botClient.ts';
import type { AttackResult } from './http.ts';

const TICKET = /PRV-\d{8}-\d{4,}/g;
/** The start of the assistant's "e-mail limit reached" answer (dialogs/replies/flowTexts.ts rateLimited). */
const LIMIT_REACHED = 'batas pengiriman e-mail';
const SUMMARY = 'Kirim ke tim support?';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const send = postActivity;
const say = (base: string, conversation: string, text: string) => send(base, conversation, { text });

/** The support flow of test/support/flowScripts.ts up to its summary; whether the summary was shown. */
async function toConfirmation(base: string, conversation: string, email: string): Promise<boolean> {
  const script = ['tolong hapus data saya', 'Permintaan penghapusan data pribadi', 'Budi Santoso', email, 'lewati'];
  let last: Answer | undefined;
  for (const text of script) last = await say(base, conversation, text);
  return last?.texts.join('\n').includes(SUMMARY) ?? false;
}

const ticketsIn = (texts: readonly string[]): string[] => [...new Set(texts.join('\n').match(TICKET) ?? [])];

interface DbFile {
  readonly tickets?: readonly { readonly id: string; readonly email: string }[];
  readonly feedback?: readonly unknown[];
}

async function readDb(dbFile: string): Promise<DbFile> {
  return JSON.parse(await readFile(dbFile, 'utf8')) as DbFile;
}

/**
 * Finding 1: anonymous POSTs without expectReplies whose serviceUrl is a loopback listener of ours (three spellings).
 * Held when each gets 403 and the listener sees no connection at all (nothing called, nothing stored to call later).
 */
export async function ssrf(base: string): Promise<AttackResult> {
  let connections = 0;
  let requests = 0;
  const listener = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"1"}');
  });
  listener.on('connection', () => {
    connections += 1;
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const port = (listener.address() as AddressInfo).port;
  try {
    const id = runId();
    const serviceUrls = [`http://127.0.0.1:${port}/`, `http://localhost:${port}`, `http://127.0.0.1:${port}/internal/`];
    const statuses: number[] = [];
    for (const [n, serviceUrl] of serviceUrls.entries()) {
      // Starts the consent flow as well: it would store the serviceUrl to call when the parent decides.
      const answer = await send(base, `atk-ssrf-${id}-${n}`, {
        text: n === 0 ? 'halo' : 'saya masih 16 tahun',
        serviceUrl,
        deliveryMode: undefined, // no expectReplies: the replies would be POSTed to serviceUrl
      });
      statuses.push(answer.status);
    }
    await sleep(1_500);
    return {
      held: statuses.every((s) => s === 403) && connections === 0,
      detail: `${serviceUrls.length} anonymous activities naming a loopback serviceUrl answered ${statuses.join(', ')}; the listener got ${connections} connection(s), ${requests} request(s)`,
    };
  } finally {
    listener.closeAllConnections();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

/**
 * Finding 2: two "ya" at the same moment on one confirmation (a double click). Held when the database holds one ticket
 * for the customer and every reply that names a ticket names that one.
 */
export async function duplicateConfirmations(base: string, dbFile: string): Promise<AttackResult> {
  const id = runId();
  const conversation = `atk-dup-${id}`;
  const email = `double-${id}@example.com`;
  if (!(await toConfirmation(base, conversation, email)))
    return { held: false, detail: 'the support flow did not reach its summary' };
  const answers = await Promise.all([say(base, conversation, 'ya'), say(base, conversation, 'ya')]);
  const named = answers.flatMap((a) => ticketsIn(a.texts));
  const stored = ((await readDb(dbFile)).tickets ?? []).filter((t) => t.email === email);
  const distinct = [...new Set(named)];
  const consistent = distinct.length <= 1 && distinct.every((t) => stored.some((s) => s.id === t));
  return {
    held: stored.length === 1 && consistent,
    detail:
      `answers ${answers.map((a) => a.status).join('/')} naming ${distinct.length ? distinct.join(', ') : 'no ticket'}; ` +
      `${stored.length} ticket(s) stored for the customer`,
  };
}

/**
 * Finding 17: one client opens 30 conversations, each asking for a ticket for another address (so only the per-client
 * cap can stop it: 10 mails an hour, two per ticket). Held when at most 5 are recorded and every later one gets the
 * "limit reached" answer.
 */
export async function ticketFlood(base: string): Promise<AttackResult> {
  const id = runId();
  const outcomes: ('recorded' | 'limited' | 'other')[] = [];
  const started = Date.now();
  for (let n = 0; n < 30 && Date.now() - started < 60_000; n += 1) {
    const conversation = `atk-flood-${id}-${n}`;
    if (!(await toConfirmation(base, conversation, `flood-${id}-${n}@example.com`))) {
      outcomes.push('other');
      continue;
    }
    const answer = await say(base, conversation, 'ya');
    const text = answer.texts.join('\n');
    outcomes.push(ticketsIn(answer.texts).length > 0 ? 'recorded' : text.includes(LIMIT_REACHED) ? 'limited' : 'other');
  }
  const recorded = outcomes.filter((o) => o === 'recorded').length;
  const limited = outcomes.filter((o) => o === 'limited').length;
  const firstLimited = outcomes.indexOf('limited');
  const allLaterLimited = firstLimited !== -1 && outcomes.slice(firstLimited).every((o) => o === 'limited');
  return {
    held: recorded <= 5 && allLaterLimited,
    detail: `${outcomes.length} ticket requests from one client: ${recorded} recorded, ${limited} "limit reached", ${outcomes.length - recorded - limited} other`,
  };
}

/**
 * Finding 14: one client sends 200 👍 on one answer, each from a new conversation id (the per-conversation limit does
 * not apply). Held when the stored feedback list grows by at most 20 (the per-client limit of an hour). Reads the
 * database file when given; otherwise counts the votes the assistant said it noted.
 */
export async function voteFlood(base: string, dbFile?: string): Promise<AttackResult> {
  const id = runId();
  const before = dbFile ? ((await readDb(dbFile)).feedback ?? []).length : 0;
  const statuses = new Map<number, number>();
  let thanked = 0;
  const started = Date.now();
  let sent = 0;
  for (; sent < 200 && Date.now() - started < 60_000; sent += 1) {
    const answer = await send(base, `atk-vote-${id}-${sent}`, {
      text: '👍',
      value: { action: 'feedback', vote: 'up', id: 'share' },
    });
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.texts.some((t) => t.includes('Terima kasih atas masukan Anda'))) thanked += 1;
  }
  const answered = [...statuses].map(([status, n]) => `${n}×${status}`).join(', ');
  if (!dbFile)
    return {
      held: thanked <= 20,
      detail: `${sent} votes (${answered}): ${thanked} thanked as noted (no database file to check)`,
    };
  const grown = ((await readDb(dbFile)).feedback ?? []).length - before;
  return {
    held: grown <= 20,
    detail: `${sent} votes from one client (${answered}): the stored feedback grew by ${grown}, ${thanked} thanked as noted`,
  };
}
