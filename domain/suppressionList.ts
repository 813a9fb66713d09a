/**
 * The suppression list as the privacy team works it in the console: search it, and take an address off it when the
 * customer opted in to promotional mail again (with a note saying how, audited). Adding to it is the customer's own
 * request (unsubscribe.ts).
 */
import { createHash } from 'node:crypto';
import { emailKey, mailboxKey, maskEmailsIn } from './address.ts';
import { type AuditActor, appendAudit } from './audit.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { UnsubscribeRecord } from './records.ts';

/** The longest note a removal may carry. */
export const SUPPRESSION_NOTE_MAX = 500;

/** A removal without a note of 1–500 characters (after trimming), which the trail needs to explain it. */
export class SuppressionNoteError extends Error {
  constructor() {
    super(`a removal from the suppression list needs a note of 1–${SUPPRESSION_NOTE_MAX} characters`);
    this.name = 'SuppressionNoteError';
  }
}

/**
 * How the audit trail names a mailbox without writing its address: the first 16 hex characters of the SHA-256 of
 * its mailbox key (address.ts), so entries about one mailbox can be found by hashing the address again.
 */
export function mailboxTarget(mailbox: string): string {
  return createHash('sha256').update(mailbox).digest('hex').slice(0, 16);
}

export interface SuppressionListDeps {
  readonly store: RequestStore;
  readonly now: Clock;
}

export class SuppressionListService {
  constructor(private readonly deps: SuppressionListDeps) {}

  /** The entries whose address contains `text` (any case; all of them without it), newest first. */
  async search(text?: string): Promise<readonly UnsubscribeRecord[]> {
    const needle = text?.trim().toLowerCase() ?? '';
    const all = await this.deps.store.transaction((tx) => tx.unsubscribes.list());
    return all.filter((entry) => entry.email.toLowerCase().includes(needle)).reverse();
  }

  /**
   * Takes the mailbox of `email` off the list (the customer opted in again) and audits it as `unsubscribe.removed`
   * with the note (any address in it masked) in the same unit of work; false, and nothing audited, when the mailbox
   * was not listed. Throws SuppressionNoteError before anything else without a note of 1–500 characters.
   */
  async remove(email: string, note: string, actor: AuditActor): Promise<boolean> {
    const text = note.trim();
    if (text.length === 0 || text.length > SUPPRESSION_NOTE_MAX) throw new SuppressionNoteError();
    const mailbox = mailboxKey(email);
    const exact = emailKey(email);
    if (!mailbox || !exact) return false;
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      // Entries recorded before the list keyed on mailboxes hold the whole lower-cased address.
      const removed =
        (await tx.unsubscribes.remove(mailbox)) || (exact !== mailbox && (await tx.unsubscribes.remove(exact)));
      if (!removed) return false;
      await appendAudit(
        tx,
        { actor, action: 'unsubscribe.removed', target: mailboxTarget(mailbox), details: { note: maskEmailsIn(text) } },
        at,
      );
      return true;
    });
  }
}
