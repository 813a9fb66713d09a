/**
 * Headless Chromium for the browser tests (test/browser) and the web benchmark (bench/webBench.ts): where the
 * browser is, how it is launched, and the Web Chat 4.18 elements both look for.
 *
 * Debian's chromium (/usr/bin/chromium) is used through playwright-core; no browser is downloaded. Each launch gets
 * a fresh temporary profile (playwright's default for launch()), removed when the browser closes.
 */
import { delimiter, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { TEXTS } from '../../dialogs/replies/texts.ts';
import { executable } from './executable.ts';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (containers), and nothing that would reach outside this machine. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** CHROMIUM_PATH when set, else /usr/bin/chromium, else `chromium` on PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  if (executable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'chromium');
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** Why there is no browser, in one line (for the skip warning of the tests and the benchmark). */
export function chromiumMissing(env: NodeJS.ProcessEnv = process.env): string {
  const where = env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable`
    : `chromium not found at ${DEFAULT_CHROMIUM} nor on PATH`;
  return `${where} — install Debian's chromium (apt-get install chromium)`;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

/**
 * A console page in a fresh context (desktop size, Indonesian, downloads on) that reports into `problems` every CSP
 * violation, console error (4xx answers aside) and uncaught error, and accepts confirmation dialogs.
 */
export async function openCheckedPage(
  browser: Browser,
  problems: string[],
): Promise<{ readonly context: BrowserContext; readonly page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'id-ID',
    acceptDownloads: true,
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      // biome-ignore lint/suspicious/noConsole: runs in the page; its console is what the test listens to
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('status of 4')) problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page };
}

/** Web Chat 4.18 markup (class names and data-id are part of its styling/test surface). */
export const WEB_CHAT = {
  sendBox: '[data-id="webchat-sendbox-input"]',
  bubble: '.webchat__bubble',
  botBubble: '.webchat__bubble:not(.webchat__bubble--from-user)',
  userBubble: '.webchat__bubble--from-user',
  suggestedActions: '.webchat__suggested-actions',
  /** The scrolling transcript. */
  transcript: '.webchat__basic-transcript__scrollable',
} as const;

/** A piece of the welcome message (the greeting), as the page shows it. */
export const WELCOME_TEXT: string = TEXTS.greeting.id;
