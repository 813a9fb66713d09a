/**
 * The customer's confirmation that a ticket is theirs: the acknowledgement mail's link (a 256-bit token; only its
 * SHA-256 is on the ticket) leads to a page whose button confirms. Looking the link up never changes anything (mail
 * scanners open links); confirming happens once, within 7 days, audited as `ticket.verified`. Until then a copy or
 * deletion request cannot be resolved without an audited override (ticketWork.ts).
 */
import { appendAudit } from './audit.ts';
import { hashToken } from './consent.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { TicketRecord } from './records.ts';
import { isOpen, isVerified } from './ticketQueue.ts';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What a link leads to. `closed`: the request was resolved, rejected or anonymised before it was confirmed. */
export type VerificationState =
  | { readonly status: 'open'; readonly ticket: TicketRecord }
  | { readonly status: 'verified'; readonly ticket: TicketRecord }
  | { readonly status: 'expired'; readonly ticket: TicketRecord }
  | { readonly status: 'closed'; readonly ticket: TicketRecord }
  | { readonly status: 'unknown' };

export type VerificationResult =
  | { readonly status: 'confirmed'; readonly ticket: TicketRecord }
  | Exclude<VerificationState, { status: 'open' }>;

export interface TicketVerificationDeps {
  readonly store: RequestStore;
  readonly now: Clock;
}

export class TicketVerificationService {
  constructor(private readonly deps: TicketVerificationDeps) {}

  /** Where the link stands; changes nothing. A token of the wrong shape is unknown without a lookup. */
  async lookup(token: string): Promise<VerificationState> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const found = await this.deps.store.transaction((tx) => tx.tickets.findByVerificationHash(hashToken(token)));
    return stateOf(found, this.deps.now());
  }

  /**
   * Confirms the request once: the check and the write are one unit of work (two clicks confirm once). `userAgent`
   * (as the HTTP layer read it, at most 300 characters) is kept in the audit entry as the confirming browser.
   */
  async confirm(token: string, userAgent?: string): Promise<VerificationResult> {
    if (!TOKEN_PATTERN.test(token)) return { status: 'unknown' };
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx): Promise<VerificationResult> => {
      const state = stateOf(await tx.tickets.findByVerificationHash(hashToken(token)), at);
      if (state.status !== 'open') return state;
      const { ticket } = state;
      const verification = { expiresAt: at.toISOString(), ...ticket.verification, verifiedAt: at.toISOString() };
      const next: TicketRecord = { ...ticket, verification };
      await tx.tickets.replace(next);
      const details: Record<string, string> = userAgent ? { userAgent: userAgent.slice(0, 300) } : {};
      await appendAudit(tx, { actor: 'customer', action: 'ticket.verified', target: ticket.id, details }, at);
      return { status: 'confirmed', ticket: next };
    });
  }
}

function stateOf(ticket: TicketRecord | undefined, now: Date): VerificationState {
  if (!ticket?.verification) return { status: 'unknown' };
  if (isVerified(ticket)) return { status: 'verified', ticket };
  if (!isOpen(ticket) || ticket.anonymisedAt !== undefined) return { status: 'closed', ticket };
  if (Date.parse(ticket.verification.expiresAt) <= now.getTime()) return { status: 'expired', ticket };
  return { status: 'open', ticket };
}
