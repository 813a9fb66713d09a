import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'assistant.lock';
/** Data directories this process holds (a pid check cannot tell two stores of one process apart). */
const held = new Map<string, LockHolder>();

/** Another assistant process is using the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    message: string,
    /** Who holds the lock. */
    readonly holder: LockHolder = 'assistant',
  ) {
    super(message);
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
};

/** Who takes the lock: the assistant, or the staff command (bot/cli) writing while no assistant runs. */
export type LockHolder = 'assistant' | 'cli';

export interface LockOptions {
  readonly holder?: LockHolder;
  /** How long to wait for a staff command that holds the lock to finish (it takes a second or so). */
  readonly waitForCliMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One process per data directory: the embedded store rewrites its file from memory, so two writers would overwrite
 * each other's records. The lock file holds the owner's pid (and `cli` when the staff command holds it, so an
 * assistant starting meanwhile waits for it instead of stopping); one left by a process that died is taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  static async acquire(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
    const deadline = Date.now() + (options.waitForCliMs ?? 0);
    for (;;) {
      try {
        return await DataDirLock.#acquire(dataDir, options.holder ?? 'assistant');
      } catch (error) {
        if (!(error instanceof DataDirLockedError && error.holder === 'cli' && Date.now() < deadline)) throw error;
        await sleep(100);
      }
    }
  }

  static async #acquire(dataDir: string, holder: LockHolder): Promise<DataDirLock> {
    const file = join(dataDir, LOCK_FILE);
    const refuse = (owner: string, by: LockHolder = 'assistant') =>
      new DataDirLockedError(
        `DATA_DIR ${dataDir} is in use by another assistant (${owner}). Stop it first, or give this one its own ` +
          'DATA_DIR (several instances share one store through DATABASE_URL, not a folder).',
        by,
      );
    const here = held.get(dataDir);
    if (here) throw refuse('in this process', here);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(holder === 'cli' ? `${process.pid}\ncli\n` : `${process.pid}\n`);
        await handle.close();
        held.set(dataDir, holder);
        return new DataDirLock(dataDir, file);
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      }
      const [first = '', second = ''] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
      const pid = Number(first.trim());
      const by: LockHolder = second.trim() === 'cli' ? 'cli' : 'assistant';
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw refuse(`pid ${pid}`, by);
      await unlink(file).catch(() => undefined); // left by a process that is gone
    }
    throw refuse('the lock could not be taken');
  }

  async release(): Promise<void> {
    held.delete(this.dir);
    await unlink(this.file).catch(() => undefined);
  }
}
