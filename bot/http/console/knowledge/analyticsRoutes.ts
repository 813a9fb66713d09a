/** Analytics from the stored daily counts (never a conversation): per day or week, charts drawn as SVG, CSV. */
import { type PeriodStats, statsCsv, statsReport } from '../../../../domain/dailyStats.ts';
import { wibDay } from '../../../../domain/time.ts';
import { queryParam, sendCsv, sendHtml } from '../consoleHttp.ts';
import type { ConsoleRouter } from '../consoleRouter.ts';
import { html, type SafeHtml } from '../html.ts';
import { both, page } from '../layout.ts';
import type { KnowledgeConsoleDeps } from './deps.ts';
import { tabs } from './views.ts';

const OUTCOMES = [
  { key: 'answer', id: 'terjawab', en: 'answered', colour: '#2a9d8f' },
  { key: 'suggest', id: 'maksud Anda', en: 'did you mean', colour: '#f28c28' },
  { key: 'none', id: 'tidak terjawab', en: 'no answer', colour: '#b42318' },
  { key: 'offtopic', id: 'di luar cakupan', en: 'off-topic', colour: '#6d597a' },
] as const;

/** Stacked bars of the questions' outcomes per period, with a title on each part. */
function outcomesChart(periods: readonly PeriodStats[]): SafeHtml {
  const width = 640;
  const height = 200;
  const left = 30;
  const bottom = 24;
  const max = Math.max(1, ...periods.map((p) => p.questions));
  const slot = (width - left) / Math.max(1, periods.length);
  const bar = Math.max(4, slot * 0.7);
  const scale = (height - bottom - 10) / max;
  const bars = periods.map((p, i) => {
    let y = height - bottom;
    const x = left + i * slot + (slot - bar) / 2;
    const parts = OUTCOMES.filter((o) => (p.replies[o.key] ?? 0) > 0).map((o) => {
      const h = (p.replies[o.key] ?? 0) * scale;
      y -= h;
      return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${o.colour}"><title>${p.day}: ${o.id} ${p.replies[o.key]} (${Math.round(100 * p.rates[o.key])}%)</title></rect>`;
    });
    return html`${parts}<text x="${(x + bar / 2).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="middle" fill="#5d6975">${p.day.slice(5)}</text>`;
  });
  return html`<figure class="chart"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Pertanyaan per periode menurut hasil · Questions per period by outcome">
<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#dde3ea"/><text x="0" y="14" font-size="10" fill="#5d6975">${max}</text>${bars}</svg>
<figcaption class="legend">${OUTCOMES.map((o) => html`<span><i class="swatch outcome-${o.key}" aria-hidden="true"></i>${both(o.id, o.en)}</span>`)}</figcaption></figure>`;
}

