/**
 * The website chat in a real browser (headless Chromium through playwright-core), measured against the real app:
 *
 * a. Time until the page is usable: navigation start → the send box is enabled AND the welcome bubble is rendered
 *    (seen by a MutationObserver in the page, performance.now()), with DOMContentLoaded and load beside it.
 * b. Bytes on the wire: the sum of Network.loadingFinished encodedDataLength (headers + bodies as sent, i.e.
 *    compressed) over every HTTP request until the page is usable (+ a short settle), from the Chrome DevTools
 *    Protocol; Direct Line WebSocket payloads are counted apart. Cold: a fresh browser context (empty cache); warm: a
 *    second visit in the same context (a new tab: new conversation, cached files).
 * c. Enter → reply: a keydown listener (capture phase) stamps performance.now() when Enter is pressed in the send box;
 *    the MutationObserver stamps the moment the next bubble of the assistant is in the DOM. 20 different FAQ questions,
 *    one at a time; p50 / p95 against the 200 ms target.
 *
 * The app runs in this process (createApp on a loopback port, temp DATA_DIR). Its static files are compressed first
 * (GET / starts it, whenCompressed() waits for gzip and brotli), so compression time is not counted. Cold and warm
 * loads are repeated (--runs, default 3) and the median is shown with every run beside it.
 *
 *   npx tsx bench/webBench.ts [--json] [--runs <1-5>] [--messages <5-50>]
 *
 * `npm run bench` runs it after the matcher and HTTP sections (the last line of bench/run.ts calls afterMainBench()),
 * except with --only or --json. Without Chromium it prints why and measures nothing.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { type App, createApp } from '../bot/app.ts';
import { loadConfig } from '../bot/config.ts';
import { whenCompressed } from '../bot/http/staticAssets.ts';
import { createLogger } from '../bot/log/logger.ts';
import { TEXTS } from '../dialogs/replies/texts.ts';
import { buildMatcher } from '../knowledge/build.ts';
import { detectFlowRequest } from '../knowledge/flowIntent.ts';
import { readLabelled } from '../knowledge/labelled.ts';
import { loadKnowledgeFile } from '../knowledge/load.ts';
import { chromiumMissing, findChromium, launchChromium, WEB_CHAT, WELCOME_TEXT } from '../test/support/browser.ts';
import { cpuSnapshot, median, percentile } from './stats.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KNOWLEDGE_FILE = join(ROOT, 'knowledge', 'faq.yaml');
const QUESTIONS_FILE = join(ROOT, 'test', 'fixtures', 'questions.jsonl');

export const WEB_TARGETS = { replyP50Ms: 200 } as const;
const DEFAULT_RUNS = 3;
const DEFAULT_MESSAGES = 20;
/** After "usable": late requests of the first screen (the avatar of the welcome) are still counted. */
const SETTLE_MS = 500;
/** Pause between two questions (a person reads the answer); lets the previous answer finish rendering. */
const BETWEEN_MESSAGES_MS = 150;
const WAIT_MS = 30_000;

// --- in the page ------------------------------------------------------------------------------------------------

interface ReplyStamp {
  readonly enterAt: number;
  readonly replyAt: number;
  readonly text: string;
}

/** What the init script records in each page (window.__wowrackBench). */
interface PageProbe {
  usableAt?: number;
  readonly replies: ReplyStamp[];
}

declare global {
  interface Window {
    __wowrackBench?: PageProbe;
  }
}

interface ProbeSelectors {
  readonly sendBox: string;
  readonly botBubble: string;
  readonly welcome: string;
}

/**
 * Runs in the page before its own scripts (playwright addInitScript): the MutationObserver and the Enter stamp.
 * Sent as source text (see probeScript), so it may use nothing from this module.
 */
