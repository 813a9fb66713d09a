import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setRecent } from '../../dialogs/root/recentMap.ts';

const SECRET_FILE = 'client-key.secret';
/** Keys of recent addresses kept in memory (an HMAC costs ~10 µs, a lookup well under one). */
const CACHED_KEYS = 10_000;

/**
 * Turns a client's address into the key the per-client caps count by: an HMAC with a secret kept in DATA_DIR, so
 * the stored key cannot be turned back into the address by trying all of them (IPv4 has only 2^32), and stays the
 * same across restarts.
 */
export class ClientKeys {
  /** address → key, most recently used last; in memory only (the addresses are already in the connection counts). */
  private readonly recent = new Map<string, string>();

  private constructor(private readonly secret: Buffer) {}

  /** Reads the secret from DATA_DIR, creating it (0600) on first start. */
  static async load(dataDir: string): Promise<ClientKeys> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, SECRET_FILE);
    try {
      const secret = await readFile(file);
      if (secret.length >= 32) return new ClientKeys(secret);
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
    const secret = randomBytes(32);
    // 'wx': two processes starting at once cannot both write it (the loser reads the winner's).
    try {
      await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return ClientKeys.load(dataDir);
      throw error;
    }
    return new ClientKeys(secret);
  }

  /** A fixed secret (tests). */
  static of(secret: string): ClientKeys {
    return new ClientKeys(Buffer.from(secret.padEnd(32, '.')));
  }

  /** The key of a client address (16 hex digits). */
  keyOf(address: string): string {
    const key =
      this.recent.get(address) ?? createHmac('sha256', this.secret).update(address).digest('hex').slice(0, 16);
    setRecent(this.recent, address, key, CACHED_KEYS);
    return key;
  }
}
