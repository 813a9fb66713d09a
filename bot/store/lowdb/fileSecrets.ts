import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * Secrets of the embedded store: a 32-byte file per secret in DATA_DIR (`<name>.secret`, 0600), made on first use and
 * the same across restarts.
 */
export async function fileSecret(dataDir: string, name: string): Promise<Buffer> {
  if (!NAME.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name)}`);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, `${name}.secret`);
  try {
    const secret = await readFile(file);
    if (secret.length >= 32) return secret;
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
  }
  const secret = randomBytes(32);
  // 'wx': two processes starting at once cannot both write it (the loser reads the winner's).
  try {
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return fileSecret(dataDir, name);
    throw error;
  }
  return secret;
}