function installProbe(sel: ProbeSelectors): void {
  const probe: PageProbe = { replies: [] };
  window.__wowrackBench = probe;
  let bots = 0;
  let enterAt: number | undefined;
  const check = (): void => {
    const bubbles = document.querySelectorAll(sel.botBubble);
    if (probe.usableAt === undefined) {
      const box = document.querySelector(sel.sendBox);
      const form = box?.closest('form');
      const enabled =
        box instanceof HTMLInputElement || box instanceof HTMLTextAreaElement
          ? !box.disabled &&
            !box.readOnly &&
            box.getAttribute('aria-disabled') !== 'true' &&
            form?.getAttribute('aria-disabled') !== 'true'
          : false;
      const welcome = [...bubbles].some((b) => (b.textContent ?? '').includes(sel.welcome));
      if (enabled && welcome) probe.usableAt = performance.now();
    }
    if (bubbles.length > bots) {
      bots = bubbles.length;
      if (enterAt !== undefined) {
        const last = bubbles[bubbles.length - 1];
        probe.replies.push({ enterAt, replyAt: performance.now(), text: (last?.textContent ?? '').slice(0, 10_000) });
        enterAt = undefined;
      }
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['disabled', 'readonly', 'aria-disabled'],
  });
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' && event.target instanceof Element && event.target.matches(sel.sendBox))
        enterAt = performance.now();
    },
    true,
  );
}

/**
 * The init script. tsx (esbuild keepNames) rewrites `const f = () => …` into `const f = __name(() => …, "f")`, and the
 * page has no `__name`: a local one that returns the function makes the source run as written.
 */
const probeScript = (sel: ProbeSelectors): string =>
  `(() => { const __name = (f) => f; (${installProbe.toString()})(${JSON.stringify(sel)}); })();`;

// --- bytes on the wire (Chrome DevTools Protocol) ---------------------------------------------------------------

export type Part = 'page' | 'webchat' | 'assets' | 'directline' | 'other';
const PARTS: readonly Part[] = ['page', 'webchat', 'assets', 'directline', 'other'];

export interface PartBytes {
  /** Bytes received for the requests (headers + body as sent: compressed). */
  readonly bytes: number;
  /** Bodies after decompression. */
  readonly bodyBytes: number;
  readonly requests: number;
  readonly fromCache: number;
}

interface RequestInfo {
  part: Part;
  bytes: number;
  bodyBytes: number;
  fromCache: boolean;
}

function partOf(url: string, base: string): Part {
  if (!url.startsWith(base)) return 'other';
  const path = new URL(url).pathname;
  if (path === '/') return 'page';
  if (path.startsWith('/webchat/')) return 'webchat';
  if (path.startsWith('/assets/') || path === '/embed.js') return 'assets';
  if (path.startsWith('/v3/directline')) return 'directline';
  return 'other';
}

class NetworkMeter {
  private readonly requests = new Map<string, RequestInfo>();
  private webSocketBytes = 0;

  private constructor(private readonly base: string) {}

  static async attach(context: BrowserContext, page: Page, base: string): Promise<NetworkMeter> {
    const meter = new NetworkMeter(base);
    const cdp = await context.newCDPSession(page);
    const skipped = new Set<string>();
    const info = (id: string): RequestInfo => {
      if (skipped.has(id)) return { part: 'other', bytes: 0, bodyBytes: 0, fromCache: false }; // counted nowhere
      let found = meter.requests.get(id);
      if (!found) {
        found = { part: 'other', bytes: 0, bodyBytes: 0, fromCache: false };
        meter.requests.set(id, found);
      }
      return found;
    };
    cdp.on('Network.requestWillBeSent', (e) => {
      // data: and blob: URLs (Web Chat's inline images) never reach the network.
      if (/^(data|blob):/.test(e.request.url)) skipped.add(e.requestId);
      else info(e.requestId).part = partOf(e.request.url, meter.base);
    });
    cdp.on('Network.requestServedFromCache', (e) => {
      info(e.requestId).fromCache = true;
    });
    cdp.on('Network.responseReceived', (e) => {
      if (e.response.fromDiskCache || e.response.fromPrefetchCache) info(e.requestId).fromCache = true;
    });
    cdp.on('Network.dataReceived', (e) => {
      info(e.requestId).bodyBytes += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      info(e.requestId).bytes = e.encodedDataLength;
    });
    const frame = (e: { response: { payloadData: string; opcode: number } }) => {
      // Text frames are UTF-8; binary ones arrive base64-encoded.
      const { payloadData, opcode } = e.response;
      meter.webSocketBytes += opcode === 1 ? Buffer.byteLength(payloadData) : Buffer.from(payloadData, 'base64').length;
    };
    cdp.on('Network.webSocketFrameReceived', frame);
    cdp.on('Network.webSocketFrameSent', frame);
    await cdp.send('Network.enable');
    return meter;
  }

