/** The admins' knowledge console at /console/knowledge: overview (the file's state) and every knowledge page. */
import { formatTime } from '../../../../domain/time.ts';
import { sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html } from '../html.ts';
import { both, page } from '../layout.ts';
import { registerAnalyticsRoutes } from './analyticsRoutes.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { registerEntryRoutes } from './entryRoutes.ts';
import { registerInboxRoutes } from './inboxRoutes.ts';
import { registerLintRoutes } from './lintRoutes.ts';
import { registerSheetRoutes } from './sheetRoutes.ts';
import { registerTestPaneRoutes } from './testPaneRoutes.ts';
import { registerVersionRoutes } from './versionRoutes.ts';
import { knowledgeErrorBanner, tabs } from './views.ts';

export function registerKnowledgeRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  router.page(
    '/console/knowledge',
    async ({ res, frame }) => {
      const status = deps.knowledge.status;
      const groups = await deps.inbox.groups();
      const last = (await deps.editor.versions())[0];
      const waiting = groups.reduce((n, g) => n + g.count, 0);
      const body = html`${tabs('/console/knowledge')}${knowledgeErrorBanner(status)}
<section class="tiles"><a class="tile" href="/console/knowledge/inbox"><b>${groups.length}</b>${both(`kelompok di kotak masuk (${waiting} pesan)`, `inbox groups (${waiting} messages)`)}</a>
<a class="tile" href="/console/knowledge/entries"><b>${status.entries}</b>${both('entri', 'entries')}</a>
<a class="tile${status.quoteProblems > 0 ? ' overdue' : ''}" href="/console/knowledge/lint#unquoted"><b>${status.quoteProblems}</b>${both('kalimat tak ada di pernyataan', 'sentences not in the statement')}</a></section>
<p>${both('Versi yang dipakai', 'Serving version')} <code id="knowledge-version">${status.version}</code>, ${both('dimuat', 'loaded')} ${formatTime(status.loadedAt, 'id')} (${status.buildMs} ms).
${both('faq.yaml, training.yaml dan pernyataan privasi dipantau: perubahan tangan yang valid langsung dipakai.', 'faq.yaml, training.yaml and the privacy statement are watched: a valid hand edit serves at once.')}</p>
${last ? html`<p>${both('Perubahan terakhir', 'Last change')}: ${last.summary} (${formatTime(last.at, 'id')}) · <a href="/console/knowledge/versions">${both('semua versi', 'all versions')}</a></p>` : ''}`;
      sendHtml(res, 200, page(frame('knowledge'), 'Pengetahuan · Knowledge', body));
    },
    { role: 'admin' },
  );
  registerInboxRoutes(router, deps);
  registerTestPaneRoutes(router, deps);
  registerEntryRoutes(router, deps);
  registerVersionRoutes(router, deps);
  registerLintRoutes(router, deps);
  registerSheetRoutes(router, deps);
  registerAnalyticsRoutes(router, deps);
}
