/** Pieces the knowledge pages share: the knowledge's state, a change's outcome, the entry pickers. */
import type { ChangeOutcome } from '../../../../domain/knowledgeEditor.ts';
import type { RegressionComparison } from '../../../../domain/regression.ts';
import { formatTime } from '../../../../domain/time.ts';
import type { KnowledgeStatus } from '../../../../knowledge/knowledgeService.ts';
import type { MatchRule } from '../../../../knowledge/matcher.ts';
import type { KnowledgeEntry } from '../../../../knowledge/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, csrfField } from '../layout.ts';

export const KNOWLEDGE_TABS: readonly { href: string; id: string; en: string }[] = [
  { href: '/console/knowledge', id: 'Ringkasan', en: 'Overview' },
  { href: '/console/knowledge/inbox', id: 'Kotak masuk', en: 'Inbox' },
  { href: '/console/knowledge/test', id: 'Uji pesan', en: 'Test pane' },
  { href: '/console/knowledge/entries', id: 'Entri', en: 'Entries' },
  { href: '/console/knowledge/versions', id: 'Versi', en: 'Versions' },
  { href: '/console/knowledge/lint', id: 'Pemeriksaan', en: 'Lint' },
  { href: '/console/knowledge/sheet', id: 'Spreadsheet', en: 'Spreadsheet' },
  { href: '/console/knowledge/analytics', id: 'Analitik', en: 'Analytics' },
];

export const tabs = (current: string): SafeHtml =>
  html`<nav class="subnav" aria-label="Pengetahuan · Knowledge"><ul>${KNOWLEDGE_TABS.map(
    (t) =>
      html`<li><a href="${t.href}"${t.href === current ? html` aria-current="page"` : ''}>${both(t.id, t.en)}</a></li>`,
  )}</ul></nav>`;

/** The knowledge file's problems while the files on disk are broken (the last good version serves meanwhile). */
export function knowledgeErrorBanner(status: KnowledgeStatus): SafeHtml {
  const error = status.lastError;
  if (!error?.current) return html``;
  return html`<section class="notice error" role="alert" id="knowledge-error"><p><b>${both(
    'File pengetahuan tidak valid: versi terakhir yang baik tetap dipakai.',
    'The knowledge file is invalid: the last good version keeps serving.',
  )}</b> (${both('sejak', 'since')} ${formatTime(error.at, 'id')}, ${both('versi yang dipakai', 'serving')} ${status.version})</p>
<ul>${error.problems.map(
    (p) =>
      html`<li><code>${p.file.split('/').at(-1)}</code>${p.entry ? html` · ${both('entri', 'entry')} <code>${p.entry}</code>` : ''} · ${both('kolom', 'field')} <code>${p.field}</code>: ${p.message}</li>`,
  )}</ul></section>`;
}

/** The changed labelled questions listed by name; beyond this many, a count. */
const SHOWN_CHANGES = 30;

export function regressionSummary(r: RegressionComparison): SafeHtml {
  const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);
  const list = (items: RegressionComparison['newlyWrong']) =>
    html`<ul class="changed">${items.slice(0, SHOWN_CHANGES).map((c) => html`<li>“${c.q}”: <code>${c.before}</code> → <code>${c.now}</code> (${both('seharusnya', 'expected')} <code>${c.expect === 'out_of_scope' ? 'out_of_scope' : c.expect.join(', ')}</code>)</li>`)}${
      items.length > SHOWN_CHANGES
        ? html`<li>${both(`dan ${items.length - SHOWN_CHANGES} lagi`, `and ${items.length - SHOWN_CHANGES} more`)}</li>`
        : ''
    }</ul>`;
  return html`<div class="card regression"><p>${both('Pertanyaan berlabel benar', 'Labelled questions right')}: <b>${r.before.right}</b> → <b>${r.after.right}</b> / ${r.after.total}
(${pct(r.before.right, r.before.total)} → ${pct(r.after.right, r.after.total)}; ${both('dalam cakupan', 'in scope')} ${r.before.inScope.right} → ${r.after.inScope.right}, ${both('di luar cakupan', 'out of scope')} ${r.before.outOfScope.right} → ${r.after.outOfScope.right}; ${Math.round(r.ms)} ms)</p>
${r.newlyWrong.length > 0 ? html`<p>${both('Menjadi salah', 'Now wrong')}:</p>${list(r.newlyWrong)}` : ''}
${r.newlyRight.length > 0 ? html`<p>${both('Menjadi benar', 'Now right')}:</p>${list(r.newlyRight)}` : ''}</div>`;
}

/** Hidden copies of the posted fields, to post them again (with the confirmation). */
function repost(fields: Readonly<Record<string, string>>): SafeHtml {
  return html`${Object.entries(fields)
    .filter(([name]) => name !== 'csrf' && name !== 'confirm')
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}`;
}

/** The HTTP status of a change's outcome page. */
export function outcomeStatus(outcome: ChangeOutcome): number {
  switch (outcome.status) {
    case 'saved':
    case 'unchanged':
    case 'needs-confirmation':
      return 200;
    case 'conflict':
      return 409;
    default:
      return 400;
  }
}

