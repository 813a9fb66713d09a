/** The audit trail, newest first, filtered by target, actor or action, with the state of its hash chain. */
import type { AuditTrail } from '../../../domain/audit.ts';
import { formatTime } from '../../../domain/time.ts';
import { queryParam, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html } from './html.ts';
import { both, page } from './layout.ts';

const SHOWN = 500;

const AUDIT_COLUMNS: readonly Column[] = [
  { id: '#' },
  { id: 'Waktu', en: 'Time' },
  { id: 'Pelaku', en: 'Actor' },
  { id: 'Tindakan', en: 'Action' },
  { id: 'Objek', en: 'Target' },
  { id: 'Detail' },
  { id: 'Hash' },
];

export function registerAuditRoutes(router: ConsoleRouter, deps: { readonly audit: AuditTrail }): void {
  router.page('/console/audit', async ({ req, res, frame }) => {
    const target = queryParam(req, 'target', 100);
    const actor = queryParam(req, 'actor', 100);
    const action = queryParam(req, 'action', 100);
    const [entries, chain] = await Promise.all([
      deps.audit.query({
        ...(target ? { target } : {}),
        ...(actor ? { actor } : {}),
        ...(action ? { action } : {}),
        limit: SHOWN,
      }),
      deps.audit.verify(),
    ]);
    const status = chain.ok
      ? html`<p class="notice ok" role="status">${both(`Rantai hash utuh: ${chain.entries} entri.`, `Hash chain intact: ${chain.entries} entries.`)}</p>`
      : html`<p class="notice error" role="alert">${both(`Rantai hash rusak pada entri ${chain.seq}: ${chain.reason}.`, `Hash chain broken at entry ${chain.seq}.`)}</p>`;
    const rows = entries.map((e) => ({
      cells: [
        e.seq,
        formatTime(e.at, 'id'),
        e.actor,
        e.action,
        e.target ? html`<a href="/console/audit?target=${encodeURIComponent(e.target)}">${e.target}</a>` : '—',
        Object.entries(e.details ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
        html`<code title="${e.hash}">${e.hash.slice(0, 12)}…</code>`,
      ],
    }));
    const body = html`${status}<form method="get" action="/console/audit" class="card filters" role="search">
<label>${both('Objek', 'Target')}<input type="search" name="target" value="${target}" maxlength="100" placeholder="PRV-…, CNS-…, stf_…"></label>
<label>${both('Pelaku', 'Actor')}<input type="search" name="actor" value="${actor}" maxlength="100" placeholder="staff:stf_…, customer, system"></label>
<label>${both('Tindakan', 'Action')}<input type="search" name="action" value="${action}" maxlength="100" placeholder="ticket., signin., export."></label>
<button type="submit" class="primary">${both('Terapkan', 'Apply')}</button></form>
<p><a href="/console/export/audit.csv">${both('Ekspor CSV', 'Export CSV')}</a> · ${both(`maks. ${SHOWN} entri terbaru`, `at most the ${SHOWN} newest`)}</p>
${dataTable(AUDIT_COLUMNS, rows, both('Tidak ada entri.', 'No entries.'))}`;
    sendHtml(res, 200, page(frame('audit'), 'Jejak audit · Audit trail', body));
  });
}
