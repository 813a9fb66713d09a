/**
 * Keeping tickets only as long as needed: a resolved or rejected ticket loses its personal data once it has been
 * closed for TICKET_RETENTION_DAYS (the company's choice, 730 by default: two years to answer a complaint about how a
 * request was handled). What stays is what proves that the request was handled in time: id, kind, receipt, due and
 * close times, status, the rejection reason and who did what when (the texts of notes and replies are removed).
 */
import { appendAudit } from './audit.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { TicketRecord } from './records.ts';
import { isOpen } from './ticketQueue.ts';

const DAY_MS = 24 * 3_600_000;

export const DEFAULT_TICKET_RETENTION_DAYS = 730;

/** The ticket without its personal data (the id and the facts of its handling stay). */
export function anonymisedTicket(ticket: TicketRecord, at: Date): TicketRecord {
  const { account: _account, requestKey: _key, verification, ...rest } = ticket;
  return {
    ...rest,
    name: '',
    email: '',
    question: '',
    transcript: [],
    conversationId: '',
    ...(ticket.notes ? { notes: ticket.notes.map((n) => ({ ...n, text: '' })) } : {}),
    ...(ticket.replies ? { replies: ticket.replies.map((r) => ({ ...r, text: '' })) } : {}),
    // The link's hash goes (nothing can be confirmed any more); whether and when it was confirmed stays.
    ...(verification
      ? {
          verification: {
            expiresAt: verification.expiresAt,
            ...(verification.verifiedAt ? { verifiedAt: verification.verifiedAt } : {}),
            ...(verification.override ? { override: verification.override } : {}),
          },
        }
      : {}),
    anonymisedAt: at.toISOString(),
  };
}

export interface TicketRetentionDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  readonly retentionDays: number;
}

export class TicketRetention {
  constructor(private readonly deps: TicketRetentionDeps) {
    if (!Number.isInteger(deps.retentionDays) || deps.retentionDays < 1)
      throw new RangeError('retentionDays must be a whole number of at least 1');
  }

  /** Anonymises every ticket closed before the retention period, each audited as `ticket.anonymised`; how many. */
  async run(): Promise<number> {
    const at = this.deps.now();
    const before = at.getTime() - this.deps.retentionDays * DAY_MS;
    return this.deps.store.transaction(async (tx) => {
      let count = 0;
      for (const ticket of await tx.tickets.list()) {
        if (isOpen(ticket) || ticket.anonymisedAt !== undefined) continue;
        const closedAt = Date.parse(ticket.statusChangedAt ?? ticket.createdAt);
        if (!(closedAt < before)) continue;
        await tx.tickets.replace(anonymisedTicket(ticket, at));
        const details = { retentionDays: String(this.deps.retentionDays) };
        await appendAudit(tx, { actor: 'system', action: 'ticket.anonymised', target: ticket.id, details }, at);
        count += 1;
      }
      return count;
    });
  }
}
