/**
 * What the rest of bot/ gets from a store, whichever it is (the lowdb file or PostgreSQL): the domain's ports, Bot
 * Framework's Storage, and the infrastructure several instances must share (claims on mail, rate counters, the lock
 * of the daily jobs, secrets, the built-in Direct Line's conversations). openStore.ts picks the implementation.
 */
import type { Storage } from 'botbuilder';
import type { RateCounter, RequestStore } from '../../domain/ports.ts';
import type { OutboxRecord } from '../../domain/records.ts';
import type { SignInThrottling, ThrottlePolicy } from '../../domain/signInThrottle.ts';
import type { DirectLineSettings, DirectLineState } from '../directline/state.ts';

/** Bot Framework conversation state, plus forgetting what has been idle too long. */
export interface ConversationStorage extends Storage {
  /** Deletes state items not changed since `olderThan`; returns how many. */
  pruneState(olderThan: Date): Promise<number>;
}

/** Hands due mail to the delivery workers (of every instance), each mail to one worker at a time. */
export interface MailQueue {
  /**
   * Claims the oldest pending mail that is due at `now`, that no live claim holds and whose id is not in `skip`, for
   * the caller until `until`. Writing the mail back (OutboxRepository.replace) ends the claim; a worker that dies
   * mid-send leaves it to expire, and another worker then takes the mail.
   */
  claimDue(now: Date, until: Date, skip: ReadonlySet<string>): Promise<OutboxRecord | undefined>;
}

/** Runs a daily job on one instance at a time. */
export interface JobLock {
  /** Runs `job` unless a job of this name is running (here or on another instance); resolves with whether it ran. */
  runAlone(name: string, job: () => Promise<void>): Promise<boolean>;
}

/** Everything the assistant keeps, behind the domain's ports and Bot Framework's Storage. */
export interface Store {
  readonly requests: RequestStore;
  readonly conversations: ConversationStorage;
  readonly mailQueue: MailQueue;
  readonly counters: RateCounter;
  /** The console's sign-in throttle (in the database with PostgreSQL: it holds across instances). */
  signInThrottle(policy?: ThrottlePolicy): SignInThrottling;
  readonly jobs: JobLock;
  /** A 32-byte secret by name, the same for every instance (made on first use): the key of the client hashes. */
  secret(name: string): Promise<Buffer>;
  /**
   * The built-in Direct Line's tokens and conversations: in this process's memory with the file, in the database
   * (and across instances) with PostgreSQL.
   */
  directLine(settings: DirectLineSettings): DirectLineState;
  /** Whether several instances may share the store (PostgreSQL), or it belongs to this process (the file). */
  readonly shared: boolean;
  /** Where the data lives (without a password), for the start-up log. */
  readonly location: string;
  /** Waits for pending writes, then lets go of the store. */
  close(): Promise<void>;
}
