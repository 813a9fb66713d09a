import { expect } from 'chai';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { verifyAuditChain } from '../../domain/audit.ts';
import { hashPassword, StaffError, StaffService, verifyPassword } from '../../domain/staff.ts';
import { StaffSessionService } from '../../domain/staffSessions.ts';
import { totpCode } from '../../domain/totp.ts';
import { TEST_SCRYPT } from '../support/consoleHarness.ts';
import { MemoryDb } from '../support/memoryDb.ts';

const PASSWORD = 'kata-sandi-panjang-1';

const refused = async (work: Promise<unknown>, reason: string): Promise<void> => {
  try {
    await work;
  } catch (error) {
    expect(error).to.be.instanceOf(StaffError);
    expect(error).to.have.property('reason', reason);
    return;
  }
  expect.fail(`expected StaffError ${reason}`);
};

describe('domain/staff: console accounts', () => {
  let at: number;
  let db: MemoryDb;
  let store: LowdbRequestStore;
  let staff: StaffService;
  const now = () => new Date(at);

  beforeEach(() => {
    at = Date.parse('2026-12-02T03:00:00Z');
    db = new MemoryDb();
    store = new LowdbRequestStore(db);
    staff = new StaffService({ store, now, scryptCost: TEST_SCRYPT });
  });

  it('hashes passwords with scrypt and a salt; verifies only the right one', async () => {
    const hash = await hashPassword(PASSWORD, TEST_SCRYPT);
    expect(hash).to.match(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hashPassword(PASSWORD, TEST_SCRYPT)).not.to.equal(hash);
    expect(await verifyPassword(PASSWORD, hash)).to.equal(true);
    expect(await verifyPassword(`${PASSWORD}x`, hash)).to.equal(false);
    expect(await verifyPassword(PASSWORD, 'bcrypt$whatever')).to.equal(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$99999999$8$1$AAAA$AAAA')).to.equal(false);
  });

  it('adds an account (address lower-cased, never a second one), audited without the password', async () => {
    const alice = await staff.add(
      { email: 'Alice@Wowrack.co.id', name: ' Alice  A ', role: 'admin', password: PASSWORD },
      'cli',
    );
    expect(alice).to.include({ email: 'alice@wowrack.co.id', name: 'Alice A', role: 'admin', disabled: false });
    expect(alice.id).to.match(/^stf_[0-9a-f]{16}$/);
    expect(alice.passwordHash).not.to.contain(PASSWORD);
    await refused(
      staff.add({ email: 'alice@wowrack.co.id', name: 'A', role: 'support', password: PASSWORD }, 'cli'),
      'exists',
    );
    await refused(
      staff.add({ email: 'not an address', name: 'A', role: 'support', password: PASSWORD }, 'cli'),
      'email',
    );
    await refused(
      staff.add({ email: 'b@wowrack.co.id', name: '', role: 'support', password: PASSWORD }, 'cli'),
      'name',
    );
    await refused(
      staff.add({ email: 'b@wowrack.co.id', name: 'B', role: 'support', password: 'short' }, 'cli'),
      'password',
    );
    const data = db.snapshot();
    expect(data.staff).to.have.length(1);
    expect(data.audit.map((e) => [e.actor, e.action, e.target])).to.deep.equal([['cli', 'staff.added', alice.id]]);
    expect(JSON.stringify(data.audit)).not.to.contain(PASSWORD);
  });

  it('signs in only an enabled account with its password; an unknown address costs a hash too', async () => {
    await staff.add({ email: 'budi@wowrack.co.id', name: 'Budi', role: 'support', password: PASSWORD }, 'cli');
    expect((await staff.checkPassword('BUDI@wowrack.co.id', PASSWORD))?.email).to.equal('budi@wowrack.co.id');
    expect(await staff.checkPassword('budi@wowrack.co.id', 'wrong-password-1')).to.equal(undefined);
    expect(await staff.checkPassword('nobody@wowrack.co.id', PASSWORD)).to.equal(undefined);
    expect(await staff.checkPassword('garbage', PASSWORD)).to.equal(undefined);
  });

  it('disabling ends the sessions; the last enabled admin stays', async () => {
    const sessions = new StaffSessionService({ store, now, idleMs: 3_600_000 });
    const alice = await staff.add(
      { email: 'alice@wowrack.co.id', name: 'Alice', role: 'admin', password: PASSWORD },
      'cli',
    );
    const budi = await staff.add(
      { email: 'budi@wowrack.co.id', name: 'Budi', role: 'support', password: PASSWORD },
      'cli',
    );
    const opened = await sessions.open(budi.id, false);
    await refused(staff.setDisabled(alice.email, true, 'cli'), 'last-admin');
    await refused(staff.setRole(alice.email, 'support', 'cli'), 'last-admin');
    await staff.setDisabled(budi.email, true, `staff:${alice.id}`);
    expect(await sessions.resolve(opened.id)).to.equal(undefined);
    expect(await staff.checkPassword(budi.email, PASSWORD)).to.equal(undefined);
    await staff.setRole(budi.email, 'admin', 'cli');
    await staff.setDisabled(budi.email, false, 'cli');
    await staff.setDisabled(alice.email, true, 'cli'); // another admin is enabled now
    await refused(staff.setDisabled('nobody@wowrack.co.id', true, 'cli'), 'unknown');
    const actions = db.snapshot().audit.map((e) => e.action);
    expect(actions).to.deep.equal([
      'staff.added',
      'staff.added',
      'staff.disabled',
      'staff.role-changed',
      'staff.enabled',
      'staff.disabled',
    ]);
    expect(verifyAuditChain(db.snapshot().audit).ok).to.equal(true);
  });

  it('a password reset replaces the password and ends every session', async () => {
    const sessions = new StaffSessionService({ store, now, idleMs: 3_600_000 });
    const budi = await staff.add(
      { email: 'budi@wowrack.co.id', name: 'Budi', role: 'support', password: PASSWORD },
      'cli',
    );
    const opened = await sessions.open(budi.id, false);
    at += 1000;
    await staff.resetPassword(budi.email, 'een-nieuw-wachtwoord', 'cli');
    expect(await sessions.resolve(opened.id)).to.equal(undefined);
    expect(await staff.checkPassword(budi.email, PASSWORD)).to.equal(undefined);
    expect(await staff.checkPassword(budi.email, 'een-nieuw-wachtwoord')).not.to.equal(undefined);
    await refused(staff.resetPassword(budi.email, 'short', 'cli'), 'password');
  });

  it('TOTP: enrolment needs a first code; sign-in codes are single-use; an admin can turn it off', async () => {
    const budi = await staff.add(
      { email: 'budi@wowrack.co.id', name: 'Budi', role: 'support', password: PASSWORD },
      'cli',
    );
    await refused(staff.confirmTotpEnrolment(budi.id, '123456', 'cli'), 'totp-not-started');
    const { secret, uri } = await staff.startTotpEnrolment(budi.id);
    expect(uri).to.contain(`secret=${secret}`).and.contain('budi%40wowrack.co.id');
    expect(await staff.checkTotp(budi.id, totpCode(secret, now()))).to.equal(false); // not confirmed yet
    expect(await staff.confirmTotpEnrolment(budi.id, '000000', `staff:${budi.id}`)).to.equal(false);
    expect(await staff.confirmTotpEnrolment(budi.id, totpCode(secret, now()), `staff:${budi.id}`)).to.equal(true);
    await refused(staff.startTotpEnrolment(budi.id), 'totp-on');
    // The enrolment's code cannot be used again to sign in; the next step's code can, once.
    expect(await staff.checkTotp(budi.id, totpCode(secret, now()))).to.equal(false);
    at += 30_000;
    const code = totpCode(secret, now());
    expect(await staff.checkTotp(budi.id, code)).to.equal(true);
    expect(await staff.checkTotp(budi.id, code)).to.equal(false);
    await staff.disableTotp(budi.email, 'cli');
    const after = await staff.get(budi.id);
    expect(after?.totpEnabled).to.equal(undefined);
    expect(after?.totpSecret).to.equal(undefined);
    const actions = db.snapshot().audit.map((e) => e.action);
    expect(actions).to.deep.equal(['staff.added', 'staff.2fa-enabled', 'staff.2fa-disabled']);
  });
});
