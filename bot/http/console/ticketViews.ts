/** The console's ticket pages: the filtered list (no personal data in it) and one ticket with its work forms. */
import type { StaffRecord, TicketRecord, TicketStatus } from '../../../domain/records.ts';
import { TICKET_KIND_LABELS, TICKET_KINDS } from '../../../domain/ticketKinds.ts';
import {
  DUE_WINDOWS,
  type DueWindow,
  hoursLeft,
  isVerified,
  TICKET_STATUSES,
  ticketStatus,
  urgency,
  waitingOn,
} from '../../../domain/ticketQueue.ts';
import { needsVerification } from '../../../domain/ticketWork.ts';
import { formatTime } from '../../../domain/time.ts';
import { type Column, dataTable } from './dataTable.ts';
import { html, type SafeHtml } from './html.ts';
import { both, csrfField, onceField } from './layout.ts';

export const STATUS_LABELS: Record<TicketStatus, { id: string; en: string }> = {
  new: { id: 'Baru', en: 'New' },
  'in-progress': { id: 'Diproses', en: 'In progress' },
  'waiting-customer': { id: 'Menunggu pelanggan', en: 'Waiting for customer' },
  resolved: { id: 'Selesai', en: 'Resolved' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
};
export const STATUSES = TICKET_STATUSES;

const WAITING: Record<ReturnType<typeof waitingOn>, string> = {
  team: 'Tim privasi · Privacy team',
  customer: 'Pelanggan · Customer',
  nobody: '—',
};

/** The colour class of each urgency (console.css; console.js sets the same classes as the clock runs). */
export const URGENCY_CLASS: Record<ReturnType<typeof urgency>, string> = {
  overdue: 'due-overdue',
  'due-soon': 'due-soon',
  ok: 'due-ok',
  closed: 'due-closed',
};

/** The due time, rendered now and kept current by console.js (data-due). */
export function dueCell(ticket: TicketRecord, now: Date): SafeHtml {
  if (!ticket.dueAt) return html`—`;
  const state = urgency(ticket, now);
  const left = hoursLeft(ticket, now) ?? 0;
  const text =
    state === 'closed'
      ? formatTime(ticket.dueAt, 'id')
      : left <= 0
        ? `lewat ${Math.ceil(-left)} jam`
        : `${Math.floor(left)} jam lagi`;
  return html`<time datetime="${ticket.dueAt}" data-due="${ticket.dueAt}" data-closed="${state === 'closed'}" class="${URGENCY_CLASS[state]}" title="${formatTime(ticket.dueAt, 'id')}">${text}</time>`;
}

export const verifiedBadge = (ticket: TicketRecord): SafeHtml =>
  isVerified(ticket)
    ? html`<span class="badge verified">${both('Terverifikasi', 'Verified')}</span>`
    : html`<span class="badge unverified">${both('Belum terverifikasi', 'Not verified')}</span>`;

export interface ListFilterValues {
  readonly status: string;
  readonly kind: string;
  readonly due: string;
  readonly verified: string;
  /** A deadline window (DueWindow), as the dashboard's tiles link to. */
  readonly when: string;
  readonly q: string;
}

/** The deadline windows as the filter and the dashboard's tiles name them. */
export const DUE_WINDOW_LABELS: Record<DueWindow, { readonly id: string; readonly en: string }> = {
  today: { id: 'Jatuh tempo hari ini', en: 'Due today' },
  'within-24h': { id: 'Tenggat < 24 jam', en: 'Due within 24 h' },
  overdue: { id: 'Terlambat', en: 'Overdue' },
};

const option = (value: string, label: SafeHtml | string, selected: string): SafeHtml =>
  html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;

const TICKET_COLUMNS: readonly Column[] = [
  { id: 'ID' },
  { id: 'Tenggat', en: 'Due' },
  { id: 'Status' },
  { id: 'Identitas', en: 'Identity' },
  { id: 'Jenis', en: 'Kind' },
  { id: 'Menunggu', en: 'Waiting on' },
  { id: 'Diterima', en: 'Received' },
  { id: 'Petugas', en: 'Assignee' },
];

export function ticketList(
  tickets: readonly TicketRecord[],
  values: ListFilterValues,
  staffById: ReadonlyMap<string, StaffRecord>,
  now: Date,
): SafeHtml {
  const rows = tickets.map((t) => ({
    cls: `row-${URGENCY_CLASS[urgency(t, now)]}`,
    cells: [
      html`<a href="/console/tickets/${t.id}">${t.id}</a>`,
      dueCell(t, now),
      STATUS_LABELS[ticketStatus(t)].id,
      verifiedBadge(t),
      TICKET_KIND_LABELS[t.kind].id,
      WAITING[waitingOn(t)],
      formatTime(t.createdAt, 'id'),
      t.assigneeId ? (staffById.get(t.assigneeId)?.name ?? '?') : '—',
    ],
  }));
  return html`<form method="get" action="/console/tickets" class="card filters" role="search">
<label>Status<select name="status">${option('', 'Semua · All', values.status)}${option('open', 'Terbuka · Open', values.status)}${STATUSES.map((s) => option(s, `${STATUS_LABELS[s].id} · ${STATUS_LABELS[s].en}`, values.status))}</select></label>
<label>${both('Jenis', 'Kind')}<select name="kind">${option('', 'Semua · All', values.kind)}${TICKET_KINDS.map((k) => option(k, TICKET_KIND_LABELS[k].id, values.kind))}</select></label>
<label>${both('Jatuh tempo sebelum', 'Due before')}<input type="datetime-local" name="due" value="${values.due}"></label>
<label>${both('Tenggat', 'Deadline')}<select name="when">${option('', 'Semua · All', values.when)}${DUE_WINDOWS.map((w) => option(w, `${DUE_WINDOW_LABELS[w].id} · ${DUE_WINDOW_LABELS[w].en}`, values.when))}</select></label>
<label>${both('Verifikasi', 'Verified')}<select name="verified">${option('', 'Semua · All', values.verified)}${option('yes', 'Ya · Yes', values.verified)}${option('no', 'Belum · No', values.verified)}</select></label>
<label>${both('Cari', 'Search')}<input type="search" name="q" value="${values.q}" placeholder="PRV-…, nama, e-mail" maxlength="200"></label>
<button type="submit" class="primary">${both('Terapkan', 'Apply')}</button></form>
<p>${tickets.length} ${both('permintaan, diurutkan menurut tenggat', 'requests, by due time')}</p>
${dataTable(TICKET_COLUMNS, rows, both('Tidak ada permintaan yang cocok.', 'No matching requests.'))}`;
}

export interface TicketPageData {
  readonly ticket: TicketRecord;
  readonly basis: string;
  readonly staff: readonly StaffRecord[];
  readonly csrf: string;
  /** The one-time key of this page's reply and note forms (a double click sends once). */
  readonly formKey: string;
  readonly now: Date;
  readonly notice?: string;
}

/**
 * Sending the customer a new identity link: for an acknowledgement the mail caps held back, or a link that expired
 * (domain/ticketVerification.ts reissue).
 */
function identityLinkForm(t: TicketRecord, csrf: string, formKey: string, now: Date): SafeHtml {
  const expiresAt = t.verification?.expiresAt;
  const state = !expiresAt
    ? both('Belum ada tautan.', 'No link yet.')
    : Date.parse(expiresAt) <= now.getTime()
      ? both(`Tautan kedaluwarsa ${formatTime(expiresAt, 'id')}.`, 'The link has expired.')
      : both(`Tautan berlaku sampai ${formatTime(expiresAt, 'id')}.`, 'The link is valid until then.');
  const sent = t.verification?.reissued?.length ?? 0;
  return html`<form method="post" action="/console/tickets/${t.id}/verification-link" class="card" data-confirm="Kirim tautan verifikasi baru ke pelanggan? Tautan lama tidak berlaku lagi. · Send the customer a new identity link? The old link stops working.">${csrfField(csrf)}${onceField(formKey)}
<h2>${both('Tautan verifikasi', 'Identity link')}</h2><p>${state}${sent > 0 ? html` ${both(`${sent}× dikirim ulang.`, `${sent}× sent again.`)}` : ''}</p>
<p><small>${both('Kirim ulang bila e-mail konfirmasi tertahan batas e-mail atau tautannya kedaluwarsa; tautan lama tidak berlaku lagi.', 'Send it again when the acknowledgement was held back by the mail limits or its link expired; the old link stops working.')}</small></p>
<button type="submit">${both('Kirim ulang tautan verifikasi', 'Send the identity link again')}</button></form>`;
}

export function ticketDetail(data: TicketPageData): SafeHtml {
  const { ticket: t, staff, csrf, now } = data;
  const status = ticketStatus(t);
  const byId = new Map(staff.map((s) => [s.id, s]));
  const who = (id: string) => byId.get(id)?.name ?? id;
  const closed = status === 'resolved' || status === 'rejected';
  const choices = closed ? (['in-progress'] as TicketStatus[]) : STATUSES.filter((s) => s !== status);
  const anonymised = t.anonymisedAt !== undefined;
  return html`${data.notice ? html`<p class="notice ok" role="status">${data.notice}</p>` : ''}
<div class="grid2"><section class="card"><h2>${TICKET_KIND_LABELS[t.kind].id} <span class="en">${TICKET_KIND_LABELS[t.kind].en}</span></h2>
<dl><dt>Status</dt><dd>${STATUS_LABELS[status].id} · ${STATUS_LABELS[status].en}${t.rejectionReason ? html` — ${t.rejectionReason}` : ''}</dd>
<dt>${both('Diterima', 'Received')}</dt><dd>${formatTime(t.createdAt, 'id')}</dd>
<dt>${both('Tenggat', 'Due')}</dt><dd>${dueCell(t, now)} ${t.dueAt && !closed ? html`(${formatTime(t.dueAt, 'id')})` : ''}</dd>
<dt>${both('Dasar hukum', 'Legal basis')}</dt><dd>${data.basis}</dd>
<dt>${both('Identitas', 'Identity')}</dt><dd>${verifiedBadge(t)}${t.verification?.verifiedAt ? html` ${formatTime(t.verification.verifiedAt, 'id')}` : ''}${t.verification?.override ? html`<br>Override: ${t.verification.override.reason} (${who(t.verification.override.staffId)})` : ''}</dd>
<dt>${both('Nama', 'Name')}</dt><dd>${anonymised ? '—' : t.name}</dd><dt>E-mail</dt><dd>${anonymised ? '—' : t.email}</dd>
${t.account ? html`<dt>${both('Akun', 'Account')}</dt><dd>${t.account}</dd>` : ''}
<dt>${both('Bahasa', 'Language')}</dt><dd>${t.lang}</dd><dt>${both('Petugas', 'Assignee')}</dt><dd>${t.assigneeId ? who(t.assigneeId) : '—'}</dd></dl>
<h2>${both('Pertanyaan', 'Question')}</h2><div class="thread">${t.question}</div>
${t.transcript.length > 0 ? html`<h2>${both('Percakapan sebelumnya', 'Conversation before')}</h2><div class="thread">${t.transcript.join('\n')}</div>` : ''}
<h2>${both('Balasan', 'Replies')}</h2>${(t.replies ?? []).map((r) => html`<div class="thread"><small>${formatTime(r.at, 'id')} · ${who(r.staffId)}</small>\n${r.text}</div>`)}
${
  closed || anonymised
    ? ''
    : html`<form method="post" action="/console/tickets/${t.id}/reply" data-confirm="Kirim balasan ini ke pelanggan? · Send this reply to the customer?">${csrfField(csrf)}${onceField(data.formKey)}
<label>${both('Balas ke pelanggan (dikirim lewat e-mail)', 'Reply to the customer (sent by e-mail)')}<textarea name="text" required maxlength="20000"></textarea></label>
<button type="submit" class="primary">${both('Kirim balasan', 'Send reply')}</button></form>`
}
<h2>${both('Catatan internal', 'Internal notes')}</h2>${(t.notes ?? []).map((n) => html`<div class="thread"><small>${formatTime(n.at, 'id')} · ${who(n.staffId)}</small>\n${n.text}</div>`)}
${
  closed
    ? ''
    : html`<form method="post" action="/console/tickets/${t.id}/note">${csrfField(csrf)}${onceField(data.formKey)}<label>${both('Catatan baru (tidak dikirim ke pelanggan)', 'New note (never sent to the customer)')}<textarea name="text" required maxlength="5000"></textarea></label>
<button type="submit">${both('Simpan catatan', 'Save note')}</button></form>`
}</section>
<aside><form method="post" action="/console/tickets/${t.id}/status" class="card">${csrfField(csrf)}<h2>${both('Ubah status', 'Change status')}</h2>
<label>Status<select name="status">${choices.map((s) => html`<option value="${s}">${STATUS_LABELS[s].id} · ${STATUS_LABELS[s].en}</option>`)}</select></label>
<label>${both('Alasan penolakan', 'Reason for rejecting')}<input type="text" name="reason" maxlength="500" placeholder="mis. identitas tidak terverifikasi, pengecualian Pasal 15"></label>
${needsVerification(t.kind) && !isVerified(t) ? html`<label>${both('Override verifikasi (wajib untuk menyelesaikan tanpa verifikasi)', 'Verification override (needed to resolve unverified)')}<input type="text" name="override" maxlength="500"></label>` : ''}
<button type="submit" class="primary">${both('Simpan', 'Save')}</button><p><small>${both('Tenggat tidak berhenti: UU PDP menghitung sejak permintaan diterima.', 'The clock never pauses: UU PDP counts from receipt.')}</small></p></form>
${
  closed
    ? ''
    : html`<form method="post" action="/console/tickets/${t.id}/assign" class="card">${csrfField(csrf)}<h2>${both('Tugaskan', 'Assign')}</h2>
<label>${both('Petugas', 'Staff member')}<select name="assignee"><option value="">—</option>${staff.filter((s) => !s.disabled).map((s) => html`<option value="${s.id}"${s.id === t.assigneeId ? html` selected` : ''}>${s.name}</option>`)}</select></label>
<button type="submit">${both('Tugaskan', 'Assign')}</button></form>`
}
${closed || anonymised || isVerified(t) ? '' : identityLinkForm(t, csrf, data.formKey, now)}
<p><a href="/console/audit?target=${t.id}">${both('Jejak audit tiket ini', 'Audit trail of this ticket')}</a></p></aside></div>`;
}
