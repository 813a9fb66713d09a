import { createHmac } from 'node:crypto';

/** The name of the secret the client keys are made with (DATA_DIR/client-key.secret, or the database's). */
export const CLIENT_KEY_SECRET = 'client-key';

/**
 * Turns a client's address into the key the per-client caps count by: an HMAC with a secret of the store, so the
 * stored key cannot be turned back into the address by trying all of them (IPv4 has only 2^32), and stays the same
 * across restarts, and across instances when the store is shared.
 */
export class ClientKeys {
  constructor(private readonly secret: Buffer) {}

  /** A fixed secret (tests). */
  static of(secret: string): ClientKeys {
    return new ClientKeys(Buffer.from(secret.padEnd(32, '.')));
  }

  /** The key of a client address (16 hex digits). */
  keyOf(address: string): string {
    return createHmac('sha256', this.secret).update(address).digest('hex').slice(0, 16);
  }
}
