/** The versions of faq.yaml kept in DATA_DIR/knowledge-history: who, when, what; a diff of any two; restore. */

import { formatTime } from '../../../../domain/time.ts';
import { diffHunks } from '../../../../knowledge/lineDiff.ts';
import { field, queryParam, redirect, sendHtml } from '../consoleHttp.ts';
import { ConsoleInputError, type ConsoleRouter } from '../consoleRouter.ts';
import { html } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { outcomeStatus, outcomeView, postedFields, tabs } from './views.ts';

const VERSION = /^(current|[0-9TZ]{19}-[0-9a-f]{16})$/;

export function registerVersionRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;

  router.page(
    '/console/knowledge/versions',
    async ({ req, res, frame, active }) => {
      const versions = await deps.editor.versions();
      const from = queryParam(req, 'from', 40);
      const to = queryParam(req, 'to', 40) || 'current';
      let diff = html``;
      if (from) {
        if (!VERSION.test(from) || !VERSION.test(to))
          throw new ConsoleInputError('Versi tidak dikenal · Unknown version');
        const lines = await deps.editor.diff(from, to);
        if (!lines) throw new ConsoleInputError('Versi tidak dikenal · Unknown version', 404);
        const hunks = diffHunks(lines, 3);
        diff = html`<h2>${both('Perbedaan', 'Diff')} ${from} → ${to}</h2><pre class="diff" id="diff">${hunks.map((l) =>
          l === null
            ? html`<span class="gap">⋯</span>\n`
            : html`<span class="${l.op}">${l.op === 'add' ? '+' : l.op === 'del' ? '-' : ' '} ${l.text}</span>\n`,
        )}</pre>`;
      }
      const csrf = active.session.csrfToken;
      const onDisk = await deps.editor.diskHash();
      const rows = versions.map(
        (
          v,
        ) => html`<tr data-version="${v.id}"><td><code>${v.id}</code>${v.current ? html` <span class="badge verified">${both('dipakai', 'on disk')}</span>` : ''}</td>
<td>${formatTime(v.at, 'id')}</td><td>${v.actor}</td><td>${v.summary}</td><td>${v.accuracy ? `${v.accuracy.before} → ${v.accuracy.after} / ${v.accuracy.total}${v.dropConfirmed ? ' ⚠' : ''}` : ''}</td>
<td><a href="/console/knowledge/versions?from=${v.id}&to=current">${both('beda dgn sekarang', 'diff to now')}</a>
${v.current ? '' : html`<form method="post" action="/console/knowledge/versions/restore" class="inline" data-confirm="Pulihkan versi ini? · Restore this version?">${csrfField(csrf)}<input type="hidden" name="version" value="${v.id}"><input type="hidden" name="base" value="${onDisk}"><button type="submit" data-test="restore">${both('Pulihkan', 'Restore')}</button></form>`}</td></tr>`,
      );
      const body = html`${tabs('/console/knowledge/versions')}${diff}
<div class="table-wrap"><table><thead><tr><th>${both('Versi', 'Version')}</th><th>${both('Waktu', 'When')}</th><th>${both('Oleh', 'Who')}</th><th>${both('Perubahan', 'What')}</th><th>${both('Pertanyaan berlabel benar', 'Labelled right')}</th><th></th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6">${both('Belum ada perubahan dari konsol.', 'No change from the console yet.')}</td></tr>`}</tbody></table></div>`;
      sendHtml(res, 200, page(frame('knowledge'), 'Versi · Versions', body));
    },
    admin,
  );

  router.action(
    '/console/knowledge/versions/restore',
    async ({ req, res, frame, actor, active }) => {
      const version = field(req, 'version', 40);
      if (!VERSION.test(version) || version === 'current')
        throw new ConsoleInputError('Versi tidak dikenal · Unknown version');
      const confirmDrop = field(req, 'confirm', 10) === 'drop';
      const base = field(req, 'base', 20);
      if (!/^[0-9a-f]{16}$/.test(base))
        throw new ConsoleInputError('Formulir kedaluwarsa: muat ulang halaman · The form is outdated: reload the page');
      const outcome = await deps.editor.restore(actor, version, { confirmDrop, base });
      if (outcome.status === 'saved' || outcome.status === 'unchanged') {
        redirect(res, '/console/knowledge/versions');
        return;
      }
      const view = outcomeView(outcome, {
        action: '/console/knowledge/versions/restore',
        fields: postedFields(req.body, ['version', 'base']),
        csrf: active.session.csrfToken,
      });
      sendHtml(
        res,
        outcomeStatus(outcome),
        page(frame('knowledge'), 'Versi · Versions', html`${tabs('/console/knowledge/versions')}${view}`),
      );
    },
    admin,
  );
}
