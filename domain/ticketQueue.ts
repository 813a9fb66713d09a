/**
 * The privacy team's queue, as pure functions over tickets: status, who is waiting on whom, filters sorted by due
 * time, hours left, and the dashboard's numbers. Days and weeks are calendar days in WIB (UTC+7, no daylight saving).
 */
import type { TicketKind, TicketRecord, TicketStatus } from './records.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** WIB is UTC+7 all year. */
const WIB_OFFSET_MS = 7 * HOUR_MS;
/** Below this many hours left an open ticket is due soon. */
const DUE_SOON_HOURS = 24;

/** Every status, in the order a ticket usually goes through them. */
export const TICKET_STATUSES: readonly TicketStatus[] = [
  'new',
  'in-progress',
  'waiting-customer',
  'resolved',
  'rejected',
];

/** Where the ticket is ('new' when no one has touched it). */
export function ticketStatus(t: TicketRecord): TicketStatus {
  return t.status ?? 'new';
}

/** Not resolved or rejected. */
export function isOpen(t: TicketRecord): boolean {
  const status = ticketStatus(t);
  return status !== 'resolved' && status !== 'rejected';
}

/** The customer confirmed through the acknowledgement mail's link that the request is theirs. */
export function isVerified(t: TicketRecord): boolean {
  return t.verification?.verifiedAt !== undefined;
}

/** Who has to act next: the customer when the team asked them something, nobody once closed, else the team. */
export function waitingOn(t: TicketRecord): 'team' | 'customer' | 'nobody' {
  if (!isOpen(t)) return 'nobody';
  return ticketStatus(t) === 'waiting-customer' ? 'customer' : 'team';
}

/** The dashboard's deadline windows of open tickets, each also a filter of the list (the tile links to it). */
export type DueWindow = 'today' | 'within-24h' | 'overdue';
export const DUE_WINDOWS: readonly DueWindow[] = ['today', 'within-24h', 'overdue'];

/**
 * Whether an open ticket is in `window` at `now`: due on today's calendar day in WIB (already past or not), due
 * within 24 hours and not yet overdue (urgency 'due-soon'), or past its due time (urgency 'overdue').
 */
export function inDueWindow(t: TicketRecord, window: DueWindow, now: Date): boolean {
  if (!isOpen(t)) return false;
  switch (window) {
    case 'today':
      return t.dueAt !== undefined && wibDayNumber(Date.parse(t.dueAt)) === wibDayNumber(now.getTime());
    case 'within-24h':
      return urgency(t, now) === 'due-soon';
    case 'overdue':
      return urgency(t, now) === 'overdue';
  }
}

/** The console's list filters; every one given must match. */
export interface TicketFilter {
  /** One status, or 'open' for every status but resolved and rejected. */
  readonly status?: TicketStatus | 'open';
  readonly kind?: TicketKind;
  /** Due strictly before this moment (tickets without a due time do not match). */
  readonly dueBefore?: Date;
  readonly verified?: boolean;
  readonly assigneeId?: string;
  /** In a deadline window at a moment (open tickets only). */
  readonly due?: { readonly window: DueWindow; readonly now: Date };
  /** Case-insensitive, in the ticket id, the customer's name or e-mail address. */
  readonly text?: string;
}

/** The tickets matching `filter`, soonest due first (tickets without a due time last, then oldest first). */
export function filterTickets(tickets: readonly TicketRecord[], filter: TicketFilter): TicketRecord[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const dueBefore = filter.dueBefore?.getTime();
  return tickets
    .filter(
      (t) =>
        (filter.status === undefined || (filter.status === 'open' ? isOpen(t) : ticketStatus(t) === filter.status)) &&
        (filter.kind === undefined || t.kind === filter.kind) &&
        (dueBefore === undefined || (t.dueAt !== undefined && Date.parse(t.dueAt) < dueBefore)) &&
        (filter.verified === undefined || isVerified(t) === filter.verified) &&
        (filter.assigneeId === undefined || t.assigneeId === filter.assigneeId) &&
        (filter.due === undefined || inDueWindow(t, filter.due.window, filter.due.now)) &&
        (text === '' || [t.id, t.name, t.email].some((field) => field.toLowerCase().includes(text))),
    )
    .sort(byDueTime);
}

