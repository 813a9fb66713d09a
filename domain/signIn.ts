/**
 * Signing in to the console: password, then (when enrolled) a TOTP code; throttled per account and per client;
 * every success, failure and sign-out audited. The HTTP layer only carries forms and cookies to it.
 */
import { createHash } from 'node:crypto';
import { emailKey } from './address.ts';
import { appendAudit } from './audit.ts';
import type { Clock, RequestStore } from './ports.ts';
import type { StaffRecord } from './records.ts';
import type { SignInThrottling } from './signInThrottle.ts';
import type { OpenedSession, StaffSessionService } from './staffSessions.ts';

/** What sign-in needs of the staff accounts (StaffService). */
export interface StaffCredentials {
  checkPassword(email: string, password: string): Promise<StaffRecord | undefined>;
  checkTotp(staffId: string, code: string): Promise<boolean>;
}

export type SignInResult =
  | { readonly status: 'signed-in'; readonly session: OpenedSession; readonly staff: StaffRecord }
  /** The password was right; the session opens only the code form until the second factor is given. */
  | { readonly status: 'second-factor'; readonly session: OpenedSession; readonly staff: StaffRecord }
  | { readonly status: 'refused' }
  | { readonly status: 'throttled'; readonly retryAfterSeconds: number };

export interface SignInDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  readonly credentials: StaffCredentials;
  readonly sessions: StaffSessionService;
  readonly throttle: SignInThrottling;
}

/** An audit target for an address that names no account: a short hash, never the address. */
const addressTag = (email: string): string =>
  `address:${createHash('sha256')
    .update(emailKey(email) ?? email.slice(0, 320))
    .digest('hex')
    .slice(0, 16)}`;

export class SignInService {
  constructor(private readonly deps: SignInDeps) {}

  /**
   * `client` identifies the browser's address (a keyed hash), for the per-client limit. `previousSessionId`: the
   * session the browser already had (its cookie); a successful sign-in ends it, so a browser holds one session and a
   * session id planted before the sign-in never becomes a signed-in one.
   */
  async signIn(email: string, password: string, client: string, previousSessionId?: string): Promise<SignInResult> {
    const { credentials, sessions, throttle } = this.deps;
    const account = `account:${emailKey(email) ?? email.slice(0, 320).toLowerCase()}`;
    const keys = [account, `client:${client}`];
    const wait = await throttle.waitMs(keys);
    if (wait > 0) {
      await this.#audit('signin.throttled', addressTag(email));
      return { status: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
    }
    const staff = await credentials.checkPassword(email, password);
    if (!staff) {
      await throttle.failed(keys);
      await this.#audit('signin.failed', addressTag(email), { reason: 'password' });
      return { status: 'refused' };
    }
    const second = staff.totpEnabled === true;
    if (previousSessionId !== undefined) await sessions.close(previousSessionId);
    const session = await sessions.open(staff.id, second);
    if (!second) await throttle.succeeded(keys);
    await this.#audit(second ? 'signin.password-accepted' : 'signin.succeeded', staff.id, {}, `staff:${staff.id}`);
    return { status: second ? 'second-factor' : 'signed-in', session, staff };
  }

  /** The code of the authenticator app, for a session that is waiting for it. */
  async secondFactor(sessionId: string, code: string, client: string, staff: StaffRecord): Promise<SignInResult> {
    const { credentials, sessions, throttle } = this.deps;
    const keys = [`account:${staff.email}`, `client:${client}`];
    const wait = await throttle.waitMs(keys);
    if (wait > 0) return { status: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
    if (!(await credentials.checkTotp(staff.id, code.replace(/\s+/g, '')))) {
      await throttle.failed(keys);
      await this.#audit('signin.failed', staff.id, { reason: 'second-factor' });
      return { status: 'refused' };
    }
    const session = await sessions.completeSecondFactor(sessionId);
    if (!session) return { status: 'refused' };
    await throttle.succeeded(keys);
    await this.#audit('signin.succeeded', staff.id, { factor: 'totp' }, `staff:${staff.id}`);
    return { status: 'signed-in', session, staff };
  }

  async signOut(sessionId: string, staff: StaffRecord): Promise<void> {
    await this.deps.sessions.close(sessionId);
    await this.#audit('signout', staff.id, {}, `staff:${staff.id}`);
  }

  #audit(
    action: string,
    target: string,
    details: Record<string, string> = {},
    actor: `staff:${string}` | 'system' = 'system',
  ) {
    const { store, now } = this.deps;
    return store.transaction((tx) => appendAudit(tx, { actor, action, target, details }, now()));
  }
}
