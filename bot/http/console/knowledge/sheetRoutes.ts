/** All entries as a spreadsheet (CSV) for the legal team's review, and the reviewed sheet back as one change. */
import { knowledgeToCsv, sheetPatches } from '../../../../domain/knowledgeSheet.ts';
import { editEntries, entryVersions, requireEntryVersions } from '../../../../knowledge/yamlEdit.ts';
import { field, fieldFits, sendCsv, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { outcomeStatus, outcomeView, postedFields, tabs } from './views.ts';

/** The sheet is read from a form field (a file picked in the page is put there by console.js); 200,000 characters. */
const MAX_SHEET = 200_000;

export function registerSheetRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;
  const form = (csrf: string, notice: SafeHtml) =>
    html`${tabs('/console/knowledge/sheet')}${notice}
<p><a href="/console/export/knowledge.csv" data-test="export">${both('Unduh semua entri (CSV, terbuka di Excel)', 'Download all entries (CSV, opens in Excel)')}</a></p>
<form method="post" action="/console/knowledge/sheet" class="card">${csrfField(csrf)}
<label>${both('Pilih file CSV yang sudah ditinjau', 'Choose the reviewed CSV file')}<input type="file" accept=".csv,text/csv" data-fill="csv"></label>
<label>${both('atau tempel isinya', 'or paste its content')}<textarea name="csv" rows="8" required></textarea></label>
<button type="submit" class="primary">${both('Impor', 'Import')}</button></form>
<p><small>${both(
      'Hanya kolom yang berubah yang ditulis ke faq.yaml (komentar dan urutan tetap). Alternatif satu per baris dalam sel; kata kunci dan entri terkait dipisah koma. Entri tidak ditambah atau dihapus lewat spreadsheet.',
      'Only changed cells are written to faq.yaml (comments and order kept). Alternates one per line inside the cell; keywords and related entries comma-separated. A sheet neither adds nor removes entries.',
    )} ${both(
      'Kolom version mencatat versi tiap entri saat diunduh (jangan diubah): entri yang diubah orang lain sejak itu tidak ditimpa; unduh ulang bila diminta.',
      'The version column records each entry as downloaded (leave it as it is): an entry someone changed since is not overwritten; download again when asked.',
    )}</small></p>`;

  router.page(
    '/console/knowledge/sheet',
    async ({ res, frame, active }) => {
      sendHtml(res, 200, page(frame('knowledge'), 'Spreadsheet', form(active.session.csrfToken, html``)));
    },
    admin,
  );

  router.download(
    '/console/export/knowledge.csv',
    async ({ res }) => {
      const current = deps.knowledge.current;
      sendCsv(res, 'knowledge.csv', knowledgeToCsv(current.knowledge, entryVersions(current.sources.faq)));
    },
    admin,
  );

  router.action(
    '/console/knowledge/sheet',
    async ({ req, res, frame, actor, active }) => {
      const csrf = active.session.csrfToken;
      const refuse = (status: number, problems: readonly string[]) => {
        const shown = problems.slice(0, 50);
        const notice = html`<div class="notice error" role="alert" id="sheet-refused"><p>${both('Spreadsheet tidak diimpor (tidak ada yang diubah)', 'The sheet was not imported (nothing changed)')}:</p><ul>${shown.map((p) => html`<li>${p}</li>`)}${problems.length > shown.length ? html`<li>… ${problems.length - shown.length}</li>` : ''}</ul></div>`;
        sendHtml(res, status, page(frame('knowledge'), 'Spreadsheet', form(csrf, notice)));
      };
      // Never cut: a sheet read only in part would change the entries it reached.
      if (!fieldFits(req, 'csv', MAX_SHEET)) {
        refuse(413, [`the sheet is longer than ${MAX_SHEET.toLocaleString('en')} characters`]);
        return;
      }
      const csv = field(req, 'csv', MAX_SHEET);
      const parsed = sheetPatches(deps.knowledge.knowledge, csv);
      if (!parsed.ok) {
        refuse(400, parsed.problems);
        return;
      }
      const ids = [...parsed.patches.keys()];
      const outcome = await deps.editor.change({
        actor,
        summary: `spreadsheet import: ${parsed.changedFields} field(s) of ${ids.length} entr${ids.length === 1 ? 'y' : 'ies'} (${ids.join(', ').slice(0, 200)})`,
        edit: (text) => {
          if (parsed.patches.size === 0) return text;
          // Based on the entries as exported: a change made since to one of them is not overwritten.
          requireEntryVersions(text, parsed.bases);
          return editEntries(text, parsed.patches);
        },
        confirmDrop: field(req, 'confirm', 10) === 'drop',
      });
      const view = outcomeView(outcome, {
        action: '/console/knowledge/sheet',
        fields: postedFields(req.body, ['csv']),
        csrf,
      });
      sendHtml(res, outcomeStatus(outcome), page(frame('knowledge'), 'Spreadsheet', form(csrf, view)));
    },
    admin,
  );
}
