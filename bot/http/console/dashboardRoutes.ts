/** The first page: counts by status, what is due today and overdue, the most urgent requests, requests per week. */
import type { Clock } from '../../../domain/ports.ts';
import { TICKET_KIND_LABELS } from '../../../domain/ticketKinds.ts';
import { dashboardCounts, filterTickets, weeklyCounts } from '../../../domain/ticketQueue.ts';
import type { TicketWorkService } from '../../../domain/ticketWork.ts';
import type { KnowledgeStatus } from '../../../knowledge/knowledgeService.ts';
import { sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { html } from './html.ts';
import { knowledgeErrorBanner } from './knowledge/views.ts';
import { both, page } from './layout.ts';
import { dueCell, STATUS_LABELS, STATUSES, verifiedBadge } from './ticketViews.ts';
import { weeklyChart } from './weeklyChart.ts';

export interface DashboardDeps {
  readonly tickets: TicketWorkService;
  readonly now: Clock;
  /** The knowledge file's state: its problems are shown here until fixed. */
  readonly knowledgeStatus?: () => KnowledgeStatus;
}

const WEEKS = 12;

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
${tile('soon', counts.dueToday, 'Jatuh tempo hari ini', 'Due today', '/console/tickets?status=open')}
${tile('soon', counts.dueWithin24h, 'Tenggat < 24 jam', 'Due within 24 h', '/console/tickets?status=open')}
${tile('overdue', counts.overdue, 'Terlambat', 'Overdue', '/console/tickets?status=open')}
${STATUSES.map((s) => tile('', counts.byStatus[s], STATUS_LABELS[s].id, STATUS_LABELS[s].en, `/console/tickets?status=${s}`))}</section>
<h2>${both('Paling mendesak', 'Most urgent')}</h2><div class="table-wrap"><table><thead><tr><th>ID</th><th>${both('Tenggat', 'Due')}</th><th>${both('Identitas', 'Identity')}</th><th>${both('Jenis', 'Kind')}</th></tr></thead><tbody>
${urgent.length > 0 ? urgent.map((t) => html`<tr><td><a href="/console/tickets/${t.id}">${t.id}</a></td><td>${dueCell(t, now)}</td><td>${verifiedBadge(t)}</td><td>${TICKET_KIND_LABELS[t.kind].id}</td></tr>`) : html`<tr><td colspan="4">${both('Tidak ada permintaan terbuka.', 'No open requests.')}</td></tr>`}
</tbody></table></div>
<h2>${both(`Permintaan per minggu (${WEEKS} minggu)`, `Requests per week (${WEEKS} weeks)`)}</h2>${weeklyChart(weeklyCounts(all, now, WEEKS))}`;
    sendHtml(res, 200, page(frame('dashboard'), 'Dasbor · Dashboard', body));
  });
}