  totals(): { byPart: Record<Part, PartBytes>; webSocketBytes: number } {
    const byPart = Object.fromEntries(
      PARTS.map((p) => [p, { bytes: 0, bodyBytes: 0, requests: 0, fromCache: 0 }]),
    ) as Record<Part, { bytes: number; bodyBytes: number; requests: number; fromCache: number }>;
    for (const r of this.requests.values()) {
      const part = byPart[r.part];
      part.bytes += r.bytes;
      part.bodyBytes += r.bodyBytes;
      part.requests += 1;
      if (r.fromCache) part.fromCache += 1;
    }
    return { byPart, webSocketBytes: this.webSocketBytes };
  }
}

// --- measurements -----------------------------------------------------------------------------------------------

export interface LoadSample {
  /** Navigation start → send box enabled and welcome bubble in the DOM. */
  readonly usableMs: number;
  readonly domContentLoadedMs: number;
  readonly loadMs: number;
  /** HTTP bytes received (compressed, with headers), all requests until usable + SETTLE_MS. */
  readonly bytes: number;
  /** The same bodies decompressed. */
  readonly bodyBytes: number;
  readonly requests: number;
  readonly fromCache: number;
  readonly byPart: Readonly<Record<Part, PartBytes>>;
  /** Direct Line WebSocket payloads (both ways), not in `bytes`. */
  readonly webSocketBytes: number;
}

export interface ReplyResult {
  readonly messages: number;
  readonly samplesMs: readonly number[];
  readonly minMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly firstMs: number;
  /** Replies that quoted the statement (an answer, in either language), of `messages`. */
  readonly answered: number;
  /** The questions whose reply was not a quoted answer (did-you-mean, no answer …). */
  readonly notAnswered: readonly string[];
  /** Machine-wide busy cores while measuring (this process and the browser included): noise indicator. */
  readonly busyCores: number;
}

export interface WebBenchResult {
  readonly chromium: string;
  readonly runs: number;
  /** Server time to gzip + brotli the files before measuring (not part of any number below). */
  readonly compressMs: number;
  readonly cold: readonly LoadSample[];
  readonly warm: readonly LoadSample[];
  readonly reply: ReplyResult;
  readonly targetReplyP50Ms: number;
  readonly pass: boolean;
  readonly machine: { readonly cpus: number; readonly loadAverage1m: number };
}

export interface WebBenchOptions {
  readonly runs?: number;
  readonly messages?: number;
  readonly progress?: (line: string) => void;
}

const defaultProgress = (line: string): void => {
  process.stderr.write(`[bench] web: ${line}\n`);
};

/** Different FAQ questions that are answered from the statement and start no conversation, spread over the topics. */
export async function faqMessages(count: number): Promise<string[]> {
  // A matcher of its own: asking the app's would warm its cache with exactly the questions measured.
  const matcher = buildMatcher(await loadKnowledgeFile(KNOWLEDGE_FILE));
  const byEntry = new Map<string, string[]>();
  for (const { q } of readLabelled(QUESTIONS_FILE)) {
    const match = matcher.match(q);
    if (match.kind !== 'answer' || match.entry.kind !== 'policy' || detectFlowRequest(q, match)) continue;
    const list = byEntry.get(match.entry.id) ?? [];
    if (!list.includes(q)) list.push(q);
    byEntry.set(match.entry.id, list);
  }
  const picked: string[] = [];
  for (let round = 0; picked.length < count; round += 1) {
    const before = picked.length;
    for (const list of byEntry.values()) {
      const q = list[round];
      if (q !== undefined && picked.length < count) picked.push(q);
    }
    if (picked.length === before) break; // fewer questions than asked for
  }
  return picked;
}

