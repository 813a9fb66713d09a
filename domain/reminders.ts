/**
 * Reminders to the support mailbox, so no request passes its deadline unnoticed:
 * - a daily digest at a set hour (WIB) of the open tickets due within 24 hours and of those overdue, none when
 *   nothing is due; its day is kept as a job mark, so a restart does not send it twice;
 * - one alert per ticket when it has 12 hours left and nobody has replied to the customer (kept on the ticket as
 *   `alertedAt`). A ticket overdue by more than a day when the alert would come (the assistant was down) is left to the
 *   digest.
 * The mails name tickets by id and kind and link to the console: no personal data.
 */
import { appendAudit } from './audit.ts';
import { reminderAlertMail, reminderDigestMail } from './mailTemplates.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { TicketRecord } from './records.ts';
import { addMails } from './requestMail.ts';
import { hoursLeft, isOpen } from './ticketQueue.ts';
import { dayStamp } from './time.ts';

const HOUR_MS = 3_600_000;
/** WIB is UTC+7 all year. */
const WIB_OFFSET_MS = 7 * HOUR_MS;
export const ALERT_HOURS_LEFT = 12;
const DIGEST_HOURS_AHEAD = 24;
/** The job mark of the digest: the WIB day (YYYYMMDD) it last went out for. */
export const DIGEST_MARK = 'reminder-digest';

export interface ReminderDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  readonly supportEmail: string;
  /** The hour (0–23, WIB) from which the day's digest goes out. */
  readonly digestHour: number;
  /** Base of the console links in the mails. */
  readonly publicUrl: string;
}

/** What one run sent. */
export interface ReminderRun {
  readonly digest: boolean;
  readonly alerts: number;
}

/** The tickets of a digest: open ones due within 24 hours, and overdue ones, soonest first. */
export function digestTickets(
  tickets: readonly TicketRecord[],
  now: Date,
): {
  readonly dueSoon: TicketRecord[];
  readonly overdue: TicketRecord[];
} {
  const open = tickets
    .filter((t) => isOpen(t) && t.dueAt !== undefined)
    .sort((a, b) => Date.parse(a.dueAt ?? '') - Date.parse(b.dueAt ?? ''));
  const left = (t: TicketRecord) => hoursLeft(t, now) ?? Number.POSITIVE_INFINITY;
  return {
    overdue: open.filter((t) => left(t) <= 0),
    dueSoon: open.filter((t) => left(t) > 0 && left(t) <= DIGEST_HOURS_AHEAD),
  };
}

/** Whether a ticket gets its alert now: open, 12 hours or less left (overdue by under a day), no reply, none sent. */
export function needsAlert(ticket: TicketRecord, now: Date): boolean {
  const left = hoursLeft(ticket, now);
  return (
    isOpen(ticket) &&
    ticket.alertedAt === undefined &&
    (ticket.replies?.length ?? 0) === 0 &&
    left !== undefined &&
    left <= ALERT_HOURS_LEFT &&
    left > -24
  );
}

export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {
    if (!Number.isInteger(deps.digestHour) || deps.digestHour < 0 || deps.digestHour > 23)
      throw new RangeError('digestHour must be a whole hour from 0 to 23');
  }

  /** Sends what is due now (the digest once a day from its hour, the alerts) in one unit of work. */
  async run(): Promise<ReminderRun> {
    const { store, supportEmail, digestHour } = this.deps;
    const at = this.deps.now();
    const console = `${this.deps.publicUrl.replace(/\/+$/, '')}/console`;
    return store.transaction(async (tx) => {
      const tickets = await tx.tickets.list();
      let digest = false;
      const today = dayStamp(at);
      const wibHour = new Date(at.getTime() + WIB_OFFSET_MS).getUTCHours();
      if (wibHour >= digestHour && (await tx.jobMarks.get(DIGEST_MARK)) !== today) {
        await tx.jobMarks.set(DIGEST_MARK, today);
        const { dueSoon, overdue } = digestTickets(tickets, at);
        if (dueSoon.length + overdue.length > 0) {
          const mail = reminderDigestMail(dueSoon, overdue, at, console);
          await addMails(tx, [{ to: supportEmail, ...mail, purpose: 'reminder-digest' }], at);
          const details = { dueSoon: String(dueSoon.length), overdue: String(overdue.length) };
          await appendAudit(tx, { actor: 'system', action: 'reminder.digest', details }, at);
          digest = true;
        }
      }
      let alerts = 0;
      for (const ticket of tickets.filter((t) => needsAlert(t, at))) {
        await addMails(
          tx,
          [{ to: supportEmail, ...reminderAlertMail(ticket, at, console), purpose: 'reminder-alert', ref: ticket.id }],
          at,
        );
        await tx.tickets.replace({ ...ticket, alertedAt: at.toISOString() });
        await appendAudit(tx, { actor: 'system', action: 'reminder.alert', target: ticket.id }, at);
        alerts += 1;
      }
      return { digest, alerts };
    });
  }
}
