import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import type { StaffRecord } from '../../domain/records.ts';
import { csrfMatches, StaffSessionService } from '../../domain/staffSessions.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const HOUR = 3_600_000;

describe('domain/staffSessions: server-side console sessions', () => {
  let at: number;
  let store: LowdbRequestStore;
  let sessions: StaffSessionService;
  const member: StaffRecord = {
    id: 'stf_0123456789abcdef',
    email: 'alice@wowrack.co.id',
    name: 'Alice',
    role: 'admin',
    passwordHash: 'scrypt$x',
    disabled: false,
    createdAt: '2026-12-01T00:00:00.000Z',
    passwordChangedAt: '2026-12-01T00:00:00.000Z',
  };

  beforeEach(async () => {
    at = Date.parse('2026-12-02T03:00:00Z');
    store = new LowdbRequestStore(new MemoryDb());
    sessions = new StaffSessionService({ store, now: () => new Date(at), idleMs: 8 * HOUR });
    await store.transaction((tx) => tx.staff.add(member));
  });

  it('hands out a 256-bit id and keeps only its hash', async () => {
    const opened = await sessions.open(member.id, false);
    expect(opened.id).to.match(/^[A-Za-z0-9_-]{43}$/);
    const stored = await store.transaction((tx) => tx.sessions.get('x'));
    expect(stored).to.equal(undefined);
    const active = await sessions.resolve(opened.id);
    expect(active?.staff.id).to.equal(member.id);
    expect(active?.session.idHash).to.have.length(64);
    expect(active?.session.idHash).not.to.contain(opened.id);
    if (!active) throw new Error('no session');
    expect(csrfMatches(active.session, opened.csrfToken)).to.equal(true);
    expect(csrfMatches(active.session, `${opened.csrfToken.slice(0, -1)}x`)).to.equal(false);
    expect(csrfMatches(active.session, undefined)).to.equal(false);
  });

  it('ends after the idle time, but each use keeps it alive', async () => {
    const { id } = await sessions.open(member.id, false);
    at += 7 * HOUR;
    expect(await sessions.resolve(id)).not.to.equal(undefined);
    at += 7 * HOUR;
    expect(await sessions.resolve(id)).not.to.equal(undefined);
    at += 8 * HOUR + 1;
    expect(await sessions.resolve(id)).to.equal(undefined);
    at -= 8 * HOUR; // gone for good, not merely idle
    expect(await sessions.resolve(id)).to.equal(undefined);
  });

  it('refuses forged, closed, disabled and pre-password-change sessions', async () => {
    expect(await sessions.resolve('not-a-session')).to.equal(undefined);
    expect(await sessions.resolve(undefined)).to.equal(undefined);
    const first = await sessions.open(member.id, false);
    await sessions.close(first.id);
    expect(await sessions.resolve(first.id)).to.equal(undefined);

    const second = await sessions.open(member.id, false);
    at += HOUR;
    await store.transaction((tx) => tx.staff.replace({ ...member, passwordChangedAt: new Date(at).toISOString() }));
    expect(await sessions.resolve(second.id)).to.equal(undefined);

    const third = await sessions.open(member.id, false);
    await store.transaction((tx) => tx.staff.replace({ ...member, disabled: true }));
    expect(await sessions.resolve(third.id)).to.equal(undefined);
  });

  it('a session waiting for the second factor is replaced by a new id when it is given', async () => {
    const pending = await sessions.open(member.id, true);
    expect((await sessions.resolve(pending.id))?.session.pendingSecondFactor).to.equal(true);
    const full = await sessions.completeSecondFactor(pending.id);
    if (!full) throw new Error('no full session');
    expect(full.id).to.be.a('string').and.not.equal(pending.id);
    expect(await sessions.resolve(pending.id)).to.equal(undefined);
    expect((await sessions.resolve(full.id))?.session.pendingSecondFactor).to.equal(undefined);
    expect(await sessions.completeSecondFactor(full.id)).to.equal(undefined);
  });

  it('a session waiting for the second factor ends 10 minutes after the password, however it is used', async () => {
    const pending = await sessions.open(member.id, true);
    at += 9 * 60_000;
    expect(await sessions.resolve(pending.id)).not.to.equal(undefined);
    at += 61_000;
    expect(await sessions.resolve(pending.id)).to.equal(undefined);
    expect(await sessions.completeSecondFactor(pending.id)).to.equal(undefined);
    // A full session is not cut short by it.
    const full = await sessions.open(member.id, false);
    at += 60 * 60_000;
    expect(await sessions.resolve(full.id)).not.to.equal(undefined);
  });
});
