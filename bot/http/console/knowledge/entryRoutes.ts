/**
 * The entry editor: alternates, keywords, related entries, the offered flow, the question and the answers. The
 * Indonesian answer must quote the statement (a sentence it lacks is named); every save is a checked knowledge change.
 */
import { SHEET_FIELDS } from '../../../../domain/knowledgeSheet.ts';
import type { KnowledgeEntry } from '../../../../knowledge/types.ts';
import { type EntryPatch, editEntries, entryVersions, requireEntryVersions } from '../../../../knowledge/yamlEdit.ts';
import { ConsoleInputError, field, fieldFits, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, csrfField, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { outcomeStatus, outcomeView, postedFields, tabs } from './views.ts';

/** The editor's fields: the spreadsheet's (not the entry's id and kind: those are not edited). */
const FIELDS = SHEET_FIELDS;
/** Longest text a field takes (a longer one is refused, never cut). */
const MAX_FIELD = 20_000;

const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
const commas = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The editor's fields as a patch of the entry (an empty flow removes it). */
export function patchFromForm(get: (name: (typeof FIELDS)[number]) => string, entry: KnowledgeEntry): EntryPatch {
  const flow = get('flow');
  return {
    section: get('section'),
    question: { id: get('question_id'), en: get('question_en') },
    alternates: { id: lines(get('alternates_id')), en: lines(get('alternates_en')) },
    keywords: commas(get('keywords')),
    related: commas(get('related')),
    ...(flow ? { flow } : entry.flow ? { flow: null } : {}),
    ...(entry.answer ? { answer: { id: get('answer_id'), en: get('answer_en') } } : {}),
  };
}

/** The entry as the form describes it (to show a refused edit again). */
function withPatch(entry: KnowledgeEntry, patch: EntryPatch): KnowledgeEntry {
  const { flow: _flow, ...rest } = entry;
  return {
    ...rest,
    section: patch.section ?? entry.section,
    question: { ...entry.question, ...patch.question },
    alternates: { ...entry.alternates, ...patch.alternates },
    keywords: patch.keywords ?? entry.keywords,
    related: patch.related ?? entry.related,
    ...(patch.flow ? { flow: patch.flow } : patch.flow === null ? {} : entry.flow ? { flow: entry.flow } : {}),
    ...(entry.answer ? { answer: { ...entry.answer, ...patch.answer } } : {}),
  };
}

/** The admin's text that a conflict kept from being saved, field by field where it differs from the entry now. */
function unsaved(entry: KnowledgeEntry, get: (name: (typeof FIELDS)[number]) => string): SafeHtml {
  const now = formOf(entry);
  // Compared as the editor reads them (browsers send CRLF line ends; lists by their items).
  const canonical = (name: (typeof FIELDS)[number], text: string): string =>
    name.startsWith('alternates')
      ? lines(text).join('\n')
      : name === 'keywords' || name === 'related'
        ? commas(text).join(',')
        : text.trim();
  const differing = FIELDS.filter((name) => canonical(name, get(name)) !== canonical(name, now[name]));
  if (differing.length === 0) return html``;
  return html`<details class="card unsaved" open><summary>${both('Teks Anda yang berbeda dari entri sekarang (tidak disimpan)', 'Your text where it differs from the entry now (not saved)')}</summary>
<dl>${differing.map((name) => html`<dt><code>${name}</code></dt><dd><pre>${get(name)}</pre></dd>`)}</dl></details>`;
}

/** The entry's fields as the form shows them. */
export function formOf(entry: KnowledgeEntry): Record<(typeof FIELDS)[number], string> {
  return {
    section: entry.section,
    question_id: entry.question.id,
    question_en: entry.question.en,
    alternates_id: entry.alternates.id.join('\n'),
    alternates_en: entry.alternates.en.join('\n'),
    keywords: entry.keywords.join(', '),
    answer_id: entry.answer?.id ?? '',
    answer_en: entry.answer?.en ?? '',
    flow: entry.flow ?? '',
    related: entry.related.join(', '),
  };
}

function editor(
  entry: KnowledgeEntry,
  base: string,
  flows: readonly string[],
  csrf: string,
  problems: SafeHtml,
  /** Phrasings of the entry in training.yaml (taught to the matcher too; edited in that file). */
  trained = 0,
): SafeHtml {
  const area = (name: string, label: SafeHtml, value: string, rows = 6) =>
    html`<label>${label}<textarea name="${name}" rows="${rows}">${value}</textarea></label>`;
  return html`${problems}<form method="post" action="/console/knowledge/entries/${entry.id}" class="card editor">${csrfField(csrf)}<input type="hidden" name="base" value="${base}">
<p>${both('Jenis', 'Kind')}: <code>${entry.kind}</code> · <a href="/console/knowledge/test?q=${encodeURIComponent(entry.question.id)}">${both('Uji pertanyaannya', 'Test its question')}</a>${trained > 0 ? html` · <small>${both(`ditambah ${trained} frasa di training.yaml (diedit di file itu)`, `plus ${trained} phrasings in training.yaml (edited in that file)`)}</small>` : ''}</p>
<label>${both('Bagian pernyataan', 'Statement section')}<input type="text" name="section" value="${entry.section}" maxlength="4000"></label>
<label>${both('Pertanyaan (id)', 'Question (id)')}<input type="text" name="question_id" value="${entry.question.id}" maxlength="4000"></label>
<label>${both('Pertanyaan (en)', 'Question (en)')}<input type="text" name="question_en" value="${entry.question.en}" maxlength="4000"></label>
${area('alternates_id', both('Alternatif (id), satu per baris', 'Alternates (id), one per line'), entry.alternates.id.join('\n'), 10)}
${area('alternates_en', both('Alternatif (en), satu per baris', 'Alternates (en), one per line'), entry.alternates.en.join('\n'), 6)}
<label>${both('Kata kunci, dipisah koma', 'Keywords, comma-separated')}<input type="text" name="keywords" value="${entry.keywords.join(', ')}"></label>
<label>${both('Entri terkait, dipisah koma', 'Related entries, comma-separated')}<input type="text" name="related" value="${entry.related.join(', ')}"></label>
<label>${both('Alur yang ditawarkan', 'Offered flow')}<select name="flow"><option value="">—</option>${flows.map((f) => html`<option value="${f}"${f === entry.flow ? html` selected` : ''}>${f}</option>`)}</select></label>
${entry.answer ? html`${area('answer_id', both('Jawaban (id): kutipan kata demi kata dari pernyataan', 'Answer (id): quoted word for word from the statement'), entry.answer.id)}${area('answer_en', both('Jawaban (en): terjemahan yang setia', 'Answer (en): a faithful translation'), entry.answer.en)}` : ''}
<button type="submit" class="primary">${both('Simpan', 'Save')}</button></form>`;
}

export function registerEntryRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;
  const find = (id: string) => deps.knowledge.knowledge.entries.find((e) => e.id === id);
  /** The version of the entry as it serves now: what a form shown now is based on. */
  const versionOf = (id: string) => entryVersions(deps.knowledge.current.sources.faq).get(id) ?? '';
  const trainedOf = (id: string) => deps.knowledge.knowledge.training?.get(id)?.length ?? 0;

  router.page(
    '/console/knowledge/entries',
    async ({ res, frame }) => {
      const entries = deps.knowledge.knowledge.entries;
      const body = html`${tabs('/console/knowledge/entries')}<div class="table-wrap"><table class="stack"><thead><tr><th>ID</th><th>${both('Pertanyaan', 'Question')}</th><th>${both('Jenis', 'Kind')}</th><th>${both('Alternatif', 'Alternates')}</th><th>${both('Alur', 'Flow')}</th></tr></thead>
<tbody>${entries.map(
        (e) =>
          html`<tr><td data-label="ID"><a href="/console/knowledge/entries/${e.id}">${e.id}</a></td><td class="text" data-label="Pertanyaan · Question">${e.question.id}</td><td data-label="Jenis · Kind">${e.kind}</td><td data-label="Alternatif · Alternates">${e.alternates.id.length + e.alternates.en.length}${trainedOf(e.id) > 0 ? html` <small class="meta">+ ${trainedOf(e.id)} training.yaml</small>` : ''}</td><td data-label="Alur · Flow">${e.flow ?? '—'}</td></tr>`,
      )}</tbody></table></div>`;
      sendHtml(res, 200, page(frame('knowledge'), 'Entri · Entries', body));
    },
    admin,
  );

  router.page(
    '/console/knowledge/entries/:id',
    async ({ req, res, frame, active }) => {
      const entry = find(String(req.params.id ?? ''));
      if (!entry) throw new ConsoleInputError('Entri tidak dikenal · Unknown entry', 404);
      const body = html`${tabs('/console/knowledge/entries')}${editor(entry, versionOf(entry.id), deps.flows, active.session.csrfToken, html``, trainedOf(entry.id))}`;
      sendHtml(res, 200, page(frame('knowledge'), `Entri · Entry ${entry.id}`, body));
    },
    admin,
  );

  router.action(
    '/console/knowledge/entries/:id',
    async ({ req, res, frame, actor, active }) => {
      const entry = find(String(req.params.id ?? ''));
      if (!entry) throw new ConsoleInputError('Entri tidak dikenal · Unknown entry', 404);
      const base = field(req, 'base', 20);
      if (!/^[0-9a-f]{12}$/.test(base))
        throw new ConsoleInputError('Formulir kedaluwarsa: muat ulang halaman · The form is outdated: reload the page');
      const tooLong = FIELDS.find((name) => !fieldFits(req, name, MAX_FIELD));
      if (tooLong)
        throw new ConsoleInputError(
          `Kolom ${tooLong} lebih dari ${MAX_FIELD} karakter · The field ${tooLong} is longer than ${MAX_FIELD} characters`,
          413,
        );
      const get = (name: (typeof FIELDS)[number]) => field(req, name, MAX_FIELD);
      const patch = patchFromForm(get, entry);
      const outcome = await deps.editor.change({
        actor,
        summary: `entry ${entry.id} edited`,
        target: entry.id,
        edit: (text) => {
          // Based on the entry as the form showed it: another admin's save meanwhile is not overwritten.
          requireEntryVersions(text, new Map([[entry.id, base]]));
          return editEntries(text, new Map([[entry.id, patch]]));
        },
        confirmDrop: field(req, 'confirm', 10) === 'drop',
      });
      const view = outcomeView(outcome, {
        action: `/console/knowledge/entries/${entry.id}`,
        fields: postedFields(req.body, ['base', ...FIELDS]),
        csrf: active.session.csrfToken,
      });
      const current = find(entry.id) ?? entry;
      const show = (shown: KnowledgeEntry, shownBase: string, problems: SafeHtml) =>
        editor(shown, shownBase, deps.flows, active.session.csrfToken, problems, trainedOf(entry.id));
      // Saved: the entry as it serves now; a conflict: the entry as it is now, with the admin's text beside it;
      // otherwise what the admin typed, to correct it.
      const form =
        outcome.status === 'saved'
          ? show(current, versionOf(entry.id), view)
          : outcome.status === 'conflict'
            ? show(current, versionOf(entry.id), html`${view}${unsaved(current, get)}`)
            : show(withPatch(entry, patch), base, view);
      sendHtml(
        res,
        outcomeStatus(outcome),
        page(frame('knowledge'), `Entri · Entry ${entry.id}`, html`${tabs('/console/knowledge/entries')}${form}`),
      );
    },
    admin,
  );
}
