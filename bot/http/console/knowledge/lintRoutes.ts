/** The lint page: duplicate phrasings, phrasings closer to another entry, colliding synonyms, unquoted answers. */
import { lintKnowledge } from '../../../../knowledge/lint.ts';
import { sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html } from '../html.ts';
import { both, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { tabs } from './views.ts';

export function registerLintRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  router.page(
    '/console/knowledge/lint',
    async ({ res, frame }) => {
      const r = lintKnowledge(deps.knowledge.current);
      const link = (id: string) => html`<a href="/console/knowledge/entries/${id}"><code>${id}</code></a>`;
      const none = html`<p>${both('Tidak ada.', 'None.')}</p>`;
      const body = html`${tabs('/console/knowledge/lint')}
<h2 id="unquoted">${both('Jawaban yang tidak lagi mengutip pernyataan', 'Answers that no longer quote the statement')} (${r.unquoted.length})</h2>
${r.unquoted.length > 0 ? html`<ul>${r.unquoted.map((p) => html`<li>${link(p.entry)}: “${p.sentence}”</li>`)}</ul>` : none}
<h2 id="duplicates">${both('Frasa yang sama di dua entri', 'The same phrasing in two entries')} (${r.duplicates.length})</h2>
${r.duplicates.length > 0 ? html`<ul>${r.duplicates.map((d) => html`<li><code>${d.key}</code>: ${d.uses.map((u, i) => html`${i > 0 ? '; ' : ''}${link(u.entry)} “${u.text}”`)}</li>`)}</ul>` : none}
<h2 id="closer">${both('Frasa yang lebih dekat ke entri lain', 'Phrasings closer to another entry')} (${r.closerElsewhere.length})</h2>
${r.closerElsewhere.length > 0 ? html`<ul>${r.closerElsewhere.map((c) => html`<li>${link(c.entry)} “${c.text}” (${c.ownScore}) → ${link(c.closer)} (${c.closerScore})</li>`)}</ul>` : none}
<h2 id="synonyms">${both('Sinonim yang bertabrakan', 'Colliding synonyms')} (${r.synonymCollisions.length})</h2>
${r.synonymCollisions.length > 0 ? html`<ul>${r.synonymCollisions.map((c) => html`<li><code>${c.variant}</code>: ${c.canonicals.join(', ')} (${both('yang pertama menang', 'the first wins')})</li>`)}</ul>` : none}`;
      sendHtml(res, 200, page(frame('knowledge'), 'Pemeriksaan · Lint', body));
    },
    { role: 'admin' },
  );
}
