import type { Lang } from '../knowledge/types.ts';
import { InvalidAddressError, normalizeEmail } from './address.ts';
import { type DeadlinePolicy, ticketDeadline } from './deadlines.ts';
import { ticketAcknowledgementMail, ticketToSupportMail } from './mailTemplates.ts';
import { readableId } from './readableId.ts';
import type { RequestOrigin, TicketKind, TicketRecord } from './records.ts';
import { originOf, type RequestOutcome, type RequestRecorder, recordOrigin } from './requestMail.ts';

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
}

/** A question or data request for support: a ticket with a readable id and due date, mailed to staff and customer. */
export class TicketService {
  constructor(private readonly deps: TicketDeps) {}

  async create(input: TicketInput): Promise<RequestOutcome<TicketRecord>> {
    const { requests, supportEmail, deadlines } = this.deps;
    const email = normalizeEmail(input.email);
    if (!email) throw new InvalidAddressError('replyTo');
    return requests.record<TicketRecord>({
      origin: originOf(input),
      findByKey: (tx, key) => tx.tickets.findByRequestKey(key),
      // The acknowledgement is a courtesy: a mailbox at its cap does not keep the ticket from being recorded.
      recipients: [],
      prepare: async (tx, now) => {
        const due = ticketDeadline(input.kind, now, deadlines).dueAt;
        const ticket: TicketRecord = {
          id: await readableId('PRV', now, (id) => tx.tickets.idTaken(id)),
          createdAt: now.toISOString(),
          dueAt: due.toISOString(),
          kind: input.kind,
          lang: input.lang,
          name: input.name,
          email,
          ...(input.account ? { account: input.account } : {}),
          question: input.question,
          transcript: [...input.transcript],
          ...recordOrigin(input),
        };
        return {
          record: ticket,
          save: (t) => t.tickets.add(ticket),
          mails: [
            {
              to: supportEmail,
              replyTo: email,
              ...ticketToSupportMail(ticket),
              purpose: 'ticket-support',
            },
            { to: email, ...ticketAcknowledgementMail(ticket), purpose: 'ticket-acknowledgement', courtesy: true },
          ],
        };
      },
    });
  }
}
