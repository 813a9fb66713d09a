/**
 * The staff and audit commands as an operator runs them (a child process of `bot/cli/main.ts`, the password on
 * standard input): with no assistant they write the store themselves; with the assistant running they hand the
 * command to it over DATA_DIR/control.sock, while it keeps recording requests, and nothing is lost either way.
 */
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DataDirLock } from '../../../bot/store/lowdb/dataDirLock.ts';
import { Conversation, type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient } from '../../support/consoleHarness.ts';
import { tempDir } from '../../support/tempDir.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const PASSWORD = 'kata-sandi-yang-panjang-1';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bot/cli/main.ts <args>` on `dataDir`, `input` on standard input. */
function command(dataDir: string, args: readonly string[], input = ''): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('staff and audit commands (child processes, with and without the assistant running)', function () {
  this.timeout(90_000);

  it('without an assistant: add (password from stdin), list, disable; the lock is taken and given back', async () => {
    const dir = await tempDir('staff-cli-');
    try {
      const added = await command(
        dir.path,
        ['staff', 'add', 'Alice@Wowrack.co.id', '--role', 'admin'],
        `${PASSWORD}\n`,
      );
      expect(added.code, added.stderr).to.equal(0);
      expect(added.stdout).to.equal('added alice@wowrack.co.id (admin, Alice)\n');
      const support = await command(
        dir.path,
        ['staff', 'add', 'budi@wowrack.co.id', '--name', 'Budi S'],
        `${PASSWORD}\n`,
      );
      expect(support.code, support.stderr).to.equal(0);
      const short = await command(dir.path, ['staff', 'add', 'citra@wowrack.co.id'], 'pendek\n');
      expect(short.code).to.equal(1);
      expect(short.stderr).to.contain('refused: the password must be 12–256 characters');
      const disabled = await command(dir.path, ['staff', 'disable', 'budi@wowrack.co.id']);
      expect(disabled.code, disabled.stderr).to.equal(0);
      const list = await command(dir.path, ['staff', 'list']);
      expect(list.stdout.split('\n')[0]).to.match(/^alice@wowrack\.co\.id\tadmin\tenabled\t2fa off\tAlice\tsince /);
      expect(list.stdout).to.contain('budi@wowrack.co.id\tsupport\tdisabled');
      const lastAdmin = await command(dir.path, ['staff', 'disable', 'alice@wowrack.co.id']);
      expect(lastAdmin.code).to.equal(1);
      const db = await readDbFile(dir.path);
      expect(db.staff.map((s) => s.email)).to.deep.equal(['alice@wowrack.co.id', 'budi@wowrack.co.id']);
      expect(JSON.stringify(db)).not.to.contain(PASSWORD);
      expect(db.audit.map((e) => `${e.actor} ${e.action}`)).to.deep.equal([
        'cli staff.added',
        'cli staff.added',
        'cli staff.disabled',
      ]);
      expect(await stat(join(dir.path, 'assistant.lock')).catch(() => undefined)).to.equal(undefined);
      const usage = await command(dir.path, ['staff', 'fly']);
      expect(usage.code).to.equal(2);
      expect(usage.stderr).to.contain('usage: npm run --silent staff');
    } finally {
      await dir.remove();
    }
  });

  it('with the assistant running: the command goes through it while customers keep recording; nothing is lost', async () => {
    const dir = await tempDir('staff-cli-live-');
    let running: RunningApp | undefined;
    try {
      running = await startApp(dir.path, '');
      const base = running.base;
      // A customer records a stop-promo request while the command runs.
      const chat = new Conversation(() => base, 'cli-live');
      const [added] = await Promise.all([
        command(
          dir.path,
          ['staff', 'add', 'alice@wowrack.co.id', '--role', 'admin', '--name', 'Alice'],
          `${PASSWORD}\n`,
        ),
        (async () => {
          await chat.say('saya mau unsubscribe');
          await chat.say('rina@example.test');
          await chat.say('ya');
        })(),
      ]);
      expect(added.code, added.stderr).to.equal(0);
      expect(added.stdout).to.equal('added alice@wowrack.co.id (admin, Alice)\n');
      // The running assistant knows the account at once: its staff can sign in.
      const alice = new ConsoleClient(base);
      expect((await alice.signIn('alice@wowrack.co.id', PASSWORD)).status).to.equal(303);
      const reset = await command(dir.path, ['staff', 'reset', 'alice@wowrack.co.id'], 'een-nieuw-wachtwoord-2\n');
      expect(reset.code, reset.stderr).to.equal(0);
      expect((await alice.get('/console')).status).to.equal(303); // the reset ended the session
      const list = await command(dir.path, ['staff', 'list']);
      expect(list.stdout).to.contain('alice@wowrack.co.id\tadmin\tenabled');
      const verify = await command(dir.path, ['audit', 'verify']);
      expect(verify.code, verify.stderr).to.equal(0);
      expect(verify.stdout).to.match(/^OK: \d+ audit entries, the hash chain is intact\n$/);
      await running.app.close();
      running = undefined;
      const db = await readDbFile(dir.path);
      expect(db.staff.map((s) => s.email)).to.deep.equal(['alice@wowrack.co.id']);
      expect(db.unsubscribes.map((u) => u.email)).to.deep.equal(['rina@example.test']);
      const actions = db.audit.map((e) => e.action);
      expect(actions).to.include('staff.added').and.include('staff.password-reset').and.include('unsubscribe.recorded');
      expect(await stat(join(dir.path, 'control.sock')).catch(() => undefined)).to.equal(undefined);
    } finally {
      await running?.app.close();
      await dir.remove();
    }
  });

  it('audit verify names the first entry that was edited', async () => {
    const dir = await tempDir('audit-cli-');
    try {
      await command(dir.path, ['staff', 'add', 'alice@wowrack.co.id', '--role', 'admin'], `${PASSWORD}\n`);
      await command(dir.path, ['staff', 'add', 'budi@wowrack.co.id'], `${PASSWORD}\n`);
      await command(dir.path, ['staff', 'disable', 'budi@wowrack.co.id']);
      expect((await command(dir.path, ['audit', 'verify'])).stdout).to.equal(
        'OK: 3 audit entries, the hash chain is intact\n',
      );
      const file = join(dir.path, 'assistant-db.json');
      const data = JSON.parse(await readFile(file, 'utf8'));
      data.audit[1].actor = 'staff:someone-else';
      await writeFile(file, JSON.stringify(data));
      const broken = await command(dir.path, ['audit', 'verify']);
      expect(broken.code).to.equal(1);
      expect(broken.stderr).to.equal('BROKEN at entry 2 of 3: its content was changed after it was written\n');
      data.audit.splice(1, 1);
      await writeFile(file, JSON.stringify(data));
      const removed = await command(dir.path, ['audit', 'verify']);
      expect(removed.stderr).to.contain('BROKEN at entry 3 of 2: expected entry number 2 here, found 3');
    } finally {
      await dir.remove();
    }
  });

  it('an assistant starting while the command holds the folder waits for it instead of stopping', async () => {
    const dir = await tempDir('lock-cli-');
    try {
      const held = await DataDirLock.acquire(dir.path, { holder: 'cli' });
      setTimeout(() => void held.release(), 400);
      const started = Date.now();
      const lock = await DataDirLock.acquire(dir.path, { waitForCliMs: 5000 });
      expect(Date.now() - started).to.be.within(300, 4000);
      await lock.release();
    } finally {
      await dir.remove();
    }
  });
});
