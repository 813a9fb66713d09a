/**
 * The privacy team's accounts: add, list, disable or enable, change a role, reset a password, and the optional TOTP
 * second factor. Passwords are hashed with scrypt (a random salt per password; the cost is kept with the hash so it
 * can be raised later). Every change is audited in the unit of work that makes it; disabling, a new password or a
 * role change ends the member's sessions. The last enabled admin can be neither disabled nor demoted.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { normalizeEmail } from './address.ts';
import { type AuditActor, appendAudit } from './audit.ts';
import type { Clock, RequestStore, Transaction } from './ports.ts';
import type { StaffRecord, StaffRole } from './records.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

export const STAFF_ROLES: readonly StaffRole[] = ['support', 'admin'];
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
const NAME_MAX = 100;
/** The issuer authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Wowrack Privacy Console';

/** Why an account change was refused; nothing was kept. */
export type StaffReason =
  | 'email'
  | 'name'
  | 'role'
  | 'password'
  | 'exists'
  | 'unknown'
  | 'last-admin'
  | 'totp-not-started'
  | 'totp-on';

const MESSAGES: Record<StaffReason, string> = {
  email: 'not a valid e-mail address',
  name: `the name must be 1–${NAME_MAX} characters`,
  role: 'the role must be support or admin',
  password: `the password must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`,
  exists: 'a staff member with this address exists already',
  unknown: 'no staff member with this address',
  'last-admin': 'this is the last enabled admin: add or enable another admin first',
  'totp-not-started': 'two-step verification was not started for this account',
  'totp-on': 'two-step verification is on already',
};

