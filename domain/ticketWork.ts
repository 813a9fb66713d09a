/**
 * The privacy team's work on tickets from the console: list, view (audited: personal data shown), status, assignment,
 * internal notes and replies to the customer. Each change and its audit entry are kept in one unit of work.
 */
import { type AuditActor, appendAudit } from './audit.ts';
import { type DeadlinePolicy, ticketDeadline } from './deadlines.ts';
import { ticketReplyMail } from './mailTemplates.ts';
import type { Clock, RequestStore, Transaction } from './ports.ts';
import type { TicketKind, TicketRecord, TicketReply, TicketStatus } from './records.ts';
import { addMails } from './requestMail.ts';
import { searchAudit } from './searchAudit.ts';
import { filterTickets, isOpen, isVerified, TICKET_STATUSES, type TicketFilter, ticketStatus } from './ticketQueue.ts';
import { ticketMessageId } from './tickets.ts';

/** Why a change was refused. */
export type TicketWorkReason =
  /** No ticket with that id. */
  | 'unknown'
  /** The ticket is resolved or rejected: it can only be reopened (to 'in-progress'), and not once anonymised. */
  | 'closed'
  /** Rejecting needs a reason (1–500 characters). */
  | 'reason-required'
  /** Resolving an unverified copy or deletion request needs an override reason (1–500 characters). */
  | 'override-required'
  /** A note, reply or reason is empty or too long. */
  | 'text'
  /** Not a status. */
  | 'status'
  /** Not an enabled staff member. */
  | 'assignee'
  /** The customer has already confirmed the request (a new identity link is pointless). */
  | 'verified'
  /** The ticket had its day's new identity links already (ticketVerification.ts MAX_NEW_LINKS_PER_DAY). */
  | 'link-limit'
  /** The customer's mailbox has had its mails for the hour (the mail caps, mailQuota.ts). */
  | 'mail-cap';

/** A change the rules refuse; nothing was kept. */
export class TicketWorkError extends Error {
  constructor(readonly reason: TicketWorkReason) {
    super(`ticket change refused: ${reason}`);
    this.name = 'TicketWorkError';
  }
}

export interface TicketWorkDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  /** The support mailbox: Reply-To of the answers and the domain of their Message-IDs. */
  readonly supportEmail: string;
  /** For tickets recorded before every kind had a due time: their due time is worked out on reading. */
  readonly deadlines: DeadlinePolicy;
}

/** What makes a note or reply idempotent: the one-time key of the form it came from. */
export interface SubmissionOptions {
  /** Posted again with the same key (a double click, a resent form): nothing new is kept or sent. */
  readonly key?: string;
}

export interface StatusOptions {
  /** Why the request is rejected (required for 'rejected'). */
  readonly reason?: string;
  /** Why an unverified copy or deletion request is resolved anyway (required then, audited). */
  readonly overrideReason?: string;
}

const MAX_REASON = 500;
const MAX_NOTE = 5000;
const MAX_REPLY = 20000;
/** Resolving these hands over or destroys personal data: the customer must have confirmed the request first. */
const NEEDS_VERIFICATION: ReadonlySet<TicketKind> = new Set<TicketKind>(['access', 'deletion']);

/** Whether resolving a request of `kind` unverified needs an audited override (copy and deletion requests). */
export const needsVerification = (kind: TicketKind): boolean => NEEDS_VERIFICATION.has(kind);

/** The console's operations on tickets; `actor` is the signed-in staff member (`staff:<id>`). */
export class TicketWorkService {
  constructor(private readonly deps: TicketWorkDeps) {}