async function loadPage(context: BrowserContext, base: string): Promise<{ page: Page; sample: LoadSample }> {
  const page = await context.newPage();
  const meter = await NetworkMeter.attach(context, page, base);
  await page.goto(`${base}/`, { waitUntil: 'load', timeout: WAIT_MS });
  await page.waitForFunction(() => window.__wowrackBench?.usableAt !== undefined, undefined, { timeout: WAIT_MS });
  await page.waitForTimeout(SETTLE_MS);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return {
      usable: window.__wowrackBench?.usableAt ?? Number.NaN,
      dcl: nav?.domContentLoadedEventEnd ?? Number.NaN,
      load: nav?.loadEventEnd ?? Number.NaN,
    };
  });
  const { byPart, webSocketBytes } = meter.totals();
  const all = Object.values(byPart);
  const sum = (f: (p: PartBytes) => number) => all.reduce((s, p) => s + f(p), 0);
  return {
    page,
    sample: {
      usableMs: timing.usable,
      domContentLoadedMs: timing.dcl,
      loadMs: timing.load,
      bytes: sum((p) => p.bytes),
      bodyBytes: sum((p) => p.bodyBytes),
      requests: sum((p) => p.requests),
      fromCache: sum((p) => p.fromCache),
      byPart,
      webSocketBytes,
    },
  };
}

async function measureReplies(page: Page, messages: readonly string[]): Promise<ReplyResult> {
  const box = page.locator(WEB_CHAT.sendBox);
  const before = cpuSnapshot();
  for (const [i, text] of messages.entries()) {
    await box.fill(text);
    await box.press('Enter');
    await page.waitForFunction((n) => (window.__wowrackBench?.replies.length ?? 0) >= n, i + 1, { timeout: WAIT_MS });
    await page.waitForTimeout(BETWEEN_MESSAGES_MS);
  }
  const after = cpuSnapshot();
  const replies = await page.evaluate(() => window.__wowrackBench?.replies ?? []);
  const samples = replies.map((r) => r.replyAt - r.enterAt);
  const sorted = [...samples].sort((a, b) => a - b);
  const quoted = (text: string) => text.includes(TEXTS.sourceNote.id) || text.includes(TEXTS.sourceNote.en);
  return {
    messages: messages.length,
    samplesMs: samples,
    minMs: sorted[0] ?? Number.NaN,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    firstMs: samples[0] ?? Number.NaN,
    answered: replies.filter((r) => quoted(r.text)).length,
    notAnswered: messages.filter((_, i) => !quoted(replies[i]?.text ?? '')),
    busyCores: (after.busyMs - before.busyMs) / Math.max(1, after.atMs - before.atMs),
  };
}

