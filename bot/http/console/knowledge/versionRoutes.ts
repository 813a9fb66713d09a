/** The versions of faq.yaml kept in DATA_DIR/knowledge-history: who, when, what; a diff of any two; restore. */

import { formatTime } from '../../../../domain/time.ts';
import { type DiffLine, diffHunks } from '../../../../knowledge/lineDiff.ts';
import { ConsoleInputError, field, queryParam, redirect, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { outcomeStatus, outcomeView, postedFields, tabs } from './views.ts';

const VERSION = /^(current|[0-9TZ]{19}-[0-9a-f]{16})$/;

/** A version's short name: its hash's first 7 characters (the whole id on hover). */
const short = (id: string): string => (id === 'current' ? 'current' : (id.split('-')[1] ?? id).slice(0, 7));

/** The entry each line of faq.yaml belongs to (the last `- id:` above it), so every hunk can say which it changes. */
function entriesOf(lines: readonly DiffLine[]): Map<DiffLine, string> {
  const out = new Map<DiffLine, string>();
  let entry = '';
  for (const line of lines) {
    const id = /^ {2}- id: *(\S+)/.exec(line.text)?.[1];
    if (id) entry = id;
    out.set(line, entry);
  }
  return out;
}

function diffView(lines: readonly DiffLine[]): SafeHtml {
  const entries = entriesOf(lines);
  const hunks = diffHunks(lines, 3);
  return html`<pre class="diff" id="diff">${hunks.map((l, i) => {
    const opens = l !== null && (i === 0 || hunks[i - 1] === null);
    const entry = l === null ? '' : (entries.get(l) ?? '');
    return html`${opens && entry ? html`<span class="diff-entry">@ ${both('entri', 'entry')} ${entry}</span>\n` : ''}${
      l === null
        ? html`<span class="gap">⋯</span>\n`
        : html`<span class="${l.op}">${l.op === 'add' ? '+' : l.op === 'del' ? '-' : ' '} ${l.text}</span>\n`
    }`;
  })}</pre>`;
}

export function registerVersionRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;

  router.page(
    '/console/knowledge/versions',
    async ({ req, res, frame, active }) => {
      const versions = await deps.editor.versions();
      const staff = await deps.store.transaction((tx) => tx.staff.list());
      const names = new Map(staff.map((m) => [`staff:${m.id}`, m.name]));
      const who = (actor: string) =>
        actor === 'disk' ? both('file di disk', 'the file on disk') : html`${names.get(actor) ?? actor}`;
      const from = queryParam(req, 'from', 40);
      const to = queryParam(req, 'to', 40) || 'current';
      let diff = html``;
      if (from) {
        if (!VERSION.test(from) || !VERSION.test(to))
          throw new ConsoleInputError('Versi tidak dikenal · Unknown version');
        const lines = await deps.editor.diff(from, to);
        if (!lines) throw new ConsoleInputError('Versi tidak dikenal · Unknown version', 404);
        const name = (id: string) =>
          id === 'current' ? both('sekarang', 'now') : html`<code title="${id}">${short(id)}</code>`;
        diff = html`<h2>${both('Perbedaan', 'Diff')}: ${name(from)} → ${name(to)}</h2>${
          lines.some((l) => l.op !== 'same')
            ? diffView(lines)
            : html`<p class="notice info">${both('Sama persis.', 'Identical.')}</p>`
        }`;
      }
      const csrf = active.session.csrfToken;
      const onDisk = await deps.editor.diskHash();
      const rows = versions.map(
        (
          v,
        ) => html`<tr data-version="${v.id}"><td data-label="Kapan · When">${formatTime(v.at, 'id')}<br><small>${who(v.actor)}</small></td>
<td class="text" data-label="Perubahan · What">${v.summary} <small class="meta"><code title="${v.id}">${short(v.id)}</code></small>${v.current ? html` <span class="badge verified">${both('sekarang', 'current')}</span>` : ''}</td>
<td data-label="Pertanyaan berlabel benar · Labelled right">${v.accuracy ? `${v.accuracy.before} → ${v.accuracy.after} / ${v.accuracy.total}` : '—'}${v.dropConfirmed ? html` <span class="badge unverified">${both('turun, dikonfirmasi', 'drop confirmed')}</span>` : ''}</td>
<td data-label="Tindakan · Action"><div class="actions"><a href="/console/knowledge/versions?from=${v.id}&amp;to=current">${both('beda dgn sekarang', 'diff to now')}</a>
${v.current ? '' : html`<form method="post" action="/console/knowledge/versions/restore" data-confirm="Pulihkan versi ini? · Restore this version?">${csrfField(csrf)}<input type="hidden" name="version" value="${v.id}"><input type="hidden" name="base" value="${onDisk}"><button type="submit" data-test="restore">${both('Pulihkan', 'Restore')}</button></form>`}</div></td></tr>`,
      );
      const body = html`${tabs('/console/knowledge/versions')}${diff}
<div class="table-wrap"><table class="stack"><thead><tr><th>${both('Kapan', 'When')}</th><th>${both('Perubahan', 'What')}</th><th>${both('Pertanyaan berlabel benar', 'Labelled right')}</th><th>${both('Tindakan', 'Action')}</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="4">${both('Belum ada perubahan dari konsol.', 'No change from the console yet.')}</td></tr>`}</tbody></table></div>`;
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
