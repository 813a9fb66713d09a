/**
 * Console sessions, kept server-side: the browser holds a 256-bit random id; the store only its SHA-256 (a copy of
 * the store opens no session). A session ends after `idleMs` without use, on sign-out, and when its staff member is
 * disabled or their password changes. Each session has its own CSRF token that every console form carries.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, RequestStore } from './ports.ts';
import type { StaffRecord, StaffSessionRecord } from './records.ts';

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** lastSeenAt is written at most this often: not one store write per page view. */
const TOUCH_EVERY_MS = 60_000;

export const DEFAULT_SESSION_IDLE_MS = 8 * 3_600_000;
/**
 * A session that has the password but not yet the second factor lives this long from sign-in: the code is typed
 * within a minute or two, and a password-only session left open is a foothold for guessing codes.
 */
export const PENDING_SECOND_FACTOR_MS = 10 * 60_000;

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/** A session the browser's id opened, with its staff member. */
export interface ActiveSession {
  readonly session: StaffSessionRecord;
  readonly staff: StaffRecord;
}

export interface OpenedSession {
  /** The id for the cookie (never stored). */
  readonly id: string;
  readonly csrfToken: string;
}

export interface StaffSessionDeps {
  readonly store: RequestStore;
  readonly now: Clock;
  readonly idleMs: number;
}

export class StaffSessionService {
  constructor(private readonly deps: StaffSessionDeps) {}

  /** Opens a session; `pendingSecondFactor` opens only the code form until `completeSecondFactor`. */
  async open(staffId: string, pendingSecondFactor: boolean): Promise<OpenedSession> {
    const id = newSecret();
    const csrfToken = newSecret();
    const at = this.deps.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.sessions.prune(new Date(this.deps.now().getTime() - this.deps.idleMs));
      await tx.sessions.add({
        idHash: hashId(id),
        staffId,
        createdAt: at,
        lastSeenAt: at,
        csrfToken,
        ...(pendingSecondFactor ? { pendingSecondFactor: true } : {}),
      });
    });
    return { id, csrfToken };
  }

  /**
   * The live session of this cookie value, or undefined (unknown, idle too long, staff disabled, opened before the
   * password was last changed, or waiting for the second factor for longer than PENDING_SECOND_FACTOR_MS). Marks
   * it used.
   */
  async resolve(id: string | undefined): Promise<ActiveSession | undefined> {
    if (!id || !SESSION_ID.test(id)) return undefined;
    const idHash = hashId(id);
    const now = this.deps.now();
    return this.deps.store.transaction(async (tx) => {
      const session = await tx.sessions.get(idHash);
      if (!session) return undefined;
      const staff = await tx.staff.get(session.staffId);
      const idle = now.getTime() - Date.parse(session.lastSeenAt) > this.deps.idleMs;
      const stale = staff !== undefined && Date.parse(staff.passwordChangedAt) > Date.parse(session.createdAt);
      const unfinished =
        session.pendingSecondFactor === true &&
        now.getTime() - Date.parse(session.createdAt) > PENDING_SECOND_FACTOR_MS;
      if (!staff || staff.disabled || idle || stale || unfinished) {
        await tx.sessions.remove(idHash);
        return undefined;
      }
      if (now.getTime() - Date.parse(session.lastSeenAt) < TOUCH_EVERY_MS) return { session, staff };
      const touched: StaffSessionRecord = { ...session, lastSeenAt: now.toISOString() };
      await tx.sessions.replace(touched);
      return { session: touched, staff };
    });
  }

  /**
   * The second factor was checked: the pending session is replaced by a full one with a new id and token (the id a
   * password alone opened never opens the console).
   */
  async completeSecondFactor(id: string): Promise<OpenedSession | undefined> {
    const active = await this.resolve(id);
    if (!active?.session.pendingSecondFactor) return undefined;
    await this.close(id);
    return this.open(active.staff.id, false);
  }

  async close(id: string | undefined): Promise<void> {
    if (!id || !SESSION_ID.test(id)) return;
    await this.deps.store.transaction((tx) => tx.sessions.remove(hashId(id)));
  }
}

/** Whether a form's token is this session's (constant time). */
export function csrfMatches(session: StaffSessionRecord, token: unknown): boolean {
  if (typeof token !== 'string' || token.length !== session.csrfToken.length) return false;
  return timingSafeEqual(Buffer.from(token), Buffer.from(session.csrfToken));
}
