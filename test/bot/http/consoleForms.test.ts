/**
 * What the console's forms do with bad or repeated input, on the real server: fields longer than their limit are
 * refused (never cut and kept), wrong types and missing fields are 4xx pages, a double click on "reply" sends one
 * mail, a closed ticket takes no reply, a disabled staff member cannot be assigned.
 */
import { expect } from 'chai';
import { type RunningApp, readDbFile, startApp } from '../../support/appHarness.ts';
import { ConsoleClient, formKeyOf, recordTicket, TEST_SCRYPT } from '../../support/consoleHarness.ts';
import { tempDir } from '../../support/tempDir.ts';

const ADMIN = { email: 'alice@wowrack.co.id', name: 'Alice Admin', password: 'kata-sandi-admin-1' };

describe('console forms: limits, types, repeats (real server)', function () {
  this.timeout(30_000);
  let running: RunningApp;
  let cleanup: () => Promise<void>;
  let alice: ConsoleClient;
  let csrf: string;

  before(async () => {
    const dir = await tempDir('console-forms-');
    cleanup = dir.remove;
    running = await startApp(dir.path, '', { scryptCost: TEST_SCRYPT });
    await running.app.services.console.staff.add({ ...ADMIN, role: 'admin' }, 'cli');
    alice = new ConsoleClient(running.base);
    await alice.signIn(ADMIN.email, ADMIN.password);
    csrf = await alice.csrf();
  });

  after(async () => {
    await running.app.close();
    await cleanup();
  });

  const ticketOf = async (id: string) => (await readDbFile(running.dataDir)).tickets.find((t) => t.id === id);
  const repliesOf = async (id: string) => (await ticketOf(id))?.replies ?? [];
  const outboxFor = async (id: string, purpose: string) =>
    (await readDbFile(running.dataDir)).outbox.filter((m) => m.ref === id && m.purpose === purpose);

  it('a reply, note or reason longer than its limit is refused with 400 and nothing is kept or sent (never cut)', async () => {
    const id = await recordTicket(running.app);
    const reply = await alice.post(`/console/tickets/${id}/reply`, { csrf, text: 'a'.repeat(20_001) });
    expect(reply.status).to.equal(400);
    expect(reply.body).to.contain('terlalu panjang').and.contain('20000');
    expect(await repliesOf(id)).to.have.length(0);
    expect(await outboxFor(id, 'ticket-reply')).to.have.length(0);
    const note = await alice.post(`/console/tickets/${id}/note`, { csrf, text: 'n'.repeat(5_001) });
    expect(note.status).to.equal(400);
    const reason = await alice.post(`/console/tickets/${id}/status`, {
      csrf,
      status: 'rejected',
      reason: 'r'.repeat(501),
    });
    expect(reason.status).to.equal(400);
    const staffName = await alice.post('/console/staff', {
      csrf,
      name: 'N'.repeat(101),
      email: 'panjang@wowrack.co.id',
      role: 'support',
      password: 'kata-sandi-panjang-1',
    });
    expect(staffName.status).to.equal(400);
    const ticket = await ticketOf(id);
    expect(ticket?.notes ?? []).to.have.length(0);
    expect(ticket?.status).to.equal(undefined);
    expect((await readDbFile(running.dataDir)).staff.map((s) => s.email)).not.to.include('panjang@wowrack.co.id');
    // At the limit it is accepted, whole.
    const exact = await alice.post(`/console/tickets/${id}/note`, { csrf, text: 'n'.repeat(5_000) });
    expect(exact.status).to.equal(303);
    expect((await ticketOf(id))?.notes?.[0]?.text).to.have.length(5_000);
  });

  it('missing fields, wrong types and unknown values are 4xx pages, never a 500', async () => {
    const id = await recordTicket(running.app);
    const cookie = [...alice.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const postJson = (path: string, body: unknown) =>
      fetch(`${running.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
        redirect: 'manual',
      });
    expect((await alice.post(`/console/tickets/${id}/status`, { csrf })).status).to.equal(400);
    expect((await alice.post(`/console/tickets/${id}/status`, { csrf, status: 'archived' })).status).to.equal(400);
    expect((await alice.post(`/console/tickets/${id}/reply`, { csrf })).status).to.equal(400);
    expect((await alice.post(`/console/tickets/${id}/note`, { csrf, text: '   ' })).status).to.equal(400);
    expect((await alice.post(`/console/tickets/${id}/assign`, { csrf, assignee: 'stf_nobody' })).status).to.equal(400);
    expect((await alice.post('/console/staff/role', { csrf, email: ADMIN.email, role: 'root' })).status).to.equal(400);
    expect((await alice.post('/console/unsubscribes/remove', { csrf, note: 'x' })).status).to.equal(404);
    // JSON with lists and numbers where text belongs.
    expect((await postJson(`/console/tickets/${id}/reply`, { csrf, text: ['a', 'b'] })).status).to.equal(400);
    expect((await postJson(`/console/tickets/${id}/note`, { csrf, text: 42 })).status).to.equal(400);
    expect((await postJson(`/console/tickets/${id}/status`, { csrf, status: { $ne: 1 } })).status).to.equal(400);
    // A repeated form field (a list) is not a value either.
    const repeated = await fetch(`${running.base}/console/tickets/${id}/note`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: `csrf=${encodeURIComponent(csrf)}&text=a&text=b`,
      redirect: 'manual',
    });
    expect(repeated.status).to.equal(400);
    expect((await repliesOf(id)).length).to.equal(0);
    expect((await ticketOf(id))?.notes ?? []).to.have.length(0);
  });

  it('a double click on "reply" (the same form posted twice) sends one mail and keeps one reply', async () => {
    const id = await recordTicket(running.app);
    const form = await alice.get(`/console/tickets/${id}`);
    const once = formKeyOf(form.body);
    expect(once).to.match(/^[\w-]{22}$/);
    const post = () => alice.post(`/console/tickets/${id}/reply`, { csrf, once, text: 'Halo, ini jawaban kami.' });
    const [first, second] = await Promise.all([post(), post()]);
    expect([first.status, second.status]).to.deep.equal([303, 303]);
    const third = await post();
    expect(third.status).to.equal(303);
    expect(await repliesOf(id)).to.have.length(1);
    expect(await outboxFor(id, 'ticket-reply')).to.have.length(1);
    const audit = (await readDbFile(running.dataDir)).audit.filter((e) => e.target === id);
    expect(audit.filter((e) => e.action === 'ticket.replied')).to.have.length(1);
    // A new page has a new key: a second, deliberate reply goes out.
    const again = formKeyOf((await alice.get(`/console/tickets/${id}`)).body);
    expect(again).not.to.equal(once);
    await alice.post(`/console/tickets/${id}/reply`, { csrf, once: again, text: 'Satu hal lagi.' });
    expect(await outboxFor(id, 'ticket-reply')).to.have.length(2);
    // The same for notes.
    const noteKey = formKeyOf((await alice.get(`/console/tickets/${id}`)).body);
    for (let i = 0; i < 2; i += 1)
      await alice.post(`/console/tickets/${id}/note`, { csrf, once: noteKey, text: 'Dicek lewat telepon.' });
    expect((await ticketOf(id))?.notes).to.have.length(1);
  });

  it('a resolved or rejected ticket takes no reply and no note (409) until reopened', async () => {
    const id = await recordTicket(running.app, { kind: 'question' });
    await alice.post(`/console/tickets/${id}/status`, { csrf, status: 'rejected', reason: 'bukan permintaan nyata' });
    expect((await ticketOf(id))?.status).to.equal('rejected');
    const reply = await alice.post(`/console/tickets/${id}/reply`, { csrf, text: 'Halo' });
    expect(reply.status).to.equal(409);
    expect((await alice.post(`/console/tickets/${id}/note`, { csrf, text: 'x' })).status).to.equal(409);
    const page = await alice.get(`/console/tickets/${id}`);
    expect(page.body).not.to.contain(`action="/console/tickets/${id}/reply"`);
    await alice.post(`/console/tickets/${id}/status`, { csrf, status: 'in-progress' });
    await alice.post(`/console/tickets/${id}/status`, { csrf, status: 'resolved' });
    expect((await alice.post(`/console/tickets/${id}/reply`, { csrf, text: 'Halo' })).status).to.equal(409);
    expect(await outboxFor(id, 'ticket-reply')).to.have.length(0);
  });

  it('a disabled staff member cannot be assigned (400) and is not offered', async () => {
    const { staff } = running.app.services.console;
    const member = await staff.add(
      { email: 'eko@wowrack.co.id', name: 'Eko Nonaktif', role: 'support', password: 'kata-sandi-eko-01' },
      'cli',
    );
    await staff.setDisabled('eko@wowrack.co.id', true, 'cli');
    const id = await recordTicket(running.app);
    const page = await alice.get(`/console/tickets/${id}`);
    expect(page.body).not.to.contain(`value="${member.id}"`);
    const assign = await alice.post(`/console/tickets/${id}/assign`, { csrf, assignee: member.id });
    expect(assign.status).to.equal(400);
    expect(assign.body).to.contain('nonaktif');
    expect((await ticketOf(id))?.assigneeId).to.equal(undefined);
  });
});
