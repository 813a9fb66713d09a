/**
 * `npm run attack`: replays the attacks of issue 8 against a real assistant and prints one line per attack,
 * `held     <name>: <detail>` or `NOT HELD <name>: <detail>`, then `N held, M not held`. Exits 0 only when every
 * attack held.
 *
 * Each attack gets an assistant of its own, started here as a child process exactly as `npm start` runs it
 * (`node --import tsx bot/index.ts`) on a temporary DATA_DIR, a free loopback port, LOG_LEVEL=info with stdout
 * captured to a file (the log-masking attacks read it), no SMTP_URL (mail is written as .eml files to DATA_DIR/mail)
 * and an empty SERVICE_URL_ALLOWLIST. One assistant per attack because the caps the attacks meet (mails and votes per
 * client, new chats per address) count per client for an hour, and every attack comes from 127.0.0.1: on a shared
 * assistant an earlier attack would use up the quota a later one is meant to test.
 *
 * Bounded: each attack has its own time limit and the whole run stops starting new ones after 170 s; every child is
 * killed at the end, whatever happens (SIGTERM, then SIGKILL). Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSISTANT_ARGS, assistantEnv, ROOT } from '../../test/support/assistantProcess.ts';
import { memoryFlood, refreshFlood, slowSockets } from './directLine.ts';
import { type AttackResult, HTTP_ATTACKS } from './http.ts';
import { mailAttacks } from './mail.ts';
import { duplicateConfirmations, ssrf, ticketFlood, voteFlood } from './requests.ts';

const RUN_BUDGET_MS = 170_000;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** A running assistant of one attack. */
interface Target {
  /** Known once it listens. */
  base: string;
  readonly dataDir: string;
  readonly dbFile: string;
  readonly mailDir: string;
  readonly readLog: () => Promise<string>;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr: string;
}

interface Entry {
  readonly name: string;
  /** How long the attack may take (its own bounds, plus a margin). */
  readonly limitMs: number;
  /** Settings beyond the defaults for this attack's assistant. */
  readonly env?: Readonly<Record<string, string>>;
  readonly run: (target: Target) => Promise<AttackResult>;
}

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function startTarget(env: Readonly<Record<string, string>> = {}): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wowrack-attack-'));
  const logFile = join(dataDir, 'assistant.log');
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, ASSISTANT_ARGS, {
    cwd: ROOT,
    env: assistantEnv({ DATA_DIR: dataDir, SERVICE_URL_ALLOWLIST: '', ...env }),
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  children.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  const readLog = () => readFile(logFile, 'utf8').catch(() => '');
  const target: Target = {
    base: '',
    dataDir,
    dbFile: join(dataDir, 'assistant-db.json'),
    mailDir: join(dataDir, 'mail'),
    readLog,
    child,
    exited,
    stderr: '',
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    target.stderr = (target.stderr + chunk.toString('utf8')).slice(-2000);
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until && !gone) {
    for (const line of (await readLog()).split('\n')) {
      try {
        const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
        if (typeof entry.port === 'number' && String(entry.msg).startsWith('listening')) {
          target.base = `http://127.0.0.1:${entry.port}`;
          return target;
        }
      } catch {
        // not a (whole) JSON line yet
      }
    }
    await sleep(50);
  }
  await stopTarget(target);
  throw new Error(
    `the assistant did not start: ${target.stderr.trim().split('\n').slice(-3).join(' | ') || 'timeout'}`,
  );
}

async function stopTarget(target: Target): Promise<void> {
  if (target.child.exitCode === null && target.child.signalCode === null) {
    target.child.kill('SIGTERM');
    const timer = setTimeout(() => target.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await target.exited;
    clearTimeout(timer);
  }
  await rm(target.dataDir, { recursive: true, force: true });
}

const LIMITS_MS: Readonly<Record<string, number>> = {
  multipart10MB: 40_000,
  slowBodies: 40_000,
  forwardedForSpellings: 20_000,
};

const ENTRIES: readonly Entry[] = [
  ...Object.entries(HTTP_ATTACKS).map(
    ([name, attack]): Entry => ({
      name,
      limitMs: LIMITS_MS[name] ?? 20_000,
      // Finding 13 is about TRUST_PROXY=true: its target runs behind a (pretend) proxy, or the attack does not apply.
      ...(name === 'forwardedForSpellings' ? { env: { TRUST_PROXY: 'true' } } : {}),
      run: (t) => attack(t.base),
    }),
  ),
  { name: 'refreshFlood', limitMs: 70_000, run: (t) => refreshFlood(t.base) },
  { name: 'memoryFlood', limitMs: 70_000, run: (t) => memoryFlood(t.base) },
  { name: 'slowSockets', limitMs: 100_000, run: (t) => slowSockets(t.base) },
  ...mailAttacks.map(
    (attack): Entry => ({
      name: `${attack.name} (finding ${attack.finding})`,
      limitMs: 40_000,
      run: (t) => attack.run({ base: t.base, mailDir: t.mailDir, readLog: t.readLog }),
    }),
  ),
  { name: 'ssrf', limitMs: 20_000, run: (t) => ssrf(t.base) },
  { name: 'duplicateConfirmations', limitMs: 30_000, run: (t) => duplicateConfirmations(t.base, t.dbFile) },
  { name: 'ticketFlood', limitMs: 70_000, run: (t) => ticketFlood(t.base) },
  { name: 'voteFlood', limitMs: 70_000, run: (t) => voteFlood(t.base, t.dbFile) },
];

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 400);

/** Runs one attack against an assistant of its own; never throws (a failure to run is "not held", with the reason). */
async function runEntry(entry: Entry, limitMs: number): Promise<AttackResult> {
  let target: Target | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    target = await startTarget(entry.env);
    const running = target;
    const timeout = new Promise<AttackResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ held: false, detail: `did not finish within ${Math.round(limitMs / 1000)} s` }),
        limitMs,
      );
    });
    const result = await Promise.race([entry.run(running), timeout]);
    // A defence that crashed the assistant did not hold.
    if (running.child.exitCode !== null || running.child.signalCode !== null)
      return {
        held: false,
        detail: `${result.detail}; the assistant died (${oneLine(running.stderr) || 'no stderr'})`,
      };
    return result;
  } catch (error) {
    return {
      held: false,
      detail: `the attack failed to run: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    clearTimeout(timer);
    if (target) await stopTarget(target);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  let held = 0;
  let notHeld = 0;
  for (const entry of ENTRIES) {
    const left = RUN_BUDGET_MS - (Date.now() - started);
    const result =
      left < 5_000
        ? { held: false, detail: 'not run: the time budget of the whole run was used up' }
        : await runEntry(entry, Math.min(entry.limitMs, left));
    if (result.held) held += 1;
    else notHeld += 1;
    process.stdout.write(`${result.held ? 'held    ' : 'NOT HELD'} ${entry.name}: ${oneLine(result.detail)}\n`);
  }
  process.stdout.write(`${held} held, ${notHeld} not held (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  return notHeld === 0 ? 0 : 1;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`attack run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
