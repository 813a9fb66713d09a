import { createHmac } from 'node:crypto';
import { setRecent } from '../../dialogs/root/recentMap.ts';

/** The name of the secret the client keys are made with (DATA_DIR/client-key.secret, or the database's). */
export const CLIENT_KEY_SECRET = 'client-key';
/** Keys of recent addresses kept in memory (an HMAC costs ~10 µs, a lookup well under one). */
const CACHED_KEYS = 10_000;

/**
 * Turns a client's address into the key the per-client caps count by: an HMAC with a secret of the store, so the
 * stored key cannot be turned back into the address by trying all of them (IPv4 has only 2^32), and stays the same
 * across restarts, and across instances when the store is shared.
 */
export class ClientKeys {
  /** address → key, most recently used last; in memory only (the addresses are already in the connection counts). */
  private readonly recent = new Map<string, string>();

  constructor(private readonly secret: Buffer) {}

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
