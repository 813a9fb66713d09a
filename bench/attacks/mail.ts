/**
 * Replays of the mail and personal-data attacks of issue 8 (findings 7, 11, 15, 16) against a running assistant, for
 * `npm run attack`. Each talks to the assistant only through its public HTTP surface (POST /api/messages with
 * deliveryMode "expectReplies", the consent page), reads what it mailed from the .eml files it writes to
 * `DATA_DIR/mail` when no SMTP_URL is set, and returns { held, detail }.
 *
 * Bounded: at most 6 requests per attack, a 15 s timeout per HTTP call, 10 s to wait for mail. Loopback only: a base
 * URL on another host is refused. Every run uses fresh random addresses under example.com (never delivered: the
 * assistant writes files), so runs do not see each other's mail and a mail cap from an earlier run does not hide a
 * leak (it can make a run report "held" for the wrong reason: the detail says what was counted).
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { checkedBase, HTTP_TIMEOUT_MS, postActivity, runId } from './botClient.ts';

export interface AttackResult {
  readonly held: boolean;
  readonly detail: string;
}

/** The assistant's log so far (e.g. its stdout captured to a file), for the log-masking attacks. */
export type LogSource = () => Promise<string>;

export interface MailAttackContext {
  /** e.g. http://127.0.0.1:3978 */
  readonly base: string;
  /** DATA_DIR/mail of that assistant. */
  readonly mailDir: string;
  readonly readLog?: LogSource;
}

export interface MailAttack {
  readonly finding: number;
  readonly name: string;
  readonly run: (ctx: MailAttackContext) => Promise<AttackResult>;
}

const MAIL_WAIT_MS = 10_000;

// --- talking to the assistant ------------------------------------------------------------------------------------

/** One customer message; the texts of the assistant's replies. */
async function say(base: string, conversation: string, text: string): Promise<string[]> {
  const answer = await postActivity(base, conversation, { text, channelId: 'test', serviceUrl: 'http://127.0.0.1:9/' });
  return answer.status === 200 ? [...answer.texts] : [`HTTP ${answer.status}`];
}

/** Says each text in turn in one conversation; the replies of the last one. */
async function conversation(base: string, id: string, texts: readonly string[]): Promise<string> {
  let last: string[] = [];
  for (const text of texts) last = await say(base, id, text);
  return last.join('\n');
}

const unsubscribeScript = (email: string): string[] => ['saya mau unsubscribe', email, 'ya'];

const supportScript = (email: string, question: string, name = 'Budi Santoso'): string[] => [
  'saya mau kirim pertanyaan ke support',
  question,
  'Pertanyaan tentang kebijakan privasi',
  name,
  email,
  'lewati',
  'ya',
];

const consentScript = (childEmail: string, parentEmail: string): string[] => [
  'saya masih 16 tahun',
  'Siti Aminah',
  childEmail,
  'Ani Suryani',
  parentEmail,
  'ya',
];

// --- reading what it mailed --------------------------------------------------------------------------------------

interface Eml {
  readonly file: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  /** The whole file, decoded (headers and body). */
  readonly raw: string;
}

async function emlFiles(mailDir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(mailDir)).filter((f) => f.endsWith('.eml')));
  } catch {
    return new Set();
  }
}

/** The .eml files written since `before`, parsed. */
async function newMails(mailDir: string, before: ReadonlySet<string>): Promise<Eml[]> {
  const mails: Eml[] = [];
  for (const file of [...(await emlFiles(mailDir))].filter((f) => !before.has(f)).sort()) {
    const raw = await readFile(join(mailDir, file));
    const parsed = await simpleParser(raw);
    const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) =>
      a.value.map((v) => (v.address ?? '').toLowerCase()),
    );
    mails.push({ file, to, subject: parsed.subject ?? '', text: parsed.text ?? '', raw: raw.toString('utf8') });
  }
  return mails;
}

