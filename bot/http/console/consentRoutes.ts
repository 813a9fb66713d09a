/** Parental consents (UU PDP Pasal 25) and their proof (Pasal 24): the exact text shown, the decision, its browser. */
import type { AuditTrail } from '../../../domain/audit.ts';
import type { ConsentQueryService } from '../../../domain/consentQuery.ts';
import { consentStatus } from '../../../domain/consentStatus.ts';
import type { Clock } from '../../../domain/ports.ts';
import { searchAudit } from '../../../domain/searchAudit.ts';
import { formatTime } from '../../../domain/time.ts';
import { ConsoleInputError, queryParam, sendHtml } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html } from './html.ts';
import { both, page } from './layout.ts';

export interface ConsentRouteDeps {
  readonly consents: ConsentQueryService;
  readonly audit: AuditTrail;
  readonly now: Clock;
}

const STATES = ['pending', 'approved', 'declined', 'expired'] as const;
type ConsentState = (typeof STATES)[number];
const STATE_LABELS: Record<ConsentState, string> = {
  pending: 'Menunggu · Pending',
  approved: 'Disetujui · Approved',
  declined: 'Ditolak · Declined',
  expired: 'Kedaluwarsa · Expired',
};
const CONSENT_COLUMNS: readonly Column[] = [
  { id: 'ID' },
  { id: 'Diminta', en: 'Requested' },
  { id: 'Status' },
  { id: 'Diputuskan', en: 'Decided' },
  { id: 'Usia anak', en: 'Child age' },
  { id: 'E-mail orang tua', en: 'Parent e-mail' },
];
const isState = (value: string): value is ConsentState => (STATES as readonly string[]).includes(value);

export function registerConsentConsoleRoutes(router: ConsoleRouter, deps: ConsentRouteDeps): void {
  const { consents, audit, now } = deps;

  router.page('/console/consents', async ({ req, res, frame, actor }) => {
    const status = queryParam(req, 'status');
    const q = queryParam(req, 'q');
    const list = await consents.list({ ...(isState(status) ? { status } : {}), ...(q ? { text: q } : {}) });
    // The list shows parents' addresses: its view is audited like a ticket's.
    await audit.record({ actor, action: 'consents.listed', ...searchAudit(q, list.length) });
    const at = now();
    const rows = list.map((c) => ({
      cells: [
        html`<a href="/console/consents/${c.id}">${c.id}</a>`,
        formatTime(c.createdAt, 'id'),
        STATE_LABELS[consentStatus(c, at)],
        c.decidedAt ? formatTime(c.decidedAt, 'id') : '—',
        c.childAge,
        c.parentEmail,
      ],
    }));
    const body = html`<form method="get" action="/console/consents" class="card filters" role="search">
<label>Status<select name="status"><option value="">Semua · All</option>${STATES.map((s) => html`<option value="${s}"${s === status ? html` selected` : ''}>${STATE_LABELS[s]}</option>`)}</select></label>
<label>${both('Cari', 'Search')}<input type="search" name="q" value="${q}" maxlength="200" placeholder="CNS-…, e-mail"></label>
<button type="submit" class="primary">${both('Terapkan', 'Apply')}</button></form>
<p><a href="/console/export/consents.csv">${both('Ekspor CSV', 'Export CSV')}</a></p>
${dataTable(CONSENT_COLUMNS, rows, both('Belum ada permintaan persetujuan.', 'No consent requests yet.'))}`;
    sendHtml(res, 200, page(frame('consents'), 'Persetujuan orang tua · Parental consents', body));
  });

  router.page('/console/consents/:id', async ({ req, res, frame, actor }) => {
    const id = String(req.params.id ?? '').toUpperCase();
    if (!/^CNS-\d{8}-\d{4,9}$/.test(id)) throw new ConsoleInputError('Tidak dikenal · Unknown', 404);
    const proof = await consents.proof(id, actor);
    if (!proof) throw new ConsoleInputError('Tidak ditemukan · Not found', 404);
    const { consent: c, text } = proof;
    const body = html`<section class="card"><dl>
<dt>Status</dt><dd>${STATE_LABELS[consentStatus(c, now())]}</dd>
<dt>${both('Diminta', 'Requested')}</dt><dd>${formatTime(c.createdAt, 'id')}</dd>
<dt>${both('Berlaku sampai', 'Valid until')}</dt><dd>${formatTime(c.expiresAt, 'id')}</dd>
<dt>${both('Diputuskan', 'Decided')}</dt><dd>${c.decidedAt ? formatTime(c.decidedAt, 'id') : '—'}</dd>
<dt>${both('Peramban keputusan', 'Decision browser')}</dt><dd>${c.decisionUserAgent ?? '—'}</dd>
<dt>${both('Anak', 'Child')}</dt><dd>${c.childName} (${c.childAge}), ${c.childEmail}</dd>
<dt>${both('Orang tua/wali', 'Parent/guardian')}</dt><dd>${c.parentName}, ${c.parentEmail}</dd>
<dt>${both('Hash teks', 'Text hash')}</dt><dd><code>${c.textHash ?? '—'}</code></dd></dl>
<h2>${both('Teks persetujuan yang ditampilkan (Pasal 24)', 'Consent text shown (Article 24)')}</h2>
<div class="thread">${text?.text ?? 'Teks tidak tersimpan (permintaan sebelum versi teks dicatat) · Not stored (request older than text versioning)'}</div></section>`;
    sendHtml(res, 200, page(frame('consents'), c.id, body));
  });
}
