import type { Outbox } from '../bot/mail/outbox.ts';
import type { Db } from '../bot/store/lowdb/jsonDocument.ts';
import type { Lang } from '../knowledge/types.ts';
import { InvalidAddressError, normalizeEmail } from './address.ts';
import type { MailQuota } from './mailQuota.ts';
import { ticketAcknowledgementMail, ticketToSupportMail } from './mailTemplates.ts';
import { readableId } from './readableId.ts';
import type { TicketKind, TicketRecord } from './records.ts';
import type { Clock } from './time.ts';

/** UU PDP: access (Pasal 32) and correction (Pasal 30) requests must be answered within 3×24 hours. */
const DEADLINE_MS: Partial<Record<TicketKind, number>> = { access: 72 * 3_600_000, correction: 72 * 3_600_000 };

export interface TicketInput {
  readonly kind: TicketKind;
  readonly name: string;
  readonly email: string;
  readonly account?: string;
  readonly question: string;
  readonly transcript: readonly string[];
  readonly lang: Lang;
  readonly conversationId: string;
}

export type TicketResult =
  | { readonly status: 'created'; readonly ticket: TicketRecord; readonly delivered: boolean }
  | { readonly status: 'limited' };

export interface TicketDeps {
  readonly db: Db;
  readonly outbox: Outbox;
  readonly quota: MailQuota;
  readonly supportEmail: string;
  readonly now: Clock;
  readonly deliveryWaitMs: number;
}

/** A question or data request for support@: a ticket with a readable id and due date, mailed to staff and customer. */
export class TicketService {
  constructor(private readonly deps: TicketDeps) {}

  async create(input: TicketInput): Promise<TicketResult> {
    const { outbox, quota, supportEmail, now, deliveryWaitMs } = this.deps;
    const email = normalizeEmail(input.email);
    if (!email) throw new InvalidAddressError('replyTo');
    if (!quota.allows(input.conversationId, [email])) return { status: 'limited' };

    const created = now();
    const deadline = DEADLINE_MS[input.kind];
    const { result: ticket, records } = await outbox.enqueueWith((data) => {
      const ticket: TicketRecord = {
        id: readableId('PRV', created, (id) => data.tickets.some((t) => t.id === id)),
        createdAt: created.toISOString(),
        ...(deadline ? { dueAt: new Date(created.getTime() + deadline).toISOString() } : {}),
        kind: input.kind,
        lang: input.lang,
        name: input.name,
        email,
        ...(input.account ? { account: input.account } : {}),
        question: input.question,
        transcript: [...input.transcript],
        conversationId: input.conversationId,
      };
      data.tickets.push(ticket);
      const conversationId = input.conversationId;
      return {
        result: ticket,
        mails: [
          {
            to: supportEmail,
            replyTo: email,
            ...ticketToSupportMail(ticket),
            purpose: 'ticket-support',
            conversationId,
          },
          { to: email, ...ticketAcknowledgementMail(ticket), purpose: 'ticket-acknowledgement', conversationId },
        ],
      };
    });
    const delivered = await outbox.waitForDelivery(
      records.map((r) => r.id),
      deliveryWaitMs,
    );
    return { status: 'created', ticket, delivered };
  }
}
