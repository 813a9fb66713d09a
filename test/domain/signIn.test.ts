import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { verifyAuditChain } from '../../domain/audit.ts';
import type { StaffRecord } from '../../domain/records.ts';
import { SignInService, type StaffCredentials } from '../../domain/signIn.ts';
import { SignInThrottle } from '../../domain/signInThrottle.ts';
import { StaffSessionService } from '../../domain/staffSessions.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const member = (totp: boolean): StaffRecord => ({
  id: 'stf_00000000000000aa',
  email: 'alice@wowrack.co.id',
  name: 'Alice',
  role: 'support',
  passwordHash: 'scrypt$x',
  disabled: false,
  createdAt: '2026-12-01T00:00:00.000Z',
  passwordChangedAt: '2026-12-01T00:00:00.000Z',
  ...(totp ? { totpEnabled: true, totpSecret: 'X' } : {}),
});

/** Password "correct horse battery", code "123456". */
const credentials = (staff: StaffRecord): StaffCredentials => ({
  checkPassword: async (email, password) =>
    email === staff.email && password === 'correct horse battery' ? staff : undefined,
  checkTotp: async (_id, code) => code === '123456',
});

describe('domain/signIn: password, second factor, limits and audit', () => {
  let at: number;
  let store: LowdbRequestStore;
  const build = async (staff: StaffRecord) => {
    await store.transaction((tx) => tx.staff.add(staff));
    const now = () => new Date(at);
    const sessions = new StaffSessionService({ store, now, idleMs: 8 * 3_600_000 });
    const throttle = new SignInThrottle(now);
    return { sessions, signIn: new SignInService({ store, now, credentials: credentials(staff), sessions, throttle }) };
  };
  const audit = () => store.transaction((tx) => tx.audit.list());

  beforeEach(() => {
    at = Date.parse('2026-12-02T03:00:00Z');
    store = new LowdbRequestStore(new MemoryDb());
  });

  it('opens a session for the right password and audits it', async () => {
    const { signIn, sessions } = await build(member(false));
    const result = await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c1');
    expect(result.status).to.equal('signed-in');
    if (result.status !== 'signed-in') return;
    expect((await sessions.resolve(result.session.id))?.staff.id).to.equal('stf_00000000000000aa');
    await signIn.signOut(result.session.id, result.staff);
    expect(await sessions.resolve(result.session.id)).to.equal(undefined);
    const entries = await audit();
    expect(entries.map((e) => e.action)).to.deep.equal(['signin.succeeded', 'signout']);
    expect(entries[0]?.actor).to.equal('staff:stf_00000000000000aa');
    expect(verifyAuditChain(entries).ok).to.equal(true);
  });

  it("a sign-in ends the browser's earlier session (never reuses it); a failed one leaves it alone", async () => {
    const { signIn, sessions } = await build(member(false));
    const first = await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c1');
    if (first.status !== 'signed-in') throw new Error(first.status);
    expect((await signIn.signIn('alice@wowrack.co.id', 'wrong', 'c1', first.session.id)).status).to.equal('refused');
    expect(await sessions.resolve(first.session.id)).not.to.equal(undefined);
    const second = await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c1', first.session.id);
    if (second.status !== 'signed-in') throw new Error(second.status);
    expect(second.session.id).not.to.equal(first.session.id);
    expect(await sessions.resolve(first.session.id)).to.equal(undefined);
    expect(await sessions.resolve(second.session.id)).not.to.equal(undefined);
  });

  it('refuses a wrong password and an unknown address alike, audits without the address, then throttles', async () => {
    const { signIn } = await build(member(false));
    const results: string[] = [];
    for (let i = 0; i < 6; i += 1)
      results.push((await signIn.signIn('alice@wowrack.co.id', `guess ${i}`, 'c1')).status);
    results.push((await signIn.signIn('nobody@example.test', 'x', 'c9')).status);
    // Five failures are free; the sixth sets a 2 s wait for the account and the client.
    expect(results).to.deep.equal(['refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused']);
    expect((await signIn.signIn('alice@wowrack.co.id', 'guess 7', 'c1')).status).to.equal('throttled');
    // Even the right password waits while the account is held back.
    const held = await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c2');
    expect(held.status).to.equal('throttled');
    if (held.status === 'throttled') expect(held.retryAfterSeconds).to.be.within(1, 3);
    at += 3_000;
    expect((await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c2')).status).to.equal('signed-in');
    const entries = await audit();
    expect(entries.filter((e) => e.action === 'signin.failed')).to.have.length(7);
    expect(entries.filter((e) => e.action === 'signin.throttled')).to.have.length(2);
    expect(JSON.stringify(entries)).not.to.contain('@');
  });

  it('with a second factor: the password opens only a pending session; the code opens a new one', async () => {
    const { signIn, sessions } = await build(member(true));
    const first = await signIn.signIn('alice@wowrack.co.id', 'correct horse battery', 'c1');
    expect(first.status).to.equal('second-factor');
    if (first.status !== 'second-factor') return;
    expect((await sessions.resolve(first.session.id))?.session.pendingSecondFactor).to.equal(true);
    expect((await signIn.secondFactor(first.session.id, '000000', 'c1', first.staff)).status).to.equal('refused');
    const done = await signIn.secondFactor(first.session.id, '123 456', 'c1', first.staff);
    expect(done.status).to.equal('signed-in');
    if (done.status !== 'signed-in') return;
    expect(done.session.id).not.to.equal(first.session.id);
    expect(await sessions.resolve(first.session.id)).to.equal(undefined);
    const actions = (await audit()).map((e) => e.action);
    expect(actions).to.deep.equal(['signin.password-accepted', 'signin.failed', 'signin.succeeded']);
  });
});
