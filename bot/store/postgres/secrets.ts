import { randomBytes } from 'node:crypto';
import type { PostgresDatabase } from './database.ts';

/**
 * Secrets every instance must share (the key of the client hashes: the caps count a client the same everywhere),
 * made on first use. The first instance's INSERT wins; the others read what it wrote.
 */
export class PostgresSecrets {
  readonly #known = new Map<string, Promise<Buffer>>();

  constructor(private readonly database: PostgresDatabase) {}

  secret(name: string): Promise<Buffer> {
    let found = this.#known.get(name);
    if (!found) {
      found = this.#load(name);
      this.#known.set(name, found);
      found.catch(() => this.#known.delete(name));
    }
    return found;
  }

  async #load(name: string): Promise<Buffer> {
    await this.database.query('INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
      name,
      randomBytes(32),
    ]);
    const { rows } = await this.database.query<{ value: Buffer }>('SELECT value FROM secrets WHERE name = $1', [name]);
    const value = rows[0]?.value;
    if (!value || value.length < 32) throw new Error(`secret ${name} is missing or too short in the database`);
    return value;
  }
}
