/**
 * Deadlines in the console on the real server with a moving clock: the dashboard's "due today", "due within 24 h"
 * and "overdue" tiles link to the list filtered the same way (their number is the number of rows there), and the
 * server renders each countdown with the colour class of its urgency (console.js keeps the same classes).
 */
import { expect } from 'chai';
import { type RunningApp, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { FakeClock } from '../../support/mail.ts';
import { tempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };
const HOUR_MS = 3_600_000;
/** 12:00 WIB on Wednesday 2 December 2026. */
const NOON_WIB = Date.parse('2026-12-02T05:00:00.000Z');

describe('console deadlines: dashboard tiles lead to their lists; countdown colours (real server, moving clock)', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  let clock: FakeClock;
  let alice: ConsoleClient;
  const ids: Record<'overdue' | 'tonight' | 'tomorrow' | 'later', string> = {
    overdue: '',
    tonight: '',
    tomorrow: '',
    later: '',
  };

  before(async () => {
    const dir = await tempDir('console-deadlines-');
    cleanup = dir.remove;
    // Copy requests (3×24 h), recorded so that at noon WIB one is 8 h overdue, one is due at 22:00 WIB tonight, one
    // at 05:00 WIB tomorrow, one in three days.
    clock = new FakeClock(NOON_WIB - 80 * HOUR_MS);
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT, now: clock.now });
    await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    ids.overdue = await recordTicket(running.app, { email: 'a@example.test' });
    clock.advance(18 * HOUR_MS); // noon − 62 h
    ids.tonight = await recordTicket(running.app, { email: 'b@example.test' });
    clock.advance(7 * HOUR_MS); // noon − 55 h
    ids.tomorrow = await recordTicket(running.app, { email: 'c@example.test' });
    clock.advance(55 * HOUR_MS); // noon
    ids.later = await recordTicket(running.app, { email: 'd@example.test' });
    alice = new ConsoleClient(running.base);
    await alice.signIn(ADMIN.email, ADMIN.password);
  });

  after(async () => {
    await running.app.close();
    await cleanup();
  });

  /** The request ids listed in a page's table, in order. */
  const listed = (body: string): string[] =>
    [...body.matchAll(/<tr class="row-[^"]*"><td[^>]*><a href="\/console\/tickets\/(PRV-[\d-]+)">/g)].map(
      (m) => m[1] ?? '',
    );

  /** The dashboard's tiles: label → [number, link]. */
  const tiles = (body: string): Map<string, [number, string]> =>
    new Map(
      [...body.matchAll(/<a class="tile[^"]*" href="([^"]+)"><b>(\d+)<\/b>([^<]+)/g)].map((m) => [
        (m[3] ?? '').replaceAll('&#60;', '<').trim(),
        [Number(m[2]), (m[1] ?? '').replaceAll('&#38;', '&')],
      ]),
    );

  it("each deadline tile links to the list filtered by its rule, and shows that list's length", async () => {
    const dashboard = await alice.get('/console');
    const found = tiles(dashboard.body);
    const expected: [string, number, string[]][] = [
      ['Jatuh tempo hari ini', 2, [ids.overdue, ids.tonight]], // due 04:00 WIB today (past) and 22:00 WIB
      ['Tenggat < 24 jam', 2, [ids.tonight, ids.tomorrow]],
      ['Terlambat', 1, [ids.overdue]],
    ];
    for (const [label, count, tickets] of expected) {
      const [number, href] = found.get(label) ?? [-1, ''];
      expect(number, label).to.equal(count);
      expect(href, label).to.match(/^\/console\/tickets\?status=open&when=(today|within-24h|overdue)$/);
      const list = await alice.get(href);
      expect(list.status).to.equal(200);
      expect(listed(list.body), label).to.deep.equal(tickets);
    }
    // The plain list has them all, soonest due first.
    expect(listed((await alice.get('/console/tickets')).body)).to.deep.equal([
      ids.overdue,
      ids.tonight,
      ids.tomorrow,
      ids.later,
    ]);
  });

  it('the server renders each countdown with its colour class: overdue, due soon (< 24 h), ok', async () => {
    const body = (await alice.get('/console/tickets')).body;
    const classOf = (id: string) =>
      new RegExp(`${id}</a></td>\\s*<td[^>]*><time [^>]*class="([^"]+)"`).exec(body)?.[1] ?? 'none';
    expect(classOf(ids.overdue)).to.equal('due-overdue');
    expect(classOf(ids.tonight)).to.equal('due-soon');
    expect(classOf(ids.tomorrow)).to.equal('due-soon');
    expect(classOf(ids.later)).to.equal('due-ok');
  });

  it("across WIB midnight tomorrow's ticket becomes due today", async () => {
    clock.advance(11 * HOUR_MS + 59 * 60_000); // 23:59 WIB
    await alice.signIn(ADMIN.email, ADMIN.password); // the session went idle for longer than 8 hours
    const before = tiles((await alice.get('/console')).body).get('Jatuh tempo hari ini')?.[0];
    clock.advance(2 * 60_000); // 00:01 WIB on the 3rd
    const list = await alice.get('/console/tickets?status=open&when=today');
    expect(before).to.equal(2);
    expect(listed(list.body)).to.deep.equal([ids.tomorrow]);
    expect(tiles((await alice.get('/console')).body).get('Jatuh tempo hari ini')?.[0]).to.equal(1);
  });
});