/** Waits until `enough` holds for the new mails (or the wait is over); returns them. */
async function waitForMails(
  mailDir: string,
  before: ReadonlySet<string>,
  enough: (mails: readonly Eml[]) => boolean,
  waitMs = MAIL_WAIT_MS,
): Promise<Eml[]> {
  const end = Date.now() + waitMs;
  for (;;) {
    const mails = await newMails(mailDir, before);
    if (enough(mails) || Date.now() >= end) return mails;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Lower case, +tag removed: how the attacks tell which mails reached one mailbox. */
const mailboxOf = (address: string): string => address.toLowerCase().replace(/\+[^@]*@/, '@');

// --- the attacks -------------------------------------------------------------------------------------------------

/** Finding 16: five +tag and case variants of one mailbox asked to unsubscribe → at most one confirmation mail. */
export async function plusTagUnsubscribes(base: string, mailDir: string): Promise<AttackResult> {
  const id = runId();
  const mailbox = `victim-${id}@example.com`;
  const variants = [1, 2, 3, 4, 5].map((n) => (n === 1 ? mailbox : `Victim-${id}+v${n}@example.com`));
  const before = await emlFiles(mailDir);
  for (const [n, email] of variants.entries())
    await conversation(base, `atk-unsub-${id}-${n}`, unsubscribeScript(email));
  // Wait for the first confirmation, then a little longer for any others.
  const first = await waitForMails(mailDir, before, (m) => m.some((x) => x.to.some((t) => mailboxOf(t) === mailbox)));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const mails = first.length > 0 ? await newMails(mailDir, before) : first;
  const confirmations = mails.filter((m) => m.to.some((t) => mailboxOf(t) === mailbox));
  return {
    held: confirmations.length <= 1,
    detail: `${variants.length} variants of one mailbox → ${confirmations.length} confirmation mail(s) to it`,
  };
}

/**
 * Finding 7: a support request whose question is a phishing text, for an address nobody verified → the
 * acknowledgement to that address must not carry the question (the link, the words, the bidi override).
 */
export async function ackHasNoCallerText(base: string, mailDir: string): Promise<AttackResult> {
  const id = runId();
  const victim = `victim-${id}@example.com`;
  const marker = `phish${id}`;
  const question = `Akun Anda diblokir ${marker}, verifikasi di http://${marker}.evil.example/login \u202egnp.exe`;
  const before = await emlFiles(mailDir);
  const last = await conversation(base, `atk-ack-${id}`, supportScript(victim, question));
  const mails = await waitForMails(mailDir, before, (m) => m.some((x) => x.to.includes(victim)));
  const ack = mails.filter((m) => m.to.includes(victim));
  if (ack.length === 0)
    return { held: true, detail: `no mail reached the unverified address (reply: ${last.slice(0, 80)})` };
  const leaked = ack.filter((m) => m.raw.includes(marker) || m.text.includes('\u202e'));
  return {
    held: leaked.length === 0,
    detail:
      leaked.length === 0
        ? 'the acknowledgement names the kind of request, not the caller text'
        : `the acknowledgement quotes the caller text (${leaked.length} mail(s))`,
  };
}

/** Finding 7: requests from five conversations for +tag variants of one mailbox → at most 3 mails reach it. */
export async function capsKeyOnMailbox(base: string, mailDir: string): Promise<AttackResult> {
  const id = runId();
  const mailbox = `victim-${id}@example.com`;
  const before = await emlFiles(mailDir);
  for (const n of [1, 2, 3, 4, 5])
    await conversation(
      base,
      `atk-cap-${id}-${n}`,
      supportScript(`victim-${id}+t${n}@example.com`, 'apakah data saya dijual?'),
    );
  await waitForMails(
    mailDir,
    before,
    (m) => m.filter((x) => x.to.some((t) => mailboxOf(t) === mailbox)).length > 3,
    3_000,
  );
  const reached = (await newMails(mailDir, before)).filter((m) => m.to.some((t) => mailboxOf(t) === mailbox));
  return {
    held: reached.length <= 3,
    detail: `5 requests for variants of one mailbox → ${reached.length} mail(s) to it (cap: 3 an hour)`,
  };
}

/**
 * Finding 7: consent-decision mails count too. Four consent requests name variants of one customer mailbox, each
 * with its own parent; every parent approves through the link in its mail → at most 3 mails reach the customer.
 */
export async function consentDecisionsCapped(base: string, mailDir: string): Promise<AttackResult> {
  const id = runId();
  const mailbox = `child-${id}@example.com`;
  const before = await emlFiles(mailDir);
  const parents = [1, 2, 3, 4].map((n) => `parent-${id}-${n}@example.com`);
  for (const [n, parent] of parents.entries())
    await conversation(base, `atk-cns-${id}-${n}`, consentScript(`child-${id}+c${n}@example.com`, parent));
  const requests = await waitForMails(
    mailDir,
    before,
    (m) => parents.every((p) => m.some((x) => x.to.includes(p))),
    5_000,
  );
  let decided = 0;
  for (const mail of requests.filter((m) => parents.some((p) => m.to.includes(p)))) {
    const token = /\/consent\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    if (!token) continue;
    const origin = checkedBase(base);
    const res = await fetch(`${origin}/consent/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin' },
      body: 'decision=approve', // what the page's Approve button sends
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    if (res.ok) decided += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const reached = (await newMails(mailDir, before)).filter((m) => m.to.some((t) => mailboxOf(t) === mailbox));
  return {
    held: reached.length <= 3,
    detail: `${parents.length} consent requests, ${decided} decided → ${reached.length} mail(s) to the customer mailbox`,
  };
}

const UNSAFE_IN_MAIL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Finding 15: a question carrying bidi overrides and control characters → no mail (staff's included) carries them. */
export async function mailHasNoControlOrBidi(base: string, mailDir: string): Promise<AttackResult> {
  const id = runId();
  const customer = `cust-${id}@example.com`;
  const question = `Tolong cek invoice\u202e${id}fdp.exe\u2066 saya\u0007\u001b[2J segera, terima kasih`;
  const before = await emlFiles(mailDir);
  await conversation(base, `atk-bidi-${id}`, supportScript(customer, question));
  const mails = await waitForMails(mailDir, before, (m) => m.some((x) => x.raw.includes(customer)) && m.length >= 2);
  const mine = mails.filter((m) => m.raw.includes(customer) || m.to.includes(customer));
  if (mine.length === 0) return { held: true, detail: 'the request made no mail (nothing to inspect)' };
  const dirty = mine.filter((m) => UNSAFE_IN_MAIL.test(m.text) || UNSAFE_IN_MAIL.test(m.subject));
  return {
    held: dirty.length === 0,
    detail: `${mine.length} mail(s) inspected, ${dirty.length} with control or bidi characters`,
  };
}

/** Card and address shapes the log masking once missed (finding 11). */
const UNMASKED_SAMPLES = [
  '4111 - 1111 - 1111 - 1112',
  '4111_1111_1111_1112',
  '4111/1111/1111/1112',
  '４１１１ １１１１ １１１１ １１１２',
  '4111\u200b1111\u200b1111\u200b1112',
  '"john doe"@example.com',
];

/** Finding 11: questions holding those shapes → the log shows none of their digits or the quoted address. */
export async function logsMaskPersonalData(base: string, readLog: LogSource): Promise<AttackResult> {
  const id = runId();
  const start = (await readLog()).length;
  for (const [n, sample] of UNMASKED_SAMPLES.entries())
    await say(base, `atk-log-${id}-${n}`, `apakah data kartu ${sample} saya aman?`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const log = (await readLog())
    .slice(start)
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
  const leaks = ['1111', '1112', 'john doe', 'john\\"', '"john'].filter((s) => log.includes(s));
  return {
    held: leaks.length === 0,
    detail: leaks.length === 0 ? `${UNMASKED_SAMPLES.length} samples, all masked` : `log shows ${leaks.join(', ')}`,
  };
}

/** Finding 11: rejected requests to a consent link → the live-looking token never reaches the log. */
export async function consentTokenNotLogged(base: string, readLog: LogSource): Promise<AttackResult> {
  const origin = checkedBase(base);
  const token = randomBytes(32).toString('base64url');
  const start = (await readLog()).length;
  const attempts: Array<[string, RequestInit]> = [
    ['PUT', { method: 'PUT' }],
    ['DELETE', { method: 'DELETE' }],
    ['POST malformed JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":' }],
    [
      'POST cross-site',
      {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'decision=approve',
      },
    ],
  ];
  const statuses: string[] = [];
  for (const [name, init] of attempts) {
    const res = await fetch(`${origin}/consent/${token}`, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await res.arrayBuffer();
    statuses.push(`${name} ${res.status}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const log = (await readLog()).slice(start);
  const leaked = log.includes(token) || log.includes(token.slice(0, 16));
  return {
    held: !leaked,
    detail: `${statuses.join(', ')}; token ${leaked ? 'found' : 'not found'} in the log`,
  };
}

/** Every attack of this file, in finding order, for the runner. */
export const mailAttacks: readonly MailAttack[] = [
  { finding: 7, name: 'acknowledgement quotes no caller text', run: (c) => ackHasNoCallerText(c.base, c.mailDir) },
  { finding: 7, name: 'caps key on the mailbox (+tag)', run: (c) => capsKeyOnMailbox(c.base, c.mailDir) },
  { finding: 7, name: 'consent-decision mails are capped', run: (c) => consentDecisionsCapped(c.base, c.mailDir) },
  {
    finding: 11,
    name: 'log masks card and address shapes',
    run: (c) =>
      c.readLog ? logsMaskPersonalData(c.base, c.readLog) : Promise.resolve({ held: false, detail: 'no log given' }),
  },
  {
    finding: 11,
    name: 'consent token never logged',
    run: (c) =>
      c.readLog ? consentTokenNotLogged(c.base, c.readLog) : Promise.resolve({ held: false, detail: 'no log given' }),
  },
  { finding: 15, name: 'no control or bidi characters in mail', run: (c) => mailHasNoControlOrBidi(c.base, c.mailDir) },
  { finding: 16, name: '+tag unsubscribes: one confirmation', run: (c) => plusTagUnsubscribes(c.base, c.mailDir) },
];
