/** The inbox of what went wrong: groups by count, one-click actions, CSV export. */
import type { InboxAction, InboxGroup } from '../../../../domain/inbox.ts';
import { formatTime } from '../../../../domain/time.ts';
import type { KnowledgeEntry } from '../../../../knowledge/types.ts';
import { field, queryParam, redirect, sendCsv, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { entryOptions, outcomeStatus, outcomeView, postedFields, tabs } from './views.ts';

const KIND_LABELS: Readonly<Record<string, string>> = {
  none: 'tidak terjawab · no answer',
  suggest: 'maksud Anda · did you mean',
  offtopic: 'di luar cakupan · off-topic',
  downvote: 'dinilai tidak membantu · voted down',
  midflow: 'di tengah alur · mid-flow',
  cancelled: 'alur dibatalkan · flow cancelled',
};

const counts = (
  map: Readonly<Record<string, number | undefined>>,
  labels: Readonly<Record<string, string>> = {},
): string =>
  Object.entries(map)
    .map(([k, n]) => `${labels[k] ?? k} ${n}`)
    .join(', ');

/** When a group was seen: one time, or the first and the last. */
const seen = (g: InboxGroup): string =>
  g.firstSeen === g.lastSeen
    ? formatTime(g.firstSeen, 'id')
    : `${formatTime(g.firstSeen, 'id')} – ${formatTime(g.lastSeen, 'id')}`;

/** The group's question (or the cancelled flow and step) and what is known about it, in small print. */
function groupSummary(g: InboxGroup, entries: ReadonlyMap<string, KnowledgeEntry>): SafeHtml {
  const title = g.question
    ? html`<b class="question">${g.question}</b>`
    : html`<b class="question">${both(`Alur ${g.flow ?? '?'} dibatalkan di langkah ${g.step ?? '?'}`, `Flow ${g.flow ?? '?'} cancelled at step ${g.step ?? '?'}`)}</b>`;
  const best = g.guesses[0];
  const bestEntry = best ? entries.get(best.entryId) : undefined;
  return html`${title}
<p class="meta">${counts(g.kinds, KIND_LABELS)} · ${counts(g.langs)} · ${seen(g)}</p>
${g.variants.length > 0 ? html`<p class="meta">${both('Juga ditulis', 'Also written')}: ${g.variants.join(' · ')}</p>` : ''}
${best && bestEntry ? html`<p class="meta">${both('Tebakan terbaik', 'Best guess')}: <code>${best.entryId}</code> “${bestEntry.question.id}” (${best.score.toFixed(2)})</p>` : ''}
${Object.keys(g.downvoted).length > 0 ? html`<p class="meta">${both('Jawaban yang dinilai tidak membantu', 'Answers voted down')}: ${counts(g.downvoted)}</p>` : ''}
${Object.keys(g.choices).length > 0 ? html`<p class="meta">${both('Lalu diklik', 'Then clicked')}: ${counts(g.choices)}</p>` : ''}`;
}

/** Groups per page: most frequent first; the CSV has them all. */
const PAGE_SIZE = 50;

export function registerInboxRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;

  router.page(
    '/console/knowledge/inbox',
    async ({ req, res, frame, active }) => {
      const done = queryParam(req, 'done', 10);
      const all = await deps.inbox.groups();
      const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
      const pageNo = Math.min(pages, Math.max(1, Number.parseInt(queryParam(req, 'page', 6), 10) || 1));
      const groups = all.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
      const pager =
        pages > 1
          ? html`<nav class="pager" aria-label="Halaman · Pages">${pageNo > 1 ? html`<a href="/console/knowledge/inbox?page=${pageNo - 1}" rel="prev">← ${both('Sebelumnya', 'Previous')}</a>` : ''}
<span>${both(`Halaman ${pageNo} dari ${pages} (${all.length} kelompok)`, `Page ${pageNo} of ${pages} (${all.length} groups)`)}</span>
${pageNo < pages ? html`<a href="/console/knowledge/inbox?page=${pageNo + 1}" rel="next">${both('Berikutnya', 'Next')} →</a>` : ''}</nav>`
          : '';
      const entries = deps.knowledge.knowledge.entries;
      const policy = entries.filter((e) => e.kind === 'policy');
      const offtopic = entries.filter((e) => e.kind === 'offtopic');
      const csrf = active.session.csrfToken;
      const byId = new Map(entries.map((e) => [e.id, e]));
      const policyIds = new Set(policy.map((e) => e.id));
      const rows = groups.map((g) => {
        // What customers clicked after a "did you mean" first (their own choice, as active learning takes it), then
        // the matcher's guesses, best first.
        const clicked = Object.entries(g.choices)
          .filter(([id]) => policyIds.has(id))
          .sort((a, b) => b[1] - a[1])
          .map(([id]) => id);
        const suggested = [...new Set([...clicked, ...g.guesses.map((x) => x.entryId)])].flatMap((id) => {
          const entry = byId.get(id);
          return entry?.kind === 'policy' ? [entry] : [];
        });
        const key = html`${csrfField(csrf)}<input type="hidden" name="key" value="${g.key}"><input type="hidden" name="page" value="${pageNo}">`;
        const change = g.question
          ? html`<form method="post" action="/console/knowledge/inbox/act">${key}<input type="hidden" name="action" value="alternate">
<select name="entry" aria-label="Entri · Entry">${
              suggested.length > 0
                ? html`<optgroup label="Saran · Suggested">${entryOptions(suggested, suggested[0]?.id)}</optgroup>`
                : ''
            }<optgroup label="Semua · All">${entryOptions(policy)}</optgroup></select>
<button type="submit" class="primary" data-test="add-alternate">${both('Jadikan alternatif', 'Add as alternate')}</button></form>
<form method="post" action="/console/knowledge/inbox/act">${key}<input type="hidden" name="action" value="out-of-scope">
<select name="entry" aria-label="Entri di luar cakupan · Off-topic entry">${entryOptions(offtopic, g.offtopicGuess ?? 'offtopic-other-privacy')}</select>
<button type="submit">${both('Di luar cakupan', 'Out of scope')}</button></form>`
          : '';
        return html`<tr data-key="${g.key}"><td class="text question" data-label="Pertanyaan · Question">${groupSummary(g, byId)}</td>
<td data-label="Jumlah · Count"><span class="count">${g.count}</span></td>
<td class="act" data-label="Tindakan · Action"><div class="actions">${change}<form method="post" action="/console/knowledge/inbox/act">${key}<input type="hidden" name="action" value="ignore"><button type="submit">${both('Abaikan', 'Ignore')}</button></form></div></td></tr>`;
      });
      const notice =
        done === 'saved'
          ? html`<p class="notice ok" role="status">${both('Disimpan: pertanyaan yang sama kini mendapat jawaban baru.', 'Saved: the same question now gets the new answer.')}</p>`
          : done === 'ignored'
            ? html`<p class="notice ok" role="status">${both('Kelompok diabaikan.', 'Group ignored.')}</p>`
            : '';
      const body = html`${tabs('/console/knowledge/inbox')}${notice}
<p>${both(
        'Yang ditanyakan pelanggan dan tidak terjawab, dikelompokkan menurut kata yang dinormalkan (data pribadi disamarkan, hanya jamnya, tanpa id percakapan).',
        'What customers asked and did not get, grouped by normalised words (personal data masked, the hour only, no conversation ids).',
      )} <a href="/console/export/inbox.csv">${both('Ekspor CSV', 'Export CSV')}</a></p>
${pager}<div class="table-wrap"><table class="inbox stack"><thead><tr><th>${both('Pertanyaan', 'Question')}</th><th>${both('Jumlah', 'Count')}</th><th>${both('Tindakan', 'Action')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="3">${both('Kotak masuk kosong.', 'The inbox is empty.')}</td></tr>`}</tbody></table></div>${pager}`;
      sendHtml(res, 200, page(frame('knowledge'), 'Kotak masuk · Inbox', body));
    },
    admin,
  );

  router.action(
    '/console/knowledge/inbox/act',
    async ({ req, res, frame, actor, active }) => {
      const key = field(req, 'key', 2000);
      const kind = field(req, 'action', 20);
      const entryId = field(req, 'entry', 64);
      const confirmDrop = field(req, 'confirm', 10) === 'drop';
      const action: InboxAction | undefined =
        kind === 'ignore'
          ? { action: 'ignore' }
          : kind === 'alternate' || kind === 'out-of-scope'
            ? { action: kind, entryId, ...(confirmDrop ? { confirmDrop: true } : {}) }
            : undefined;
      if (!action) {
        redirect(res, '/console/knowledge/inbox');
        return;
      }
      const outcome = await deps.inbox.act(actor, key, action);
      if (outcome.status === 'saved' || outcome.status === 'ignored' || outcome.status === 'unchanged') {
        const page = Number.parseInt(field(req, 'page', 6), 10);
        redirect(res, `/console/knowledge/inbox?done=${outcome.status}${page > 1 ? `&page=${page}` : ''}`);
        return;
      }
      const view =
        outcome.status === 'no-group'
          ? html`<p class="notice info">${both('Kelompok ini sudah tidak ada.', 'This group is gone already.')}</p>`
          : outcomeView(outcome, {
              action: '/console/knowledge/inbox/act',
              fields: postedFields(req.body, ['key', 'action', 'entry', 'page']),
              csrf: active.session.csrfToken,
            });
      sendHtml(
        res,
        outcome.status === 'no-group' ? 200 : outcomeStatus(outcome),
        page(
          frame('knowledge'),
          'Kotak masuk · Inbox',
          html`${tabs('/console/knowledge/inbox')}${view}<p><a href="/console/knowledge/inbox">${both('Kembali ke kotak masuk', 'Back to the inbox')}</a></p>`,
        ),
      );
    },
    admin,
  );

  router.download(
    '/console/export/inbox.csv',
    async ({ res, actor }) => {
      sendCsv(res, 'inbox.csv', await deps.inbox.csv(actor));
    },
    admin,
  );
}
