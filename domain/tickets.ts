import { randomBytes } from 'node:crypto';
import type { Lang } from '../knowledge/types.ts';
import { InvalidAddressError, normalizeEmail } from './address.ts';
import { appendAudit } from './audit.ts';
import { hashToken } from './consent.ts';
import { type DeadlinePolicy, ticketDeadline } from './deadlines.ts';
import { ticketAcknowledgementMail, ticketToSupportMail } from './mailTemplates.ts';
import { readableId } from './readableId.ts';
import type { RequestOrigin, TicketKind, TicketRecord, TicketVerification } from './records.ts';
import { redact } from './redact.ts';
import { originOf, type RequestOutcome, type RequestRecorder, recordOrigin } from './requestMail.ts';

/** How long the identity link in the acknowledgement works. */
export const VERIFICATION_VALIDITY_MS = 7 * 24 * 3_600_000;

/**
 * A new identity link: the URL for the mail (the token is in it and nowhere else) and what the ticket keeps of it
 * (the token's SHA-256 and the end of its validity).
 */
export function newVerificationLink(
  publicUrl: string,
  now: Date,
): { readonly link: string; readonly verification: TicketVerification } {
  const token = randomBytes(32).toString('base64url');
  return {
    link: `${publicUrl.replace(/\/+$/, '')}/verify/${token}`,
    verification: {
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + VERIFICATION_VALIDITY_MS).toISOString(),
    },
  };
}

export interface TicketInput extends RequestOrigin {
  readonly kind: TicketKind;
  readonly name: string;
  readonly email: string;
  readonly account?: string;
  readonly question: string;
  readonly transcript: readonly string[];
  readonly lang: Lang;
}

export interface TicketDeps {
  readonly requests: RequestRecorder;
  readonly supportEmail: string;
  /** The company's deadlines where the law sets none (deletion, questions). */
  readonly deadlines: DeadlinePolicy;
  /** Base of the identity link in the acknowledgement, e.g. https://chat.wowrack.co.id */
  readonly publicUrl: string;
}

/** `<prv-20261127-4821.ack.<random>@<support domain>>`: the acknowledgement's Message-ID, which replies thread under. */
export function ticketMessageId(ticketId: string, part: string, supportEmail: string): string {
  const domain = supportEmail.slice(supportEmail.lastIndexOf('@') + 1).toLowerCase();
  return `<${ticketId.toLowerCase()}-${part}.${randomBytes(6).toString('hex')}@${domain}>`;
}

/**
 * A question or data request for support: a ticket with a readable id and due date, mailed to staff and customer.
 * The question is kept masked like the transcript (addresses and long numbers: redact.ts). The customer's
 * acknowledgement carries a single-use link (a 256-bit token, only its SHA-256 kept, valid 7 days) to confirm that
 * the request is theirs (domain/ticketVerification.ts); replies from the console thread under that mail.
 */
export class TicketService {
  constructor(private readonly deps: TicketDeps) {}

  async create(input: TicketInput): Promise<RequestOutcome<TicketRecord>> {
    const { requests, supportEmail, deadlines, publicUrl } = this.deps;
    const email = normalizeEmail(input.email);
    if (!email) throw new InvalidAddressError('replyTo');
    return requests.record<TicketRecord>({
      origin: originOf(input),
      findByKey: (tx, key) => tx.tickets.findByRequestKey(key),
      // The acknowledgement is a courtesy: a mailbox at its cap does not keep the ticket from being recorded.
      recipients: [],
      prepare: async (tx, now) => {
        const due = ticketDeadline(input.kind, now, deadlines).dueAt;
        const { link, verification } = newVerificationLink(publicUrl, now);
        const id = await readableId('PRV', now, (taken) => tx.tickets.idTaken(taken));
        const ticket: TicketRecord = {
          id,
          createdAt: now.toISOString(),
          dueAt: due.toISOString(),
          kind: input.kind,
          lang: input.lang,
          name: input.name,
          email,
          ...(input.account ? { account: input.account } : {}),
          question: redact(input.question),
          transcript: [...input.transcript],
          ...recordOrigin(input),
          verification,
          messageId: ticketMessageId(id, 'ack', supportEmail),
        };
        return {
          record: ticket,
          save: async (t) => {
            await t.tickets.add(ticket);
            const details = { kind: ticket.kind };
            await appendAudit(t, { actor: 'customer', action: 'ticket.recorded', target: ticket.id, details }, now);
          },
          mails: [
            {
              to: supportEmail,
              replyTo: email,
              ...ticketToSupportMail(ticket),
              purpose: 'ticket-support',
              ref: ticket.id,
            },
            {
              to: email,
              ...ticketAcknowledgementMail(ticket, link),
              purpose: 'ticket-acknowledgement',
              ref: ticket.id,
              courtesy: true,
              // The link is a secret until used: the stored copy loses it once the mail is sent.
              scrubAfterSend: true,
              ...(ticket.messageId ? { messageId: ticket.messageId } : {}),
            },
          ],
        };
      },
    });
  }
}
