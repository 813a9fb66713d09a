/** The requests (tickets): the list with filters, one ticket (its view audited), and the work on it. */
import type { DeadlinePolicy } from '../../../domain/deadlines.ts';
import { ticketDeadline } from '../../../domain/deadlines.ts';
import type { Clock, MailDelivery } from '../../../domain/ports.ts';
import type { TicketKind, TicketStatus } from '../../../domain/records.ts';
import type { StaffService } from '../../../domain/staff.ts';
import { TICKET_KINDS } from '../../../domain/ticketKinds.ts';
import { DUE_WINDOWS, type DueWindow, type TicketFilter } from '../../../domain/ticketQueue.ts';
import type { TicketVerificationService } from '../../../domain/ticketVerification.ts';
import type { TicketWorkService } from '../../../domain/ticketWork.ts';
import { ConsoleInputError, formKey, formText, newFormKey, queryParam, redirect, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { page } from './layout.ts';
import { STATUSES, ticketDetail, ticketList } from './ticketViews.ts';

export interface TicketRouteDeps {
  readonly tickets: TicketWorkService;
  readonly verification: TicketVerificationService;
  readonly staff: StaffService;
  readonly delivery: MailDelivery;
  readonly deadlines: DeadlinePolicy;
  readonly now: Clock;
}

const TICKET_ID = /^PRV-\d{8}-\d{4,9}$/;

const isStatus = (value: string): value is TicketStatus => (STATUSES as readonly string[]).includes(value);
const isKind = (value: string): value is TicketKind => (TICKET_KINDS as readonly string[]).includes(value);
const isDueWindow = (value: string): value is DueWindow => (DUE_WINDOWS as readonly string[]).includes(value);

/** A datetime-local value is read as WIB (UTC+7), the team's time. */
function wibTime(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}:00+07:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function ticketId(raw: unknown): string {
  const id = String(raw ?? '').toUpperCase();
  if (!TICKET_ID.test(id)) throw new ConsoleInputError('Nomor permintaan tidak dikenal · Unknown request number', 404);
  return id;
}

export function registerTicketRoutes(router: ConsoleRouter, deps: TicketRouteDeps): void {
  const { tickets, verification, staff, delivery, deadlines, now } = deps;

  router.page('/console/tickets', async ({ req, res, frame, actor }) => {
    const values = {
      status: queryParam(req, 'status'),
      kind: queryParam(req, 'kind'),
      due: queryParam(req, 'due'),
      verified: queryParam(req, 'verified'),
      when: queryParam(req, 'when'),
      q: queryParam(req, 'q'),
    };
    const dueBefore = wibTime(values.due);
    const filter: TicketFilter = {
      ...(values.status === 'open' || isStatus(values.status) ? { status: values.status } : {}),
      ...(isKind(values.kind) ? { kind: values.kind } : {}),
      ...(dueBefore ? { dueBefore } : {}),
      ...(values.verified === 'yes' ? { verified: true } : values.verified === 'no' ? { verified: false } : {}),
      ...(isDueWindow(values.when) ? { due: { window: values.when, now: now() } } : {}),
      ...(values.q ? { text: values.q } : {}),
    };
    const [list, members] = await Promise.all([tickets.list(filter, actor), staff.list()]);
    const byId = new Map(members.map((s) => [s.id, s]));
    sendHtml(res, 200, page(frame('tickets'), 'Permintaan · Requests', ticketList(list, values, byId, now())));
  });

  router.page('/console/tickets/:id', async ({ req, res, frame, actor, active }) => {
    const ticket = await tickets.view(ticketId(req.params.id), actor);
    if (!ticket) throw new ConsoleInputError('Permintaan tidak ditemukan · Request not found', 404);
    const basis = ticketDeadline(ticket.kind, new Date(ticket.createdAt), deadlines).basis.id;
    const notice = queryParam(req, 'done');
    const body = ticketDetail({
      ticket,
      basis,
      staff: await staff.list(),
      csrf: active.session.csrfToken,
      formKey: newFormKey(),
      now: now(),
      ...(notice === 'reply' ? { notice: 'Balasan dikirim ke antrean e-mail · Reply queued for sending' } : {}),
      ...(notice === 'saved' ? { notice: 'Tersimpan · Saved' } : {}),
      ...(notice === 'link'
        ? {
            notice:
              'Tautan verifikasi baru masuk antrean e-mail; tautan lama tidak berlaku lagi · ' +
              'A new identity link was queued for sending; the old link no longer works',
          }
        : {}),
    });
    sendHtml(res, 200, page(frame('tickets'), ticket.id, body));
  });

  router.action('/console/tickets/:id/status', async ({ req, res, actor }) => {
    const id = ticketId(req.params.id);
    const status = formText(req, 'status', 30);
    if (!isStatus(status)) throw new ConsoleInputError('Status tidak dikenal · Unknown status');
    const reason = formText(req, 'reason', 500);
    const overrideReason = formText(req, 'override', 500);
    await tickets.setStatus(id, status, actor, {
      ...(reason ? { reason } : {}),
      ...(overrideReason ? { overrideReason } : {}),
    });
    redirect(res, `/console/tickets/${id}?done=saved`);
  });

  router.action('/console/tickets/:id/assign', async ({ req, res, actor }) => {
    const id = ticketId(req.params.id);
    const assignee = formText(req, 'assignee', 40);
    await tickets.assign(id, assignee || undefined, actor);
    redirect(res, `/console/tickets/${id}?done=saved`);
  });

  router.action('/console/tickets/:id/note', async ({ req, res, actor }) => {
    const id = ticketId(req.params.id);
    const key = formKey(req);
    await tickets.addNote(id, formText(req, 'text', 5000), actor, key ? { key } : {});
    redirect(res, `/console/tickets/${id}?done=saved`);
  });

  router.action('/console/tickets/:id/reply', async ({ req, res, actor }) => {
    const id = ticketId(req.params.id);
    const key = formKey(req);
    const { repeated } = await tickets.reply(id, formText(req, 'text', 20_000), actor, key ? { key } : {});
    if (!repeated) delivery.wake();
    redirect(res, `/console/tickets/${id}?done=reply`);
  });

  /** A new identity link for the customer (the acknowledgement was held back by the mail caps, or its link expired). */
  router.action('/console/tickets/:id/verification-link', async ({ req, res, actor }) => {
    const id = ticketId(req.params.id);
    const key = formKey(req);
    const { repeated } = await verification.reissue(id, actor, key ? { key } : {});
    if (!repeated) delivery.wake();
    redirect(res, `/console/tickets/${id}?done=link`);
  });
}