/** What became of a change; a drop shows the questions and a form to confirm it. */
export function outcomeView(
  outcome: ChangeOutcome,
  again: { readonly action: string; readonly fields: Readonly<Record<string, string>>; readonly csrf: string },
): SafeHtml {
  switch (outcome.status) {
    case 'saved':
      return html`<p class="notice ok" role="status">${both('Disimpan dan langsung dipakai', 'Saved and serving now')}: ${outcome.version.summary} (${outcome.version.id})</p>${regressionSummary(outcome.regression)}`;
    case 'unchanged':
      return html`<p class="notice info" role="status">${both('Tidak ada perubahan.', 'Nothing changed.')}</p>`;
    case 'refused':
      return html`<p class="notice error" role="alert">${outcome.reason}</p>`;
    case 'invalid':
      return html`<div class="notice error" role="alert"><p>${both('Perubahan tidak valid, tidak disimpan', 'The change is invalid and was not saved')}:</p><ul>${outcome.problems.map(
        (p) =>
          html`<li>${p.entry ? html`${both('entri', 'entry')} <code>${p.entry}</code> · ` : ''}${both('kolom', 'field')} <code>${p.field}</code>: ${p.message}</li>`,
      )}</ul></div>`;
    case 'unquoted':
      return html`<div class="notice error" role="alert" id="unquoted"><p>${both(
        'Jawaban Indonesia harus mengutip pernyataan privasi kata demi kata. Kalimat ini tidak ditemukan:',
        'The Indonesian answer must quote the privacy statement word for word. Not found in it:',
      )}</p><ul>${outcome.problems.map((p) => html`<li><code>${p.entry}</code>: “${p.sentence}”</li>`)}</ul></div>`;
    case 'conflict':
      return html`<div class="notice error" role="alert" id="conflict"><p><b>${both(
        'Tidak disimpan: sudah diubah orang lain sejak halaman ini dibuka.',
        'Not saved: changed by someone else since this page was opened.',
      )}</b> ${outcome.entries.length > 0 ? html`${both('Entri', 'Entries')}: ${outcome.entries.map((id) => html`<a href="/console/knowledge/entries/${id}"><code>${id}</code></a> `)}` : outcome.reason}</p>
<p>${both('Muat ulang untuk melihat versi terbaru, lalu ulangi perubahan Anda.', 'Reload to see the newest version, then make your change again.')}</p></div>`;
    case 'needs-confirmation':
      return html`<div class="notice error" role="alert" id="needs-confirmation"><p>${both(
        'Perubahan ini membuat lebih sedikit pertanyaan berlabel dijawab benar. Simpan tetap? (dicatat di audit)',
        'This change answers fewer labelled questions right. Save anyway? (noted in the audit trail)',
      )}</p></div>${regressionSummary(outcome.regression)}
<form method="post" action="${again.action}">${csrfField(again.csrf)}${repost(again.fields)}<input type="hidden" name="confirm" value="drop">
<button type="submit" class="danger">${both('Ya, simpan walau akurasi turun', 'Yes, save despite the drop')}</button></form>`;
  }
}

/** <option>s of entries, `selected` first. */
export function entryOptions(entries: readonly KnowledgeEntry[], selected?: string): SafeHtml {
  return html`${entries.map(
    (e) =>
      html`<option value="${e.id}"${e.id === selected ? html` selected` : ''}>${e.id} — ${e.question.id.slice(0, 60)}</option>`,
  )}`;
}

/** The posted form as plain fields (for reposting). */
export function postedFields(body: unknown, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const name of names) {
    const value = Reflect.get(body, name);
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Which of the matcher's rules decided (see MatchRule), in the test pane. */
export const RULE_LABELS: Readonly<Record<MatchRule, readonly [string, string]>> = {
  'contact-data': ['hanya alamat, nomor atau nama', 'only an address, a number or a name'],
  phrasing: ['kalimat persis dari faq.yaml', "one of faq.yaml's phrasings, word for word"],
  'other-company': ['perusahaan lain', 'another company'],
  technical: ['bantuan teknis', 'technical help'],
  cue: ['kata petunjuk di luar cakupan', 'an off-topic cue'],
  score: ['skor dan ambang', 'scores and thresholds'],
};

/** What a reply kind means to an admin. */
export const DECISION_LABELS: Readonly<Record<string, readonly [string, string]>> = {
  answer: ['dijawab', 'answered'],
  suggest: ['maksud Anda…? (pilihan)', 'did you mean (choices)'],
  none: ['tidak terjawab', 'no answer'],
  offtopic: ['di luar cakupan', 'off-topic'],
  contact: ['data kontak', 'contact data'],
  smalltalk: ['obrolan ringan', 'small talk'],
  welcome: ['sapaan', 'welcome'],
  feedback: ['umpan balik', 'feedback'],
  error: ['kesalahan', 'error'],
  flow: ['memulai alur', 'starts a flow'],
};

/**
 * A reply as the chat shows it: the only markdown our replies use, **bold** and _italic_, rendered; everything else
 * (and everything inside) stays escaped text.
 */
export function replyMarkup(text: string): SafeHtml {
  const parts = text.split(/(\*\*[^*\n]+\*\*|(?<![\p{L}\p{N}])_[^_\n]+_(?![\p{L}\p{N}]))/u);
  return html`${parts.map((part) =>
    /^\*\*[^*\n]+\*\*$/.test(part)
      ? html`<b>${part.slice(2, -2)}</b>`
      : /^_[^_\n]+_$/.test(part)
        ? html`<i>${part.slice(1, -1)}</i>`
        : part,
  )}`;
}
