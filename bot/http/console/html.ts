/**
 * Auto-escaping HTML templates for the console: every value put into an `html` template is escaped unless it is
 * itself the result of `html` (or `trusted`), so customer text can never become markup.
 */
import { escapeHtml } from '../html.ts';

/** Markup that is already safe to send. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | undefined | null | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup made by the program itself (an SVG it drew): never pass text from outside. */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);
