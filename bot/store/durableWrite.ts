import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const hasCode = (error: unknown, ...codes: string[]): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  typeof error.code === 'string' &&
  codes.includes(error.code);

/**
 * Replaces `path` with `text` so that a crash or power loss leaves either the old or the new complete file: a fresh
 * temp file in the same folder (`.<name>.<pid>.<random>.tmp`), fsync, rename over the target, fsync of the folder.
 * Resolves false (nothing replaced) when `stillWanted` says no.
 */
export async function writeFileDurably(
  path: string,
  text: string,
  mode = 0o600,
  /** Asked after the new text is on disk, right before the swap: false leaves the target as it is. */
  stillWanted?: () => Promise<boolean>,
): Promise<boolean> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const file = await open(temp, 'wx', mode);
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; ) offset += (await file.write(bytes, offset)).bytesWritten;
      await file.sync();
    } finally {
      await file.close();
    }
    if (stillWanted && !(await stillWanted())) return false;
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => {});
  }
  await syncDirectory(dir);
  return true;
}

/** Makes a rename durable. Windows cannot open directories; some file systems refuse to fsync them. */
async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } catch (error) {
    if (!hasCode(error, 'EINVAL', 'ENOTSUP')) throw error;
  } finally {
    await dir.close();
  }
}
