/** Requests per week by kind, as an SVG bar chart drawn on the server (no script, no external library). */

import type { TicketKind } from '../../../domain/records.ts';
import { TICKET_KIND_LABELS, TICKET_KINDS } from '../../../domain/ticketKinds.ts';
import type { WeekCounts } from '../../../domain/ticketQueue.ts';
import { html, type SafeHtml } from './html.ts';

const COLOURS: Record<TicketKind, string> = {
  question: '#0b4f8a',
  access: '#f28c28',
  correction: '#2a9d8f',
  deletion: '#b42318',
  'withdraw-consent': '#6d597a',
};

/**
 * A stacked bar per week; every bar has a title (its numbers) for screen readers and hover. The legend's swatches
 * are coloured by class in console.css (the CSP allows no style attribute), the same colours as the bars.
 */
export function weeklyChart(weeks: readonly WeekCounts[]): SafeHtml {
  const width = 640;
  const height = 200;
  const left = 30;
  const bottom = 24;
  const total = (w: WeekCounts) => TICKET_KINDS.reduce((sum, k) => sum + (w.counts[k] ?? 0), 0);
  const max = Math.max(1, ...weeks.map(total));
  const slot = (width - left) / Math.max(1, weeks.length);
  const barWidth = Math.max(4, slot * 0.7);
  const scale = (height - bottom - 10) / max;
  const bars = weeks.map((week, i) => {
    let y = height - bottom;
    const x = left + i * slot + (slot - barWidth) / 2;
    const parts = TICKET_KINDS.filter((k) => (week.counts[k] ?? 0) > 0).map((kind) => {
      const h = (week.counts[kind] ?? 0) * scale;
      y -= h;
      return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[kind]}"><title>${week.weekStart}: ${TICKET_KIND_LABELS[kind].id} ${week.counts[kind]}</title></rect>`;
    });
    const label = week.weekStart.slice(5);
    return html`${parts}<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="middle" fill="#5d6975">${label}</text>`;
  });
  const legend = TICKET_KINDS.map(
    (k) => html`<span><i class="swatch kind-${k}" aria-hidden="true"></i>${TICKET_KIND_LABELS[k].id}</span>`,
  );
  return html`<figure class="chart"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Permintaan per minggu menurut jenis · Requests per week by kind">
<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#dde3ea"/>
<text x="0" y="14" font-size="10" fill="#5d6975">${max}</text>${bars}</svg>
<figcaption class="legend">${legend}</figcaption></figure>`;
}
