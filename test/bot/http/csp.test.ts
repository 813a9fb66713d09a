/**
 * Finding 18 of issue 8: the chat page's connect-src allowed `ws: wss:` (a WebSocket to any host). Now only 'self'
 * and, in Azure mode, the configured Direct Line origin. CSP 3 lets 'self' match the page's own ws: origin: checked
 * in Chromium, where the page's Direct Line stream must still open under the policy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { chatPageCsp } from '../../../bot/http/chatPage.ts';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { chromiumMissing, findChromium, launchChromium, WEB_CHAT, WELCOME_TEXT } from '../../support/browser.ts';

const connectSrc = (csp: string): string => /(?:^|; )connect-src ([^;]*)/.exec(csp)?.[1] ?? '';

describe("chat page CSP: connect-src is 'self' and the configured Direct Line only", () => {
  it("built-in Direct Line: 'self' alone (no ws:, no wss:, no Azure host)", () => {
    expect(connectSrc(chatPageCsp(["'self'"]))).to.equal("'self'");
  });

  it('Azure mode: the configured endpoint (https and wss), the global one only when it is the one configured', () => {
    expect(connectSrc(chatPageCsp(["'self'"], 'https://directline.botframework.com/v3/directline'))).to.equal(
      "'self' https://directline.botframework.com wss://directline.botframework.com",
    );
    expect(connectSrc(chatPageCsp(["'self'"], 'https://europe.directline.botframework.com/v3/directline'))).to.equal(
      "'self' https://europe.directline.botframework.com wss://europe.directline.botframework.com",
    );
  });

  describe('in headless Chromium (real app, built-in Direct Line)', function () {
    this.timeout(60_000);
    let browser: Browser | undefined;
    let running: RunningApp | undefined;
    let dataDir = '';

    before(async function () {
      const executable = findChromium();
      if (!executable) {
        process.stderr.write(`\n⚠️  CSP BROWSER TEST SKIPPED: ${chromiumMissing()}\n\n`);
        this.skip();
        return;
      }
      dataDir = await mkdtemp(join(tmpdir(), 'wowrack-csp-'));
      [browser, running] = await Promise.all([launchChromium(executable), startApp(dataDir, '')]);
    });
    after(async () => {
      await browser?.close();
      await running?.app.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("the page's WebSocket to its own host opens under 'self', with no CSP violation, and carries the welcome", async () => {
      if (!browser || !running) throw new Error('not started');
      const context = await browser.newContext();
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) => {
          // biome-ignore lint/suspicious/noConsole: runs in the page; its console is what the test listens to
          console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
        });
      });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') violations.push(message.text());
      });
      const streamOrigin = running.base.replace(/^http:/, 'ws:');
      const opened = page.waitForEvent('websocket', (ws) => ws.url().startsWith(`${streamOrigin}/v3/directline/`));
      const response = await page.goto(`${running.base}/`);
      expect(connectSrc((await response?.allHeaders())?.['content-security-policy'] ?? '')).to.equal("'self'");
      const socket = await opened;
      const welcome = socket.waitForEvent('framereceived', {
        predicate: (frame) => String(frame.payload).includes('welcome'),
        timeout: 15_000,
      });
      await welcome;
      await page.locator(WEB_CHAT.botBubble, { hasText: WELCOME_TEXT }).first().waitFor({ timeout: 15_000 });
      expect(socket.isClosed()).to.equal(false);
      expect(violations).to.deep.equal([]);
      await context.close();
    });
  });
});