/** The range shown: the last 14 days, or the last 12 weeks (WIB). */
function rangeOf(now: Date, by: 'day' | 'week'): { from: string; to: string } {
  const to = wibDay(now);
  const days = by === 'day' ? 13 : 12 * 7 - 1;
  return { from: new Date(Date.parse(`${to}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10), to };
}

export function registerAnalyticsRoutes(router: ConsoleRouter, deps: KnowledgeConsoleDeps): void {
  const admin = { role: 'admin' } as const;
  const report = async (by: 'day' | 'week') => {
    await deps.flushStats();
    return statsReport(deps.store, rangeOf(deps.now(), by), by);
  };

  router.page(
    '/console/knowledge/analytics',
    async ({ req, res, frame }) => {
      const by = queryParam(req, 'by', 5) === 'week' ? 'week' : 'day';
      const periods = await report(by);
      const total = periods.reduce(
        (acc, p) => {
          for (const [k, n] of Object.entries(p.entries)) acc.entries[k] = (acc.entries[k] ?? 0) + n;
          for (const [k, v] of Object.entries(p.votes)) {
            const t = acc.votes[k] ?? { up: 0, down: 0 };
            acc.votes[k] = { up: t.up + v.up, down: t.down + v.down };
          }
          for (const [k, n] of Object.entries(p.langs)) acc.langs[k] = (acc.langs[k] ?? 0) + n;
          for (const [k, f] of Object.entries(p.flows)) {
            const t = acc.flows[k] ?? { started: 0, completed: 0, cancelled: {} };
            const cancelled: Record<string, number> = { ...t.cancelled };
            for (const [s, n] of Object.entries(f.cancelled)) cancelled[s] = (cancelled[s] ?? 0) + n;
            acc.flows[k] = { started: t.started + f.started, completed: t.completed + f.completed, cancelled };
          }
          return acc;
        },
        {
          entries: {} as Record<string, number>,
          votes: {} as Record<string, { up: number; down: number }>,
          langs: {} as Record<string, number>,
          flows: {} as Record<string, { started: number; completed: number; cancelled: Record<string, number> }>,
        },
      );
      const rows = periods.map(
        (p) =>
          html`<tr><td>${p.day}</td><td>${p.questions}</td>${OUTCOMES.map((o) => html`<td>${p.replies[o.key] ?? 0} (${Math.round(100 * p.rates[o.key])}%)</td>`)}</tr>`,
      );
      const top = Object.entries(total.entries)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10);
      const body = html`${tabs('/console/knowledge/analytics')}
<p><a href="?by=day"${by === 'day' ? html` aria-current="page"` : ''}>${both('Per hari (14 hari)', 'Per day (14 days)')}</a> · <a href="?by=week"${by === 'week' ? html` aria-current="page"` : ''}>${both('Per minggu (12 minggu)', 'Per week (12 weeks)')}</a> · <a href="/console/export/analytics.csv?by=${by}">CSV</a></p>
${outcomesChart(periods)}
<div class="table-wrap"><table id="periods"><thead><tr><th>${both('Periode', 'Period')}</th><th>${both('Pertanyaan', 'Questions')}</th>${OUTCOMES.map((o) => html`<th>${both(o.id, o.en)}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>
<div class="grid2"><section><h2>${both('Entri teratas', 'Top entries')}</h2>${
        top.length > 0
          ? html`<table><thead><tr><th>${both('Entri', 'Entry')}</th><th>${both('Dijawab', 'Answered')}</th><th>${both('Membantu', 'Helpful')}</th><th>${both('Tidak membantu', 'Not helpful')}</th></tr></thead><tbody>${top.map(([id, n]) => html`<tr><td><a href="/console/knowledge/entries/${id}"><code>${id}</code></a></td><td>${n}</td><td>${total.votes[id]?.up ?? 0}</td><td>${total.votes[id]?.down ?? 0}</td></tr>`)}</tbody></table>`
          : html`<p>${both('Belum ada.', 'None yet.')}</p>`
      }
<h2>${both('Penilaian per entri', 'Votes per entry')}</h2>${
        Object.keys(total.votes).length > 0
          ? html`<table><thead><tr><th>${both('Entri', 'Entry')}</th><th>${both('Membantu', 'Helpful')}</th><th>${both('Tidak membantu', 'Not helpful')}</th></tr></thead><tbody>${Object.entries(total.votes).map(([id, v]) => html`<tr><td><a href="/console/knowledge/entries/${id}"><code>${id}</code></a></td><td>${v.up}</td><td>${v.down}</td></tr>`)}</tbody></table>`
          : html`<p>${both('Belum ada penilaian.', 'No votes yet.')}</p>`
      }</section>
<section><h2>${both('Bahasa', 'Languages')}</h2><p>${Object.entries(total.langs)
        .map(([l, n]) => `${l}: ${n}`)
        .join(' · ')}</p>
<h2>${both('Alur', 'Flows')}</h2><table><thead><tr><th>${both('Alur', 'Flow')}</th><th>${both('Mulai', 'Started')}</th><th>${both('Selesai', 'Completed')}</th><th>${both('Dibatalkan di langkah', 'Cancelled at step')}</th></tr></thead>
<tbody>${Object.entries(total.flows).map(
        ([name, f]) =>
          html`<tr><td>${name}</td><td>${f.started}</td><td>${f.completed}</td><td>${Object.entries(f.cancelled)
            .map(([s, n]) => `${s} ${n}`)
            .join(', ')}</td></tr>`,
      )}</tbody></table></section></div>`;
      sendHtml(res, 200, page(frame('knowledge'), 'Analitik · Analytics', body));
    },
    admin,
  );

  router.download(
    '/console/export/analytics.csv',
    async ({ req, res }) => {
      const by = queryParam(req, 'by', 5) === 'week' ? 'week' : 'day';
      sendCsv(res, `analytics-${by}.csv`, statsCsv(await report(by)));
    },
    admin,
  );
}
