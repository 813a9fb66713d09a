/**
 * The customer's confirmation that a ticket is theirs: the acknowledgement mail's link (a 256-bit token; only its
 * SHA-256 is on the ticket) leads to a page whose button confirms. Looking the link up never changes anything (mail
 * scanners open links); confirming happens once, within 7 days, audited as `ticket.verified`. Until then a copy or
 * deletion request cannot be resolved without an audited override (ticketWork.ts).
 *
 * When the acknowledgement never went out (the customer's mailbox was at the mail caps) or its link expired, staff
 * send a new link: it replaces the old one (which stops working), counts against the mail caps of the mailbox, and
 * a ticket gets at most MAX_NEW_LINKS_PER_DAY of them a day.
 */
import { type AuditActor, appendAudit } from './audit.ts';
import { hashToken } from './consent.ts';
import type { MailQuota } from './mailQuota.ts';
import { ticketAcknowledgementMail } from './mailTemplates.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { TicketRecord } from './records.ts';
import { addMails } from './requestMail.ts';
import { isOpen, isVerified } from './ticketQueue.ts';
import { newVerificationLink, ticketMessageId } from './tickets.ts';
import { type SubmissionOptions, TicketWorkError } from './ticketWork.ts';

/** New identity links one ticket may get from staff in 24 hours (the mailbox's mail caps apply besides). */
export const MAX_NEW_LINKS_PER_DAY = 3;
const DAY_MS = 24 * 3_600_000;
/** How many of a ticket's new links are remembered (enough for the daily limit and the form keys). */
const REISSUES_KEPT = 10;

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
  /** The mail caps a new link's mail counts against. */
  readonly quota: MailQuota;
  /** The support mailbox: the domain of the new mail's Message-ID. */
  readonly supportEmail: string;
  /** Base of the identity link, e.g. https://chat.wowrack.co.id */
  readonly publicUrl: string;
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

  /**
   * Sends the customer a new identity link (the acknowledgement again, threaded under the first, with the new link)
   * for an open, unverified ticket: the old link stops working. Refused (TicketWorkError, nothing kept or sent) for
   * an unknown ticket, a closed or verified one, a ticket that had MAX_NEW_LINKS_PER_DAY new links in 24 hours, and a
   * mailbox at the mail caps. Audited as `ticket.verification-link-sent` with the mail's outbox id. The same form
   * `key` again sends nothing more (`repeated`). The caller wakes the mail delivery afterwards.
   */
  async reissue(
    id: string,
    actor: AuditActor,
    options: SubmissionOptions = {},
  ): Promise<{ readonly ticket: TicketRecord; readonly repeated: boolean }> {
    const { store, quota, supportEmail, publicUrl } = this.deps;
    const { key } = options;
    const at = this.deps.now();
    return store.transaction(async (tx) => {
      const ticket = await tx.tickets.get(id);
      if (!ticket) throw new TicketWorkError('unknown');
      const earlier = ticket.verification?.reissued ?? [];
      if (key !== undefined && earlier.some((r) => r.key === key)) return { ticket, repeated: true };
      if (!isOpen(ticket) || ticket.anonymisedAt !== undefined) throw new TicketWorkError('closed');
      if (isVerified(ticket)) throw new TicketWorkError('verified');
      const today = earlier.filter((r) => at.getTime() - Date.parse(r.at) < DAY_MS);
      if (today.length >= MAX_NEW_LINKS_PER_DAY) throw new TicketWorkError('link-limit');
      if (!(await quota.recipientAllows(tx, ticket.email, at))) throw new TicketWorkError('mail-cap');
      const { link, verification } = newVerificationLink(publicUrl, at);
      const staffId = actor.startsWith('staff:') ? actor.slice('staff:'.length) : actor;
      const reissued = [...earlier, { at: at.toISOString(), staffId, ...(key ? { key } : {}) }].slice(-REISSUES_KEPT);
      const next: TicketRecord = { ...ticket, verification: { ...verification, reissued } };
      await tx.tickets.replace(next);
      const [outboxId = ''] = await addMails(
        tx,
        [
          {
            to: ticket.email,
            ...ticketAcknowledgementMail(next, link),
            purpose: 'ticket-verification-link',
            ref: ticket.id,
            // The link is a secret until used: the stored copy loses it once the mail is sent.
            scrubAfterSend: true,
            messageId: ticketMessageId(ticket.id, `link${reissued.length}`, supportEmail),
            ...(ticket.messageId !== undefined ? { inReplyTo: ticket.messageId } : {}),
          },
        ],
        at,
      );
      await appendAudit(
        tx,
        { actor, action: 'ticket.verification-link-sent', target: ticket.id, details: { outboxId } },
        at,
      );
      return { ticket: next, repeated: false };
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
