/**
 * `npm run --silent staff -- …` and `npm run --silent audit -- verify`, safe while the assistant runs.
 *
 * staff: with no assistant on DATA_DIR the command takes the DATA_DIR lock itself (marked as the command's, so an
 * assistant starting meanwhile waits for it) and writes through the same store code; with one running, it hands the
 * command to that assistant over DATA_DIR/control.sock and the assistant writes it. Either way there is one writer.
 * With DATABASE_URL (PostgreSQL, shared by several instances) it writes to the database itself, in a unit of work
 * like any instance.
 *
 * audit verify: reads the database file on disk (written atomically, so always one whole version) and walks the hash
 * chain: `OK` or the first broken entry; exit code 0 or 1. `audit verify FILE` checks a copy (a backup).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyAuditChain } from '../../domain/audit.ts';
import { systemClock } from '../../domain/ports.ts';
import type { AuditEntry } from '../../domain/records.ts';
import { type Config, ConfigError, loadConfig, loadDotEnv } from '../config.ts';
import { createLogger } from '../log/logger.ts';
import { buildConsoleServices } from '../services.ts';
import { DataDirLockedError } from '../store/lowdb/dataDirLock.ts';
import { DATABASE_FILE_NAME } from '../store/lowdb/jsonDatabase.ts';
import { openStore } from '../store/openStore.ts';
import { sendToAssistant } from './controlSocket.ts';
import { type CommandResult, needsPassword, runStaffCommand, STAFF_USAGE, type StaffRequest } from './staffCommand.ts';

/** The first line of standard input (the password), without its line end. */
async function readPassword(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const [line = ''] = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  return line;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the request on the store: here when the folder is free, else in the running assistant. */
async function staff(request: StaffRequest): Promise<CommandResult> {
  const config = loadConfig();
  for (let attempt = 0; ; attempt += 1) {
    let store: Awaited<ReturnType<typeof openStore>>;
    try {
      store = await openStore(config, systemClock, createLogger('warn'), { holder: 'cli' });
    } catch (error) {
      if (!(error instanceof DataDirLockedError)) throw error;
      try {
        return await sendToAssistant(config.dataDir, request);
      } catch (sendError) {
        // The assistant is starting (its socket is not there yet) or stopping (the lock is about to be free).
        if (attempt >= 50) throw sendError;
        await sleep(200);
        continue;
      }
    }
    try {
      const services = buildConsoleServices(config, store.requests, { now: systemClock });
      return await runStaffCommand(services.staff, request);
    } finally {
      await store.close();
    }
  }
}

/** The trail in the shared database (DATABASE_URL), read in one unit of work (one consistent snapshot). */
async function databaseTrail(config: Config): Promise<readonly AuditEntry[]> {
  const store = await openStore(config, systemClock, createLogger('warn'));
  try {
    return await store.requests.transaction((tx) => tx.audit.list());
  } finally {
    await store.close();
  }
}

async function audit(args: readonly string[]): Promise<CommandResult> {
  if (args[0] !== 'verify') return { code: 2, lines: ['usage: npm run --silent audit -- verify [FILE]'] };
  const config = loadConfig();
  let entries: unknown;
  if (args[1] === undefined && config.database.url) entries = await databaseTrail(config);
  else {
    const file = args[1] ?? join(config.dataDir, DATABASE_FILE_NAME);
    const data: unknown = JSON.parse(await readFile(file, 'utf8'));
    entries = typeof data === 'object' && data !== null && 'audit' in data ? data.audit : undefined;
    if (!Array.isArray(entries)) return { code: 1, lines: [`${file} has no audit trail`] };
  }
  if (!Array.isArray(entries)) return { code: 1, lines: ['no audit trail'] };
  // The chain check reads every field it hashes; an entry of the wrong shape fails it as changed.
  const check = verifyAuditChain(entries as AuditEntry[]);
  return check.ok
    ? { code: 0, lines: [`OK: ${check.entries} audit entries, the hash chain is intact`] }
    : { code: 1, lines: [`BROKEN at entry ${check.seq} of ${check.entries}: ${check.reason}`] };
}

async function main(): Promise<number> {
  loadDotEnv();
  const [tool, ...args] = process.argv.slice(2);
  let result: CommandResult;
  if (tool === 'audit') result = await audit(args);
  else if (tool === 'staff') {
    if (args.length === 0) result = { code: 2, lines: STAFF_USAGE };
    else {
      const password = needsPassword(args) ? await readPassword() : undefined;
      if (needsPassword(args) && password === undefined)
        result = {
          code: 2,
          lines: [
            'the password is read from standard input, e.g.',
            `  printf '%s\\n' "$PASSWORD" | npm run --silent staff -- ${args.join(' ')}`,
          ],
        };
      else result = await staff({ args, ...(password !== undefined ? { password } : {}) });
    }
  } else result = { code: 2, lines: ['usage: bot/cli/main.ts staff|audit …'] };
  const out = result.code === 0 ? process.stdout : process.stderr;
  for (const line of result.lines) out.write(`${line}\n`);
  return result.code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  },
);
