/**
 * The audit trail: every staff action and every request event, appended in the unit of work that made it, each entry
 * chained to the previous one by SHA-256, so that editing, removing or reordering an entry is detected by verify().
 */
import { createHash } from 'node:crypto';
import type { Clock, RequestStore, Transaction } from './ports.ts';
import type { AuditEntry } from './records.ts';

/** The hash the first entry chains to. */
export const AUDIT_GENESIS = '0'.repeat(64);

/** Who acted: a staff member, the customer (through the chat or a link), a parent, the assistant itself, the shell. */
export type AuditActor = `staff:${string}` | 'customer' | 'parent' | 'system' | 'cli';

/** What happened, before it is numbered and chained. Details hold ids and facts, never a raw address or text. */
export interface AuditEvent {
  readonly actor: AuditActor;
  readonly action: string;
  readonly target?: string;
  readonly details?: Readonly<Record<string, string>>;
}

/** The entry's hash: over the previous hash and the entry's own fields, in a fixed order (details sorted by key). */
export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const details = Object.entries(entry.details ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([
    entry.prevHash,
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.target ?? null,
    details,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends `event` to the trail inside the unit of work `tx` (so it is kept exactly when what it records is). */
export async function appendAudit(tx: Transaction, event: AuditEvent, at: Date): Promise<AuditEntry> {
  const last = await tx.audit.last();
  const unhashed: Omit<AuditEntry, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: event.actor,
    action: event.action,
    ...(event.target !== undefined ? { target: event.target } : {}),
    ...(event.details && Object.keys(event.details).length > 0 ? { details: { ...event.details } } : {}),
    prevHash: last?.hash ?? AUDIT_GENESIS,
  };
  const entry: AuditEntry = { ...unhashed, hash: auditHash(unhashed) };
  await tx.audit.append(entry);
  return entry;
}

export type ChainCheck =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly seq: number; readonly reason: string };

/** Walks the chain from the start; names the first entry that does not follow from the one before it. */
export function verifyAuditChain(entries: readonly AuditEntry[]): ChainCheck {
  let prevHash = AUDIT_GENESIS;
  let seq = 0;
  for (const entry of entries) {
    seq += 1;
    const broken = (reason: string): ChainCheck => ({ ok: false, entries: entries.length, seq: entry.seq, reason });
    if (entry.seq !== seq)
      return broken(`expected entry number ${seq} here, found ${entry.seq} (removed or reordered)`);
    if (entry.prevHash !== prevHash) return broken('it does not chain to the entry before it');
    const { hash, ...unhashed } = entry;
    if (auditHash(unhashed) !== hash) return broken('its content was changed after it was written');
    prevHash = hash;
  }
  return { ok: true, entries: entries.length };
}

/** What the console shows of the trail, newest first, filtered. */
export interface AuditQuery {
  readonly target?: string;
  readonly actor?: string;
  readonly action?: string;
  readonly limit?: number;
}

export class AuditTrail {
  constructor(
    private readonly store: RequestStore,
    private readonly now: Clock,
  ) {}

  /** Records one event in a unit of work of its own. */
  record(event: AuditEvent): Promise<AuditEntry> {
    return this.store.transaction((tx) => appendAudit(tx, event, this.now()));
  }

  async query(query: AuditQuery = {}): Promise<readonly AuditEntry[]> {
    const all = await this.store.transaction((tx) => tx.audit.list());
    const hits = all.filter(
      (e) =>
        (query.target === undefined || e.target === query.target) &&
        (query.actor === undefined || e.actor === query.actor) &&
        (query.action === undefined || e.action.startsWith(query.action)),
    );
    return hits.reverse().slice(0, query.limit ?? hits.length);
  }

  async verify(): Promise<ChainCheck> {
    return verifyAuditChain(await this.store.transaction((tx) => tx.audit.list()));
  }
}