/** Measures the website chat in headless Chromium; undefined (and the reason on stderr) when there is no Chromium. */
export async function benchWebChat(options: WebBenchOptions = {}): Promise<WebBenchResult | undefined> {
  const progress = options.progress ?? defaultProgress;
  const runs = options.runs ?? DEFAULT_RUNS;
  const executable = findChromium();
  if (!executable) {
    process.stderr.write(`⚠️  WEB CHAT BENCH SKIPPED: ${chromiumMissing()}\n`);
    return undefined;
  }
  const messages = await faqMessages(options.messages ?? DEFAULT_MESSAGES);
  const dataDir = await mkdtemp(join(os.tmpdir(), 'wowrack-webbench-'));
  // Interrupted (bench/run.ts exits on SIGINT or its watchdog): the temp dir still goes; playwright ends Chromium.
  const removeDir = (): void => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDir);
  let app: App | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    progress('starting the assistant and Chromium');
    const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', KNOWLEDGE_FILE, DATA_DIR: dataDir });
    app = await createApp(config, createLogger('silent'));
    const base = `http://127.0.0.1:${await app.listen(0)}`;
    const compressStarted = performance.now();
    const first = await fetch(`${base}/`); // the first visit starts compressing the files
    await first.arrayBuffer();
    await whenCompressed();
    const compressMs = performance.now() - compressStarted;
    browser = await launchChromium(executable);
    const probe: ProbeSelectors = { sendBox: WEB_CHAT.sendBox, botBubble: WEB_CHAT.botBubble, welcome: WELCOME_TEXT };

    const cold: LoadSample[] = [];
    const warm: LoadSample[] = [];
    let replyPage: { context: BrowserContext; page: Page } | undefined;
    for (let run = 0; run < runs; run += 1) {
      // A new context: its own (empty) HTTP cache and storage.
      const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
      await context.addInitScript({ content: probeScript(probe) });
      progress(`run ${run + 1}/${runs}: cold load`);
      const first = await loadPage(context, base);
      cold.push(first.sample);
      await first.page.close();
      progress(`run ${run + 1}/${runs}: warm load`);
      const second = await loadPage(context, base);
      warm.push(second.sample);
      if (run === runs - 1) replyPage = { context, page: second.page };
      else await context.close();
    }
    if (!replyPage) throw new Error('no page to measure replies in');
    progress(`Enter → reply, ${messages.length} questions`);
    const reply = await measureReplies(replyPage.page, messages);
    await replyPage.context.close();
    return {
      chromium: browser.version(),
      runs,
      compressMs,
      cold,
      warm,
      reply,
      targetReplyP50Ms: WEB_TARGETS.replyP50Ms,
      pass: reply.p50Ms < WEB_TARGETS.replyP50Ms,
      machine: { cpus: os.cpus().length, loadAverage1m: os.loadavg()[0] ?? 0 },
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    process.off('exit', removeDir);
  }
}

// --- report -----------------------------------------------------------------------------------------------------

const num = (v: number, digits = 0): string =>
  Number.isFinite(v)
    ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';
const kb = (bytes: number): string => `${num(bytes / 1024, 1)} KB`;
const medianOf = (samples: readonly LoadSample[], f: (s: LoadSample) => number): number => median(samples.map(f));

