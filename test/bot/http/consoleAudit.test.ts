/**
 * "Staff see personal data only after signing in, and every view and export of it is audited", checked page by page
 * on the real server: the ticket, a search of the requests by address or name, the consents and their proof, the
 * suppression list and its search, the staff list, the four exports. The trail names a searched address only by
 * its mailbox hash and a name not at all; neither the trail, its CSV export nor the log holds a raw address.
 */
import { expect } from 'chai';
import { mailboxTarget } from '../../../domain/suppressionList.ts';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { captureLogger } from '../../support/mail.ts';
import { tempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };
const CUSTOMER = { email: 'siti.rahma@example.test', name: 'Siti Rahmawati' };
const PARENT = 'sri.ortu@example.test';
const CHILD = 'adi.remaja@example.test';
const UNSUBSCRIBED = 'rina.promo@example.test';
const ADDRESSES = [ADMIN.email, CUSTOMER.email, PARENT, CHILD, UNSUBSCRIBED];

describe('console audit: every view and export of personal data, never an address in the trail or the log', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  const log = captureLogger();
  let alice: ConsoleClient;
  let ticketId = '';
  let consentId = '';

  before(async () => {
    const dir = await tempDir('console-audit-');
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT }, {}, log.logger);
    cleanup = async () => {
      await running.app.close();
      await dir.remove();
    };
    const { app } = running;
    await app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    ticketId = await recordTicket(app, CUSTOMER);
    const consent = await app.services.consents.request({
      childName: 'Adi Pratama',
      childEmail: CHILD,
      childAge: 16,
      parentName: 'Sri Pratama',
      parentEmail: PARENT,
      lang: 'id',
      conversationId: 'audit-consent',
    });
    if (consent.status !== 'recorded') throw new Error(consent.status);
    consentId = consent.record.id;
    await app.services.unsubscribes.unsubscribe({ email: UNSUBSCRIBED, lang: 'id', conversationId: 'audit-promo' });
    alice = new ConsoleClient(running.base);
    await alice.signIn(ADMIN.email, ADMIN.password);
  });
  after(async () => cleanup());

  /** The audit entries written while `action` ran. */
  const entriesOf = async (action: () => Promise<unknown>) => {
    const before = (await readDbFile(running.dataDir)).audit.length;
    await action();
    return (await readDbFile(running.dataDir)).audit.slice(before);
  };
  const get = async (path: string) => {
    const response = await alice.get(path);
    expect(response.status, path).to.equal(200);
    return response;
  };

  it('the requests list is not audited (no personal data in it); a search of it by address, name or id is', async () => {
    expect(await entriesOf(() => get('/console/tickets'))).to.deep.equal([]);
    const [byAddress] = await entriesOf(() =>
      get(`/console/tickets?q=${encodeURIComponent('SITI.Rahma@example.test')}`),
    );
    expect(byAddress).to.deep.include({
      action: 'tickets.searched',
      target: mailboxTarget(CUSTOMER.email),
      details: { rows: '1', query: 'address' },
    });
    expect(byAddress?.actor).to.match(/^staff:stf_/);
    const [byName] = await entriesOf(() => get('/console/tickets?q=Rahmawati'));
    expect(byName).to.deep.include({ action: 'tickets.searched', details: { rows: '1', query: 'text' } });
    expect(byName).not.to.have.property('target');
    const [byId] = await entriesOf(() => get(`/console/tickets?q=${ticketId.toLowerCase()}`));
    expect(byId).to.deep.include({ target: ticketId, details: { rows: '1', query: 'id' } });
  });

  it('a ticket, the consents, their proof, the suppression list, its search and the staff list are audited', async () => {
    const cases: [string, string, string | undefined][] = [
      [`/console/tickets/${ticketId}`, 'ticket.viewed', ticketId],
      ['/console/consents', 'consents.listed', undefined],
      [`/console/consents?q=${encodeURIComponent(PARENT)}`, 'consents.listed', mailboxTarget(PARENT)],
      [`/console/consents/${consentId}`, 'consent.viewed', consentId],
      ['/console/unsubscribes', 'unsubscribes.listed', undefined],
      [
        `/console/unsubscribes?q=${encodeURIComponent(UNSUBSCRIBED)}`,
        'unsubscribes.listed',
        mailboxTarget(UNSUBSCRIBED),
      ],
      ['/console/staff', 'staff.listed', undefined],
    ];
    for (const [path, action, target] of cases) {
      const entries = await entriesOf(() => get(path));
      expect(
        entries.map((e) => [e.action, e.target]),
        path,
      ).to.deep.equal([[action, target]]);
    }
    for (const name of ['tickets', 'consents', 'unsubscribes', 'audit']) {
      const entries = await entriesOf(() => get(`/console/export/${name}.csv`));
      expect(entries.map((e) => e.action)).to.deep.equal([`export.${name}`]);
    }
  });

  it('neither the trail, its CSV export nor the log holds a raw address or the customer’s name', async () => {
    // Some refusals and failures too, which log.
    await new ConsoleClient(running.base).signIn(CUSTOMER.email, 'tebakan-salah-1');
    await alice.post('/console/unsubscribes/remove', { email: UNSUBSCRIBED, note: 'tanpa token' });
    await alice.get(`/console/tickets/${encodeURIComponent(CUSTOMER.email)}`);
    const trail = JSON.stringify((await readDbFile(running.dataDir)).audit);
    const csv = (await alice.get('/console/export/audit.csv')).body;
    const logged = log.text();
    expect(logged).to.contain('console form refused'); // the log was captured
    for (const text of [...ADDRESSES, CUSTOMER.name]) {
      expect(trail, text).not.to.contain(text);
      expect(csv.toLowerCase(), text).not.to.contain(text.toLowerCase());
      expect(logged.toLowerCase(), text).not.to.contain(text.toLowerCase());
    }
  });
});
