/** The test pane: any message, what the customer would get and why; admins' own labelled questions. */
import { testMessage } from '../../../../dialogs/root/testPane.ts';
import { TestCaseError } from '../../../../domain/knowledgeTestCases.ts';
import type { Lang } from '../../../../knowledge/types.ts';
import { ConsoleInputError, field, queryParam, redirect, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { DECISION_LABELS, entryOptions, RULE_LABELS, replyMarkup, tabs } from './views.ts';

export function registerTestPaneRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;

  router.page(
    '/console/knowledge/test',
    async ({ req, res, frame, active }) => {
      const q = queryParam(req, 'q', 1000);
      const lang: Lang = queryParam(req, 'lang', 2) === 'en' ? 'en' : 'id';
      const csrf = active.session.csrfToken;
      let result = html``;
      const questionOf = (id: string) => deps.knowledge.knowledge.entries.find((x) => x.id === id)?.question.id ?? '';
      const entryLink = (id: string) => html`<a href="/console/knowledge/entries/${id}"><code>${id}</code></a>`;
      if (q) {
        const { explanation: e, outcome, version } = testMessage(deps.answerer, deps.knowledge, q, lang);
        const t = e.thresholds;
        result = html`<section class="card" id="test-result"><h2>${both('Yang didapat pelanggan', 'What the customer gets')}</h2>
<p><b data-test="decision">${outcome.kind}</b> (${both(...(DECISION_LABELS[outcome.kind] ?? [outcome.kind, outcome.kind]))})${'entryId' in outcome && outcome.entryId ? html` → ${entryLink(outcome.entryId)}` : ''}${'flow' in outcome ? html` → ${both('alur', 'flow')} <code>${outcome.flow}</code>` : ''}${'candidates' in outcome && outcome.candidates ? html`: ${outcome.candidates.map((id) => html`${entryLink(id)} `)}` : ''}</p>
${'text' in outcome ? html`<blockquote class="reply">${replyMarkup(outcome.text)}</blockquote>` : ''}
<h2>${both('Kata yang dinormalkan', 'Normalised words')}</h2><p data-test="tokens">${e.tokens.map((tok) => html`<code class="${tok.known ? 'known' : 'unknown'}">${tok.token}</code> `)}</p>
<p><small>${both('Kata', 'Words')}: ${e.words.join(' ')} · ${both('keputusan pencocok', 'matcher decision')}: ${e.result.kind} (${e.result.score.toFixed(3)}) · ${both('versi', 'version')} ${version}</small></p>
<p data-test="rule">${both('Diputuskan oleh', 'Decided by')}: <b>${both(...RULE_LABELS[e.result.rule])}</b>${
          e.phrasing
            ? html` — ${both('pesan ini kata demi kata adalah kalimat entri', 'this message is word for word a phrasing of')} ${entryLink(e.phrasing.entry.id)}: “${e.phrasing.text}” (${both('skor di bawah tidak menentukan', 'the scores below did not decide')})`
            : ''
        }</p>
<h2>${both('Tiga entri teratas', 'Top 3 entries')}</h2><div class="table-wrap"><table class="stack"><thead><tr><th>${both('Entri', 'Entry')}</th><th>${both('Jenis', 'Kind')}</th><th>${both('Skor', 'Score')}</th><th>${both('Kata yang cocok', 'Matched words')}</th></tr></thead>
<tbody>${e.top.map((c) => html`<tr><td class="text" data-label="Entri · Entry">${entryLink(c.entryId)} <small class="meta">${questionOf(c.entryId)}</small></td><td data-label="Jenis · Kind">${c.kind}</td><td data-label="Skor · Score">${c.score.toFixed(3)}</td><td class="text" data-label="Kata yang cocok · Matched words">${c.matched.join(', ')}</td></tr>`)}</tbody></table></div>
<p>${both('Ambang', 'Thresholds')}: ${both('jawab', 'answer')} ≥ ${t.answer}, ${both('saran', 'suggest')} ≥ ${t.suggest}, ${both('selisih', 'margin')} ${t.margin}${t.clear !== undefined ? `, clear ≥ ${t.clear} (margin ${t.clearMargin})` : ''}</p>
<form method="post" action="/console/knowledge/test/cases" class="inline">${csrfField(csrf)}<input type="hidden" name="q" value="${q}">
<label>${both('Simpan sebagai pertanyaan uji, jawaban benar', 'Keep as a test question, right answer')} <select name="expect"><option value="out_of_scope">out_of_scope</option>${entryOptions(
          deps.knowledge.knowledge.entries.filter((x) => x.kind === 'policy'),
          'entryId' in outcome ? outcome.entryId : undefined,
        )}</select></label>
<button type="submit">${both('Tambah', 'Add')}</button></form></section>`;
      }
      const cases = await deps.tests.list();
      const body = html`${tabs('/console/knowledge/test')}
<form method="get" action="/console/knowledge/test" class="card filters"><label>${both('Pesan', 'Message')}<input type="text" name="q" value="${q}" maxlength="1000" required autofocus></label>
<label>${both('Bahasa percakapan', 'Conversation language')}<select name="lang"><option value="id">id</option><option value="en"${lang === 'en' ? html` selected` : ''}>en</option></select></label>
<button type="submit" class="primary">${both('Uji', 'Test')}</button></form>${result}
<h2>${both('Pertanyaan uji dari admin', "Admins' test questions")} (${cases.length})</h2><p><small>${both('Dijalankan bersama set berlabel sebelum setiap perubahan.', 'Run with the labelled sets before every change.')}</small></p>
<ul>${cases.map(
        (c) => html`<li>“${c.q}” → <code>${c.expect === 'out_of_scope' ? c.expect : c.expect.join(', ')}</code>
<form method="post" action="/console/knowledge/test/cases/remove" class="inline">${csrfField(csrf)}<input type="hidden" name="id" value="${c.id}"><button type="submit">${both('Hapus', 'Remove')}</button></form></li>`,
      )}</ul>`;
      sendHtml(res, 200, page(frame('knowledge'), 'Uji pesan · Test pane', body));
    },
    admin,
  );

  router.action(
    '/console/knowledge/test/cases',
    async ({ req, res, actor }) => {
      const q = field(req, 'q', 500);
      const expect = field(req, 'expect', 64);
      try {
        await deps.tests.add(actor, q, expect === 'out_of_scope' ? 'out_of_scope' : [expect]);
      } catch (error) {
        if (error instanceof TestCaseError) throw new ConsoleInputError(error.message);
        throw error;
      }
      redirect(res, `/console/knowledge/test?q=${encodeURIComponent(q)}`);
    },
    admin,
  );

  router.action(
    '/console/knowledge/test/cases/remove',
    async ({ req, res, actor }) => {
      await deps.tests.remove(actor, field(req, 'id', 64));
      redirect(res, '/console/knowledge/test');
    },
    admin,
  );
}
