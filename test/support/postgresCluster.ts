/**
 * A throwaway PostgreSQL cluster for the tests and the benchmark: `initdb` in a fresh temp folder, `postgres` on a
 * free loopback port, run as an unprivileged user (PostgreSQL refuses root: as root the `postgres` system user, or
 * `nobody`; otherwise the current user), tuned for speed over durability (fsync off: nothing in it must survive).
 *
 * A small shell watchdog, run as that user, owns the server: it stops it and deletes the folder when told to (stop())
 * or, within a second, when this process is gone however it ended (a killed test run leaves nothing behind).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { executable } from './executable.ts';

/** The superuser of the cluster (trust authentication on loopback only). */
export const CLUSTER_USER = 'assistant';

export interface PostgresCluster {
  readonly port: number;
  /** postgres://assistant@127.0.0.1:port/<database> */
  url(database: string): string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * The folder with initdb and postgres: POSTGRES_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's
 * layout), else initdb on PATH; undefined when there is none.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const complete = (dir: string) => executable(join(dir, 'initdb')) && executable(join(dir, 'postgres'));
  if (env.POSTGRES_BIN) return complete(env.POSTGRES_BIN) ? env.POSTGRES_BIN : undefined;
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  } catch {
    versions = [];
  }
  for (const version of versions) {
    const dir = join('/usr/lib/postgresql', version, 'bin');
    if (complete(dir)) return dir;
  }
  return (env.PATH ?? '').split(delimiter).find((dir) => dir !== '' && complete(dir));
}

/** Why there is no PostgreSQL, in one line (for the skip warning). */
export function postgresMissing(env: NodeJS.ProcessEnv = process.env): string {
  const where = env.POSTGRES_BIN
    ? `POSTGRES_BIN=${env.POSTGRES_BIN} has no initdb and postgres`
    : 'initdb/postgres not found in /usr/lib/postgresql/*/bin nor on PATH';
  return `${where} — install Debian's postgresql (apt-get install postgresql)`;
}

/** The user the server runs as, and its ids when they differ from this process's. */
function serverUser(): { name: string; ids?: { uid: number; gid: number } } {
  if (process.getuid?.() !== 0) return { name: process.env.USER ?? 'current user' };
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (Number.isInteger(uid) && uid > 0) return { name, ids: { uid, gid } };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('running as root, but neither the postgres nor the nobody user exists to run PostgreSQL as');
}

/** A loopback port free at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: readonly string[], options: { uid?: number; gid?: number; cwd: string }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...options, env: { PATH: process.env.PATH ?? '', LANG: 'C' }, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

/**
 * Runs the server; stops it and removes the folder on SIGTERM or when the watched process is gone. `[ -d /proc/PID ]`
 * rather than `kill -0`: the watchdog may not signal a root process, but can see it.
 */
const WATCHDOG = `
dir="$1"; watched="$2"; shift 2
"$@" 2>>"$dir/server.log" &
server=$!
finish() { kill -INT "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$dir"; exit 0; }
trap finish TERM INT
while [ -d "/proc/$watched" ] && kill -0 "$server" 2>/dev/null; do sleep 1; done
finish
`;

async function waitUntilReady(url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections within 30 s: ${error}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts a cluster (about 1–3 s). */
export async function startPostgresCluster(bin: string): Promise<PostgresCluster> {
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'wowrack-pg-'));
  if (user.ids) chownSync(dir, user.ids.uid, user.ids.gid);
  const as = { ...(user.ids ?? {}), cwd: dir };
  const data = join(dir, 'data');
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', CLUSTER_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    as,
  );
  const port = await freePort();
  const server = [
    join(bin, 'postgres'),
    ...['-D', data, '-p', String(port), '-k', dir],
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    ...['-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'shared_buffers=128MB'],
    ...['-c', 'log_min_messages=warning', '-c', 'max_pred_locks_per_transaction=256'],
  ];
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'watchdog', dir, String(process.pid), ...server], {
    ...as,
    env: { PATH: process.env.PATH ?? '', LANG: 'C' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
  // The test run must not wait for the watchdog to end.
  watchdog.unref();
  const log = (): string => {
    try {
      return readFileSync(join(dir, 'server.log'), 'utf8').slice(-4000);
    } catch {
      return '(no server log)';
    }
  };
  const url = (database: string) => `postgres://${CLUSTER_USER}@127.0.0.1:${port}/${database}`;
  try {
    await waitUntilReady(url('postgres'), log);
  } catch (error) {
    watchdog.kill('SIGTERM');
    throw error;
  }
  return {
    port,
    url,
    stop: async () => {
      watchdog.ref(); // waited for now: an unreferenced child would let the process end before it has stopped
      watchdog.kill('SIGTERM');
      await exited;
    },
  };
}
