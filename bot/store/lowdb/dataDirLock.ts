import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'assistant.lock';
/** Data directories this process holds (a pid check cannot tell two stores of one process apart). */
const held = new Set<string>();

/** Another assistant process is using the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
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

/**
 * One process per data directory: the embedded store rewrites its file from memory, so two writers would overwrite
 * each other's records. The lock file holds the owner's pid; one left by a process that died is taken over.
 */
export class DataDirLock {
  private constructor(
    private readonly dir: string,
    private readonly file: string,
  ) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const file = join(dataDir, LOCK_FILE);
    const refuse = (owner: string) =>
      new DataDirLockedError(
        `DATA_DIR ${dataDir} is in use by another assistant (${owner}). Stop it first, or give this one its own ` +
          'DATA_DIR (several instances share one store through DATABASE_URL, not a folder).',
      );
    if (held.has(dataDir)) throw refuse('in this process');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const handle = await open(file, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        held.add(dataDir);
        return new DataDirLock(dataDir, file);
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      }
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw refuse(`pid ${pid}`);
      await unlink(file).catch(() => undefined); // left by a process that is gone
    }
    throw refuse('the lock could not be taken');
  }

  async release(): Promise<void> {
    held.delete(this.dir);
    await unlink(this.file).catch(() => undefined);
  }
}