function byDueTime(a: TicketRecord, b: TicketRecord): number {
  const due = (t: TicketRecord): number => (t.dueAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(t.dueAt));
  const diff = due(a) - due(b);
  if (diff !== 0 && !Number.isNaN(diff)) return diff;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Hours until the ticket is due (fractional; negative when overdue); undefined without a due time. */
export function hoursLeft(t: TicketRecord, now: Date): number | undefined {
  return t.dueAt === undefined ? undefined : (Date.parse(t.dueAt) - now.getTime()) / HOUR_MS;
}

/** How the list colours a ticket: closed, overdue (due time reached), due soon (under 24 h left) or ok. */
export function urgency(t: TicketRecord, now: Date): 'overdue' | 'due-soon' | 'ok' | 'closed' {
  if (!isOpen(t)) return 'closed';
  const left = hoursLeft(t, now);
  if (left === undefined) return 'ok';
  if (left <= 0) return 'overdue';
  return left < DUE_SOON_HOURS ? 'due-soon' : 'ok';
}

/** The dashboard's numbers. */
export interface DashboardCounts {
  readonly byStatus: Record<TicketStatus, number>;
  readonly open: number;
  /** Open tickets in each deadline window (inDueWindow: the list filtered so shows exactly these). */
  readonly dueToday: number;
  readonly dueWithin24h: number;
  readonly overdue: number;
}

/** Counts by status, open, due today (WIB), due within 24 h and overdue. */
export function dashboardCounts(tickets: readonly TicketRecord[], now: Date): DashboardCounts {
  const byStatus: Record<TicketStatus, number> = {
    new: 0,
    'in-progress': 0,
    'waiting-customer': 0,
    resolved: 0,
    rejected: 0,
  };
  let open = 0;
  let dueToday = 0;
  let dueWithin24h = 0;
  let overdue = 0;
  for (const t of tickets) {
    byStatus[ticketStatus(t)] += 1;
    if (!isOpen(t)) continue;
    open += 1;
    if (inDueWindow(t, 'today', now)) dueToday += 1;
    if (inDueWindow(t, 'within-24h', now)) dueWithin24h += 1;
    if (inDueWindow(t, 'overdue', now)) overdue += 1;
  }
  return { byStatus, open, dueToday, dueWithin24h, overdue };
}

/** One week of the dashboard's chart. */
export interface WeekCounts {
  /** The week's Monday in WIB, YYYY-MM-DD. */
  readonly weekStart: string;
  readonly counts: Record<TicketKind, number>;
}

/**
 * Tickets received per week and kind over the last `weeks` weeks (Monday to Sunday in WIB), oldest first, the current
 * week last; weeks without tickets are included with zeros. RangeError unless `weeks` is a positive whole number.
 */
export function weeklyCounts(tickets: readonly TicketRecord[], now: Date, weeks: number): WeekCounts[] {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError('weeks must be a whole number of at least 1');
  const today = wibDayNumber(now.getTime());
  // Day 0 of the epoch (1 January 1970) was a Thursday: Monday is 3 days before it.
  const currentMonday = today - ((today + 3) % 7);
  const firstMonday = currentMonday - 7 * (weeks - 1);
  const result = Array.from(
    { length: weeks },
    (_, i): WeekCounts => ({
      weekStart: new Date((firstMonday + 7 * i) * DAY_MS).toISOString().slice(0, 10),
      counts: { question: 0, access: 0, correction: 0, deletion: 0, 'withdraw-consent': 0 },
    }),
  );
  for (const t of tickets) {
    const week = Math.floor((wibDayNumber(Date.parse(t.createdAt)) - firstMonday) / 7);
    const bucket = result[week];
    if (bucket) bucket.counts[t.kind] += 1;
  }
  return result;
}

/** Days since 1 January 1970 of the calendar day in WIB that `ms` falls on. */
function wibDayNumber(ms: number): number {
  return Math.floor((ms + WIB_OFFSET_MS) / DAY_MS);
}
