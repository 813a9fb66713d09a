/**
 * The assistant as a real process: `node --import tsx bot/index.ts` with the environment a test gives (a free port,
 * info log on stdout), as an operator starts it. Used where a test must kill it (kill -9) or run several at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, where the assistant is started. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 20_000;

/** `node` arguments that start the assistant as `npm start` does. */
export const ASSISTANT_ARGS: readonly string[] = ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/index.ts'];

/** A minimal environment (PATH, HOME, TMPDIR; PORT=0, LOG_LEVEL=info) with `env` over it. */
export function assistantEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env,
  };
}

export interface AssistantProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly exited: Promise<void>;
  /** The last 8 KB of its stdout and stderr (its log lines), for failure messages. */
  readonly output: () => string;
}

/** Children still running, with the promise of their exit (killAssistants() kills and awaits them). */
const running = new Map<ChildProcess, Promise<void>>();

/** Starts the assistant with `env` over a minimal base (PORT=0, LOG_LEVEL=info); resolves once it listens. */
export async function startAssistant(env: Readonly<Record<string, string>>): Promise<AssistantProcess> {
  const child = spawn(process.execPath, ASSISTANT_ARGS, {
    cwd: ROOT,
    env: assistantEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stderr?.on('data', keep);
  const port = await new Promise<number>((done, fail) => {
    let buffered = '';
    const timer = setTimeout(
      () => fail(new Error(`the assistant did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      keep(chunk);
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        try {
          const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
          if (typeof entry.port === 'number' && String(entry.msg).startsWith('listening')) {
            clearTimeout(timer);
            done(entry.port);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the assistant exited before listening:\n${output}`));
    });
  });
  return { child, port, base: `http://127.0.0.1:${port}`, exited, output: () => output };
}

/** kill -9, and wait until it is gone. */
export async function killHard(assistant: AssistantProcess): Promise<void> {
  assistant.child.kill('SIGKILL');
  await assistant.exited;
}

/** SIGTERM (a clean stop), SIGKILL if it does not stop within 10 s. */
export async function stopAssistant(assistant: AssistantProcess): Promise<void> {
  assistant.child.kill('SIGTERM');
  const timer = setTimeout(() => assistant.child.kill('SIGKILL'), 10_000);
  await assistant.exited;
  clearTimeout(timer);
}

/** Kills every assistant still running (an after hook). */
export async function killAssistants(): Promise<void> {
  const exits = [...running].map(([child, exited]) => {
    child.kill('SIGKILL');
    return exited;
  });
  await Promise.all(exits);
}