/** Left-aligns the first column, right-aligns the rest. */
function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
          return i === 0 ? `  ${cell}${pad}` : `${pad}${cell}`;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatWebBench(r: WebBenchResult): string {
  const all = (samples: readonly LoadSample[], f: (s: LoadSample) => number) =>
    samples.map((s) => num(f(s))).join(' / ');
  const metrics: readonly (readonly [string, (s: LoadSample) => number])[] = [
    ['usable: send box + welcome, ms', (s) => s.usableMs],
    ['DOMContentLoaded, ms', (s) => s.domContentLoadedMs],
    ['load, ms', (s) => s.loadMs],
  ];
  const loadRows = [
    ['', 'cold (median)', 'warm (median)', 'cold runs', 'warm runs'],
    ...metrics.map(([label, f]) => [
      label,
      num(medianOf(r.cold, f)),
      num(medianOf(r.warm, f)),
      all(r.cold, f),
      all(r.warm, f),
    ]),
  ];
  const first = <T>(list: readonly T[]): T | undefined => list[0];
  const cold = first(r.cold);
  const warm = first(r.warm);
  const bytesRows: string[][] = [['', 'cold: sent', 'decoded', 'requests', 'warm: sent', 'requests (cached)']];
  if (cold && warm) {
    for (const part of PARTS) {
      const c = cold.byPart[part];
      const w = warm.byPart[part];
      if (c.requests + w.requests === 0) continue;
      bytesRows.push([
        `  ${part}`,
        kb(c.bytes),
        kb(c.bodyBytes),
        num(c.requests),
        kb(w.bytes),
        `${num(w.requests)} (${num(w.fromCache)})`,
      ]);
    }
    bytesRows.push([
      'total HTTP',
      kb(cold.bytes),
      kb(cold.bodyBytes),
      num(cold.requests),
      kb(warm.bytes),
      `${num(warm.requests)} (${num(warm.fromCache)})`,
    ]);
    bytesRows.push(['Direct Line WebSocket payloads', kb(cold.webSocketBytes), '', '', kb(warm.webSocketBytes), '']);
  }
  const x = r.reply;
  const replyRows = [
    ['', 'n', 'min', 'p50', 'p95', 'max', 'first', 'target p50', ''],
    [
      'Enter → reply bubble in the DOM, ms',
      num(x.messages),
      num(x.minMs, 1),
      num(x.p50Ms, 1),
      num(x.p95Ms, 1),
      num(x.maxMs, 1),
      num(x.firstMs, 1),
      `< ${r.targetReplyP50Ms} ms`,
      x.p50Ms < r.targetReplyP50Ms ? 'PASS' : 'FAIL',
    ],
  ];
  const lines = [
    `3. Website chat in headless Chromium ${r.chromium} (real app in this process, built-in Direct Line; ` +
      `files compressed beforehand in ${num(r.compressMs)} ms, not counted; ${r.runs} runs, median shown)`,
    table(loadRows),
    '',
    '  bytes on the wire until usable (+0.5 s): HTTP responses as sent (compressed, with headers), first run',
    table(bytesRows),
    '',
    table(replyRows),
    `  ${x.answered}/${x.messages} replies quoted the statement; machine busy ${num(x.busyCores, 2)} of ` +
      `${r.machine.cpus} cores meanwhile (browser and app included); load avg ${num(r.machine.loadAverage1m, 2)}`,
  ];
  if (x.notAnswered.length > 0)
    lines.push(`  not answered with a quote (still timed): ${x.notAnswered.map((q) => JSON.stringify(q)).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export function printWebBench(result: WebBenchResult | undefined): void {
  if (result) process.stdout.write(`\n${formatWebBench(result)}`);
}

// --- entry points -----------------------------------------------------------------------------------------------

/**
 * Section 3 of `npm run bench`: the last line of bench/run.ts calls this once its own sections are done (on
 * 'beforeExit', when its event loop is empty). Skipped with --only (one section was asked for) or --json (stdout is
 * one JSON document), and when the run failed.
 */
export async function afterMainBench(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (process.exitCode !== undefined && process.exitCode !== 0) return;
  if (argv.some((a) => a === '--only' || a.startsWith('--only='))) return;
  if (argv.includes('--json')) {
    defaultProgress('not part of --json: run npx tsx bench/webBench.ts --json');
    return;
  }
  try {
    printWebBench(await benchWebChat());
  } catch (error) {
    process.stderr.write(`web bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exitCode = 1;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      runs: { type: 'string', default: String(DEFAULT_RUNS) },
      messages: { type: 'string', default: String(DEFAULT_MESSAGES) },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npx tsx bench/webBench.ts [--json] [--runs <1-5>] [--messages <5-50>]\n');
    return;
  }
  const runs = Number(values.runs);
  const messages = Number(values.messages);
  if (!Number.isInteger(runs) || runs < 1 || runs > 5) throw new Error('--runs must be 1..5');
  if (!Number.isInteger(messages) || messages < 5 || messages > 50) throw new Error('--messages must be 5..50');
  const result = await benchWebChat({ runs, messages });
  if (values.json) process.stdout.write(`${JSON.stringify(result ?? { skipped: chromiumMissing() }, null, 2)}\n`);
  else printWebBench(result);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`web bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exitCode = 1;
  });
}
