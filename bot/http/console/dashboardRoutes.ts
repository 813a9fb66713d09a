/** The first page: counts by status, what is due today and overdue, the most urgent requests, requests per week. */
import type { Clock } from '../../../domain/ports.ts';
import { TICKET_KIND_LABELS } from '../../../domain/ticketKinds.ts';
import { type DueWindow, dashboardCounts, filterTickets, weeklyCounts } from '../../../domain/ticketQueue.ts';
import type { TicketWorkService } from '../../../domain/ticketWork.ts';
import type { KnowledgeStatus } from '../../../knowledge/knowledgeService.ts';
import { sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html } from './html.ts';
import { knowledgeErrorBanner } from './knowledge/views.ts';
import { both, page } from './layout.ts';
import { DUE_WINDOW_LABELS, dueCell, STATUS_LABELS, STATUSES, verifiedBadge } from './ticketViews.ts';
import { weeklyChart } from './weeklyChart.ts';

export interface DashboardDeps {
  readonly tickets: TicketWorkService;
  readonly now: Clock;
  /** The knowledge file's state: its problems are shown here until fixed. */
  readonly knowledgeStatus?: () => KnowledgeStatus;
}

const WEEKS = 12;

const URGENT_COLUMNS: readonly Column[] = [
  { id: 'ID' },
  { id: 'Tenggat', en: 'Due' },
  { id: 'Identitas', en: 'Identity' },
  { id: 'Jenis', en: 'Kind' },
];

/** The deadline tiles: each links to the list filtered by the same rule that counted it (inDueWindow). */
const WINDOW_TILES: readonly { window: DueWindow; cls: string; count: 'dueToday' | 'dueWithin24h' | 'overdue' }[] = [
  { window: 'today', cls: 'soon', count: 'dueToday' },
  { window: 'within-24h', cls: 'soon', count: 'dueWithin24h' },
  { window: 'overdue', cls: 'overdue', count: 'overdue' },
];

export function registerDashboardRoutes(router: ConsoleRouter, deps: DashboardDeps): void {
  router.page('/console', async ({ res, frame }) => {
    const now = deps.now();
    const all = await deps.tickets.list({});
    const counts = dashboardCounts(all, now);
    const urgent = filterTickets(all, { status: 'open' }).slice(0, 10);
    const tile = (cls: string, value: number, id: string, en: string, href: string) =>
      html`<a class="tile ${cls}" href="${href}"><b>${value}</b>${both(id, en)}</a>`;
    const status = deps.knowledgeStatus?.();
    const body = html`${status ? knowledgeErrorBanner(status) : ''}<section class="tiles" aria-label="Ringkasan · Summary">
${tile('', counts.open, 'Terbuka', 'Open', '/console/tickets?status=open')}
${WINDOW_TILES.map(({ window, cls, count }) => tile(cls, counts[count], DUE_WINDOW_LABELS[window].id, DUE_WINDOW_LABELS[window].en, `/console/tickets?status=open&when=${window}`))}
${STATUSES.map((s) => tile('', counts.byStatus[s], STATUS_LABELS[s].id, STATUS_LABELS[s].en, `/console/tickets?status=${s}`))}</section>
<h2>${both('Paling mendesak', 'Most urgent')}</h2>${dataTable(
      URGENT_COLUMNS,
      urgent.map((t) => ({
        cells: [
          html`<a href="/console/tickets/${t.id}">${t.id}</a>`,
          dueCell(t, now),
          verifiedBadge(t),
          TICKET_KIND_LABELS[t.kind].id,
        ],
      })),
      both('Tidak ada permintaan terbuka.', 'No open requests.'),
    )}
<h2>${both(`Permintaan per minggu (${WEEKS} minggu)`, `Requests per week (${WEEKS} weeks)`)}</h2>${weeklyChart(weeklyCounts(all, now, WEEKS))}`;
    sendHtml(res, 200, page(frame('dashboard'), 'Dasbor · Dashboard', body));
  });
}
