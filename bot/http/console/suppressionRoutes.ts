/** The suppression list (stop-promo requests): search, the date and source of each entry, removal with a note. */
import type { AuditTrail } from '../../../domain/audit.ts';
import { searchAudit } from '../../../domain/searchAudit.ts';
import type { SuppressionListService } from '../../../domain/suppressionList.ts';
import { formatTime } from '../../../domain/time.ts';
import { ConsoleInputError, formText, queryParam, redirect, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html } from './html.ts';
import { both, csrfField, page } from './layout.ts';

export interface SuppressionRouteDeps {
  readonly suppression: SuppressionListService;
  readonly audit: AuditTrail;
}

const SUPPRESSION_COLUMNS: readonly Column[] = [
  { id: 'E-mail' },
  { id: 'Ditambahkan', en: 'Added' },
  { id: 'Sumber', en: 'Source' },
  { id: 'Hapus (pelanggan mendaftar lagi)', en: 'Remove (opted in again)' },
];

export function registerSuppressionRoutes(router: ConsoleRouter, deps: SuppressionRouteDeps): void {
  const { suppression, audit } = deps;

  router.page('/console/unsubscribes', async ({ req, res, frame, actor, active }) => {
    const q = queryParam(req, 'q');
    const list = await suppression.search(q || undefined);
    await audit.record({ actor, action: 'unsubscribes.listed', ...searchAudit(q, list.length) });
    const done = queryParam(req, 'done');
    const rows = list.map((u) => ({
      cells: [
        u.email,
        formatTime(u.createdAt, 'id'),
        u.source,
        html`<form method="post" action="/console/unsubscribes/remove" class="inline" data-confirm="Hapus alamat ini dari daftar? · Remove this address from the list?">${csrfField(active.session.csrfToken)}
<input type="hidden" name="email" value="${u.email}"><input type="text" name="note" required maxlength="500" placeholder="Catatan (wajib) · Note (required)" aria-label="Catatan · Note">
<button type="submit" class="danger">${both('Hapus', 'Remove')}</button></form>`,
      ],
    }));
    const body = html`${done === 'removed' ? html`<p class="notice ok" role="status">${both('Alamat dihapus dari daftar.', 'Address removed from the list.')}</p>` : ''}
<form method="get" action="/console/unsubscribes" class="card filters" role="search"><label>${both('Cari alamat', 'Search address')}<input type="search" name="q" value="${q}" maxlength="200"></label>
<button type="submit" class="primary">${both('Cari', 'Search')}</button></form>
<p><a href="/console/export/unsubscribes.csv">${both('Ekspor CSV untuk alat pemasaran', 'Export CSV for the marketing tool')}</a> · ${list.length} ${both('alamat', 'addresses')}</p>
${dataTable(SUPPRESSION_COLUMNS, rows, both('Daftar kosong.', 'The list is empty.'))}`;
    sendHtml(res, 200, page(frame('suppression'), 'Daftar berhenti promo · Suppression list', body));
  });

  router.action('/console/unsubscribes/remove', async ({ req, res, actor }) => {
    const email = formText(req, 'email', 320);
    const note = formText(req, 'note', 500);
    if (!note) throw new ConsoleInputError('Catatan wajib diisi · A note is required');
    const removed = await suppression.remove(email, note, actor);
    if (!removed) throw new ConsoleInputError('Alamat tidak ada di daftar · Not on the list', 404);
    redirect(res, '/console/unsubscribes?done=removed');
  });
}
