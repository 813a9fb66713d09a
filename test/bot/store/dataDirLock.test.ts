/** One assistant per DATA_DIR: a second process refuses to start with a clear message; a stale lock is taken over. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DataDirLock, DataDirLockedError } from '../../../bot/store/lowdb/dataDirLock.ts';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { eventually } from '../../support/mail.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Starts bot/index.ts on `dataDir` and returns its exit code and stderr (it is killed after 20 s at most). */
function startProcess(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('store: one assistant per DATA_DIR', function () {
  this.timeout(40_000);
  let dir: string;
  let running: RunningApp | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wowrack-lock-'));
  });
  afterEach(async () => {
    await running?.app.close();
    running = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('a second assistant on the same DATA_DIR stops at once with a message, and the first keeps its data', async () => {
    running = await startApp(dir, '');
    // The first one's own start-up writes (the day's clean-up mark) are done before its file is compared.
    await eventually(async () => (await readDbFile(dir)).jobMarks.some((m) => m.name === 'retention'), 10_000);
    const before = await readFile(join(dir, 'assistant-db.json'));
    const second = await startProcess(dir);
    expect(second.code).to.equal(1);
    expect(second.stderr).to.include(`DATA_DIR ${dir} is in use by another assistant`);
    expect((await readFile(join(dir, 'assistant-db.json'))).equals(before)).to.equal(true);
  });

  it('in one process too; the lock is released on close and a lock left by a dead process is taken over', async () => {
    const lock = await DataDirLock.acquire(dir);
    const error = await DataDirLock.acquire(dir).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DataDirLockedError);
    await lock.release();
    await writeFile(join(dir, 'assistant.lock'), '999999999\n'); // no such process
    const taken = await DataDirLock.acquire(dir);
    expect((await readFile(join(dir, 'assistant.lock'), 'utf8')).trim()).to.equal(String(process.pid));
    await taken.release();
  });
});