export class StaffError extends Error {
  constructor(readonly reason: StaffReason) {
    super(MESSAGES[reason]);
    this.name = 'StaffError';
  }
}

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MB and tens of milliseconds per hash). */
export interface ScryptCost {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}
export const DEFAULT_SCRYPT_COST: ScryptCost = { n: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 256 * cost.n * cost.r + 1024 * 1024;
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: cost.n, r: cost.r, p: cost.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost);
  return ['scrypt', cost.n, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` is the one `stored` was made from (constant-time compare); false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const cost = { n: Number(n), r: Number(r), p: Number(p) };
  if (![cost.n, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0) || cost.n > 2 ** 20) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), cost);
  return timingSafeEqual(key, expected);
}

export interface NewStaff {
  readonly email: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly password: string;
}

export interface StaffDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  /** Tests use a cheap cost; production the default. */
  readonly scryptCost?: ScryptCost;
}

const isRole = (value: string): value is StaffRole => STAFF_ROLES.some((role) => role === value);

function checkedPassword(password: string): string {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw new StaffError('password');
  return password;
}

function checkedEmail(email: string): string {
  const normal = normalizeEmail(email);
  if (!normal) throw new StaffError('email');
  return normal.toLowerCase();
}

export class StaffService {
  readonly #cost: ScryptCost;
  /** Compared against when an address names no account, so a wrong address costs as long as a wrong password. */
  #dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: StaffDeps) {
    this.#cost = deps.scryptCost ?? DEFAULT_SCRYPT_COST;
  }

  async add(input: NewStaff, actor: AuditActor): Promise<StaffRecord> {
    const email = checkedEmail(input.email);
    const name = input.name.replace(/\s+/g, ' ').trim();
    if (name.length === 0 || name.length > NAME_MAX) throw new StaffError('name');
    if (!isRole(input.role)) throw new StaffError('role');
    const passwordHash = await hashPassword(checkedPassword(input.password), this.#cost);
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      if (await tx.staff.findByEmail(email)) throw new StaffError('exists');
      const record: StaffRecord = {
        id: `stf_${randomBytes(8).toString('hex')}`,
        email,
        name,
        role: input.role,
        passwordHash,
        disabled: false,
        createdAt: at.toISOString(),
        passwordChangedAt: at.toISOString(),
      };
      await tx.staff.add(record);
      await appendAudit(tx, { actor, action: 'staff.added', target: record.id, details: { role: record.role } }, at);
      return record;
    });
  }

  /** Every account, admins first, then by name. */
  async list(): Promise<StaffRecord[]> {
    const all = await this.deps.store.transaction((tx) => tx.staff.list());
    return [...all].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'admin' ? -1 : 1));
  }

  async get(id: string): Promise<StaffRecord | undefined> {
    return this.deps.store.transaction((tx) => tx.staff.get(id));
  }

  /** Disables (its sessions end) or enables an account; the same state again changes nothing. */
  async setDisabled(email: string, disabled: boolean, actor: AuditActor): Promise<StaffRecord> {
    return this.#change(email, async (tx, member, at) => {
      if (member.disabled === disabled) return member;
      if (disabled) await this.#keepAnAdmin(tx, member);
      const next: StaffRecord = { ...member, disabled };
      await tx.staff.replace(next);
      if (disabled) await tx.sessions.removeForStaff(member.id);
      await appendAudit(tx, { actor, action: disabled ? 'staff.disabled' : 'staff.enabled', target: member.id }, at);
      return next;
    });
  }

  async setRole(email: string, role: StaffRole, actor: AuditActor): Promise<StaffRecord> {
    if (!isRole(role)) throw new StaffError('role');
    return this.#change(email, async (tx, member, at) => {
      if (member.role === role) return member;
      if (role !== 'admin') await this.#keepAnAdmin(tx, member);
      const next: StaffRecord = { ...member, role };
      await tx.staff.replace(next);
      await tx.sessions.removeForStaff(member.id);
      const details = { from: member.role, to: role };
      await appendAudit(tx, { actor, action: 'staff.role-changed', target: member.id, details }, at);
      return next;
    });
  }

  /** A new password; every session of the member ends. */
  async resetPassword(email: string, password: string, actor: AuditActor): Promise<StaffRecord> {
    const passwordHash = await hashPassword(checkedPassword(password), this.#cost);
    return this.#change(email, async (tx, member, at) => {
      const next: StaffRecord = { ...member, passwordHash, passwordChangedAt: at.toISOString() };
      await tx.staff.replace(next);
      await tx.sessions.removeForStaff(member.id);
      await appendAudit(tx, { actor, action: 'staff.password-reset', target: member.id }, at);
      return next;
    });
  }

  /** The enabled account with this address and password, or undefined (unknown, disabled or wrong password). */
  async checkPassword(email: string, password: string): Promise<StaffRecord | undefined> {
    const normal = normalizeEmail(email)?.toLowerCase();
    const member = normal ? await this.deps.store.transaction((tx) => tx.staff.findByEmail(normal)) : undefined;
    if (!member) {
      this.#dummyHash ??= hashPassword('not a password of anyone', this.#cost);
      await verifyPassword(password, await this.#dummyHash);
      return undefined;
    }
    const ok = await verifyPassword(password, member.passwordHash);
    return ok && !member.disabled ? member : undefined;
  }

  /**
   * Starts two-step verification: a new secret, kept on the account but not yet in force, and the otpauth:// URI
   * for the authenticator app (shown as a QR code). Starting again replaces an unconfirmed secret.
   */
  async startTotpEnrolment(staffId: string): Promise<{ readonly secret: string; readonly uri: string }> {
    const secret = newTotpSecret();
    const member = await this.deps.store.transaction(async (tx) => {
      const found = await tx.staff.get(staffId);
      if (!found) throw new StaffError('unknown');
      if (found.totpEnabled) throw new StaffError('totp-on');
      const { totpLastStep: _last, ...rest } = found;
      await tx.staff.replace({ ...rest, totpSecret: secret, totpEnabled: false });
      return found;
    });
    return { secret, uri: totpUri(secret, member.email, TOTP_ISSUER) };
  }

  /**
   * The first code from the app confirms the enrolment: from then on sign-in asks for a code, and every session the
   * account has open ends (one a password alone opened elsewhere must not outlive the second factor; the console
   * opens a new one for the browser that confirmed).
   */
  async confirmTotpEnrolment(staffId: string, code: string, actor: AuditActor): Promise<boolean> {
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      const member = await tx.staff.get(staffId);
      if (!member) throw new StaffError('unknown');
      if (member.totpEnabled) throw new StaffError('totp-on');
      if (!member.totpSecret) throw new StaffError('totp-not-started');
      const step = matchTotp(member.totpSecret, code, at);
      if (step === undefined) return false;
      await tx.staff.replace({ ...member, totpEnabled: true, totpLastStep: step });
      await tx.sessions.removeForStaff(member.id);
      await appendAudit(tx, { actor, action: 'staff.2fa-enabled', target: member.id }, at);
      return true;
    });
  }

  /** A sign-in code: right, within a step of now, and never used before (the step is kept). */
  async checkTotp(staffId: string, code: string): Promise<boolean> {
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      const member = await tx.staff.get(staffId);
      if (!member?.totpEnabled || !member.totpSecret || member.disabled) return false;
      const step = matchTotp(member.totpSecret, code, at, member.totpLastStep ?? -1);
      if (step === undefined) return false;
      await tx.staff.replace({ ...member, totpLastStep: step });
      return true;
    });
  }

  /** Turns two-step verification off (a lost phone): an admin's or the shell's decision, audited. */
  async disableTotp(email: string, actor: AuditActor): Promise<StaffRecord> {
    return this.#change(email, async (tx, member, at) => {
      if (!member.totpSecret && !member.totpEnabled) return member;
      const { totpSecret: _secret, totpEnabled: _enabled, totpLastStep: _step, ...rest } = member;
      await tx.staff.replace(rest);
      await appendAudit(tx, { actor, action: 'staff.2fa-disabled', target: member.id }, at);
      return rest;
    });
  }

  async #change(
    email: string,
    work: (tx: Transaction, member: StaffRecord, at: Date) => Promise<StaffRecord>,
  ): Promise<StaffRecord> {
    const address = checkedEmail(email);
    const at = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      const member = await tx.staff.findByEmail(address);
      if (!member) throw new StaffError('unknown');
      return work(tx, member, at);
    });
  }

  /** Refuses when `member` is the only enabled admin (the console would have no one to manage it). */
  async #keepAnAdmin(tx: Transaction, member: StaffRecord): Promise<void> {
    if (member.role !== 'admin' || member.disabled) return;
    const others = (await tx.staff.list()).filter((s) => s.role === 'admin' && !s.disabled && s.id !== member.id);
    if (others.length === 0) throw new StaffError('last-admin');
  }
}
