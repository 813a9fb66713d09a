import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge/', import.meta.url));

/** Copies faq.yaml, training.yaml and the statement into `<dir>/knowledge` (tests edit the copy); returns faq.yaml's path. */
export async function copyKnowledge(dir: string): Promise<string> {
  const target = join(dir, 'knowledge');
  await mkdir(target, { recursive: true });
  for (const name of ['faq.yaml', 'training.yaml', 'privacy-statement.txt'])
    await copyFile(join(KNOWLEDGE_DIR, name), join(target, name));
  return join(target, 'faq.yaml');
}

/** Polls `check` every 25 ms until it returns true or `ms` pass; resolves with how long it took. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}