  /**
   * The tickets matching `filter`, soonest due first. A list shows no personal data and is not audited; a text search
   * (by an address, a name, an id) is a look-up of a person: with `searchedBy` it is audited as `tickets.searched`
   * (searchAudit.ts: never the address or name itself) in the unit of work that read it.
   */
  async list(filter: TicketFilter, searchedBy?: AuditActor): Promise<TicketRecord[]> {
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      const found = filterTickets(
        (await tx.tickets.list()).map((t) => this.withDueTime(t)),
        filter,
      );
      if (searchedBy !== undefined && filter.text?.trim())
        await appendAudit(
          tx,
          { actor: searchedBy, action: 'tickets.searched', ...searchAudit(filter.text, found.length) },
          at,
        );
      return found;
    });
  }

  /** One ticket with its personal data; the viewing is audited ('ticket.viewed') in the same unit of work. */
  async view(id: string, actor: AuditActor): Promise<TicketRecord | undefined> {
    const at = this.deps.now();
    const ticket = await this.deps.store.transaction(async (tx) => {
      const found = await tx.tickets.get(id);
      if (found) await appendAudit(tx, { actor, action: 'ticket.viewed', target: id }, at);
      return found;
    });
    return ticket && this.withDueTime(ticket);
  }

  /**
   * Moves the ticket to `status`: any open status to any other; a closed one (resolved, rejected) only back to
   * 'in-progress'. 'rejected' needs `reason`; 'resolved' of an unverified copy or deletion request needs
   * `overrideReason`, kept as the verification override and audited on its own. The same status again changes nothing.
   */
  async setStatus(
    id: string,
    status: TicketStatus,
    actor: AuditActor,
    options: StatusOptions = {},
  ): Promise<TicketRecord> {
    if (!TICKET_STATUSES.includes(status)) throw new TicketWorkError('status');
    const at = this.deps.now();
    return this.change(id, async (tx, ticket) => {
      const from = ticketStatus(ticket);
      if (from === status) return ticket;
      if (!isOpen(ticket) && (status !== 'in-progress' || ticket.anonymisedAt !== undefined))
        throw new TicketWorkError('closed');
      const { rejectionReason: _previous, ...rest } = ticket;
      let next: TicketRecord = { ...rest, status, statusChangedAt: at.toISOString() };
      if (status === 'rejected') {
        const reason = options.reason === undefined ? '' : checkedText(options.reason, MAX_REASON);
        if (reason === '') throw new TicketWorkError('reason-required');
        next = { ...next, rejectionReason: reason };
      }
      let overridden = false;
      if (status === 'resolved' && NEEDS_VERIFICATION.has(ticket.kind) && !isVerified(ticket)) {
        const reason = options.overrideReason === undefined ? '' : checkedText(options.overrideReason, MAX_REASON);
        if (reason === '') throw new TicketWorkError('override-required');
        const override = { at: at.toISOString(), staffId: staffIdOf(actor), reason };
        next = { ...next, verification: { expiresAt: at.toISOString(), ...ticket.verification, override } };
        overridden = true;
      }
      await tx.tickets.replace(next);
      if (overridden) await appendAudit(tx, { actor, action: 'ticket.verification-overridden', target: id }, at);
      await appendAudit(tx, { actor, action: 'ticket.status-changed', target: id, details: { from, to: status } }, at);
      return next;
    });
  }

  /** Assigns the ticket to an enabled staff member, or to no one (`undefined`); the same assignee changes nothing. */
  async assign(id: string, staffId: string | undefined, actor: AuditActor): Promise<TicketRecord> {
    const at = this.deps.now();
    return this.change(id, async (tx, ticket) => {
      if (!isOpen(ticket)) throw new TicketWorkError('closed');
      if (ticket.assigneeId === staffId) return ticket;
      if (staffId !== undefined) {
        const staff = await tx.staff.get(staffId);
        if (!staff || staff.disabled) throw new TicketWorkError('assignee');
      }
      const { assigneeId: previous, ...rest } = ticket;
      const next: TicketRecord = { ...rest, ...(staffId !== undefined ? { assigneeId: staffId } : {}) };
      await tx.tickets.replace(next);
      const details = {
        ...(previous !== undefined ? { from: previous } : {}),
        ...(staffId !== undefined ? { to: staffId } : {}),
      };
      await appendAudit(tx, { actor, action: 'ticket.assigned', target: id, details }, at);
      return next;
    });
  }

  /**
   * Adds an internal note (1–5000 characters, never sent to the customer) to an open ticket; once per form `key`.
   */
  async addNote(id: string, text: string, actor: AuditActor, options: SubmissionOptions = {}): Promise<TicketRecord> {
    const note = checkedText(text, MAX_NOTE);
    if (note === '') throw new TicketWorkError('text');
    const { key } = options;
    const at = this.deps.now();
    return this.change(id, async (tx, ticket) => {
      if (key !== undefined && ticket.notes?.some((n) => n.key === key)) return ticket;
      if (!isOpen(ticket)) throw new TicketWorkError('closed');
      const added = { at: at.toISOString(), staffId: staffIdOf(actor), text: note, ...(key ? { key } : {}) };
      const next: TicketRecord = { ...ticket, notes: [...(ticket.notes ?? []), added] };
      await tx.tickets.replace(next);
      await appendAudit(tx, { actor, action: 'ticket.note-added', target: id }, at);
      return next;
    });
  }

  /**
   * Answers the customer (1–20000 characters): one outbox mail to the ticket's address, Reply-To the support mailbox,
   * threaded under the ticket's first mails, kept on the ticket. The status is left alone. The caller wakes the mail
   * delivery afterwards. The same form `key` again sends nothing more (`repeated`): a double click is one mail.
   */
  async reply(
    id: string,
    text: string,
    actor: AuditActor,
    options: SubmissionOptions = {},
  ): Promise<{ readonly ticket: TicketRecord; readonly outboxId: string; readonly repeated: boolean }> {
    const answer = checkedText(text, MAX_REPLY);
    if (answer === '') throw new TicketWorkError('text');
    const { supportEmail } = this.deps;
    const { key } = options;
    const at = this.deps.now();
    const { ticket, outboxId, repeated } = await this.inTicket(id, async (tx, found) => {
      const earlier = key === undefined ? undefined : found.replies?.find((r) => r.key === key);
      if (earlier) return { ticket: found, outboxId: earlier.outboxId, repeated: true };
      if (!isOpen(found)) throw new TicketWorkError('closed');
      const replies = found.replies ?? [];
      const messageId = ticketMessageId(found.id, `r${replies.length + 1}`, supportEmail);
      const [mailId] = await addMails(
        tx,
        [
          {
            to: found.email,
            replyTo: supportEmail,
            ...ticketReplyMail(found, answer, supportEmail),
            purpose: 'ticket-reply',
            ref: found.id,
            messageId,
            ...(found.messageId !== undefined ? { inReplyTo: found.messageId } : {}),
            ...(found.conversationId !== undefined ? { conversationId: found.conversationId } : {}),
          },
        ],
        at,
      );
      if (mailId === undefined) throw new Error('the reply mail was not recorded');
      const reply: TicketReply = {
        at: at.toISOString(),
        staffId: staffIdOf(actor),
        text: answer,
        outboxId: mailId,
        messageId,
        ...(key ? { key } : {}),
      };
      const next: TicketRecord = { ...found, replies: [...replies, reply] };
      await tx.tickets.replace(next);
      await appendAudit(tx, { actor, action: 'ticket.replied', target: id, details: { outboxId: mailId } }, at);
      return { ticket: next, outboxId: mailId, repeated: false };
    });
    return { ticket: this.withDueTime(ticket), outboxId, repeated };
  }

  /** Runs `work` on ticket `id` in one unit of work; the changed ticket is returned with its due time. */
  private async change(
    id: string,
    work: (tx: Transaction, ticket: TicketRecord) => Promise<TicketRecord>,
  ): Promise<TicketRecord> {
    return this.withDueTime(await this.inTicket(id, work));
  }

  /** Runs `work` on ticket `id` in one unit of work (TicketWorkError 'unknown' when there is none). */
  private inTicket<T>(id: string, work: (tx: Transaction, ticket: TicketRecord) => Promise<T>): Promise<T> {
    return this.deps.store.transaction(async (tx) => {
      const ticket = await tx.tickets.get(id);
      if (!ticket) throw new TicketWorkError('unknown');
      return work(tx, ticket);
    });
  }

  /** The ticket with a due time: its own, or (recorded before every kind had one) worked out from its receipt. */
  private withDueTime(ticket: TicketRecord): TicketRecord {
    if (ticket.dueAt !== undefined) return ticket;
    const due = ticketDeadline(ticket.kind, new Date(ticket.createdAt), this.deps.deadlines).dueAt;
    return { ...ticket, dueAt: due.toISOString() };
  }
}

/** The trimmed text; TicketWorkError 'text' when longer than `max` characters (empty is the caller's to judge). */
function checkedText(text: string, max: number): string {
  const trimmed = text.trim();
  if (Array.from(trimmed).length > max) throw new TicketWorkError('text');
  return trimmed;
}

/** The staff id of a `staff:<id>` actor; other actors (the shell, the system) are named as they are. */
function staffIdOf(actor: AuditActor): string {
  return actor.startsWith('staff:') ? actor.slice('staff:'.length) : actor;
}
