/**
 * The console's tables: on a laptop a table; on a phone (console.css, under 640 px) each row becomes a card whose
 * cells are labelled with their column (data-label), so no row has to be scrolled sideways to be read.
 */
import { type HtmlValue, html, type SafeHtml } from './html.ts';
import { both } from './layout.ts';

export interface Column {
  readonly id: string;
  /** The English beside it (absent where the word is the same, e.g. "ID", "Status"). */
  readonly en?: string;
}

export interface Row {
  readonly cells: readonly HtmlValue[];
  /** A class of the row (e.g. its urgency). */
  readonly cls?: string;
}

const label = (column: Column): string => (column.en ? `${column.id} · ${column.en}` : column.id);

export function dataTable(columns: readonly Column[], rows: readonly Row[], empty: SafeHtml): SafeHtml {
  const head = columns.map((c) => html`<th>${c.en ? both(c.id, c.en) : c.id}</th>`);
  const body =
    rows.length > 0
      ? rows.map(
          (row) =>
            html`<tr${row.cls ? html` class="${row.cls}"` : ''}>${row.cells.map((cell, i) => {
              const column = columns[i];
              return html`<td${column ? html` data-label="${label(column)}"` : ''}>${cell}</td>`;
            })}</tr>`,
        )
      : html`<tr class="empty"><td colspan="${columns.length}">${empty}</td></tr>`;
  return html`<div class="table-wrap"><table class="cards"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
