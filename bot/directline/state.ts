/**
 * Where the built-in Direct Line keeps its tokens and conversations. In this process's memory (memoryState.ts) with
 * the embedded store; in PostgreSQL (bot/store/postgres/directLineState.ts) when several instances share a database:
 * then a token issued by one instance is valid on all, every instance sees every conversation's activities and
 * watermarks, and an activity appended on one instance reaches the streams (WebSockets) held by another.
 *
 * A client is known by its client key (a keyed hash of its address, bot/channel/clientKeys.ts), never its address.
 */
import type { Activity } from 'botbuilder';
import type { ActivityListener, ConversationLimits, ConversationStats, CreateRefusal } from './conversations.ts';
import type { IssuedToken, TokenGrant } from './tokens.ts';

export type { ActivityListener, CreateRefusal } from './conversations.ts';
export type { IssuedToken, TokenGrant } from './tokens.ts';

/** A conversation as the service needs it. */
export interface ConversationRef {
  readonly id: string;
  readonly userId: string;
  /** The client key it counts against (per-client caps, and the client key of its turns). */
  readonly address: string;
}

export interface StateLimits extends ConversationLimits {
  readonly maxTokens: number;
}

export interface DirectLineSettings {
  readonly tokenTtlMs: number;
  /** A conversation nobody touched (and nobody streams) for this long is let go; its bot state stays. */
  readonly idleMs: number;
  readonly now: () => number;
  readonly limits: StateLimits;
}

export interface DirectLineStats extends ConversationStats {
  readonly tokens: number;
}

export interface DirectLineState {
  /** A token for the conversation, replacing its live one; undefined when the endpoint holds all the tokens it may. */
  issueToken(conversationId: string, userId: string, address: string): Promise<IssuedToken | undefined>;
  /** The grant of a live token; undefined for unknown, replaced and expired ones. */
  verifyToken(token: string): Promise<TokenGrant | undefined>;
  /** A new token for the same conversation and user; the old one stops working at once. */
  refreshToken(token: string): Promise<(IssuedToken & { readonly grant: TokenGrant }) | undefined>;

  /** A new conversation (with `id`: one let go while idle, coming back), or why not. */
  createConversation(userId: string, address: string, id?: string): Promise<ConversationRef | CreateRefusal>;
  /** The conversation, if it is held; counts as activity (it is not idle). */
  conversation(id: string): Promise<ConversationRef | undefined>;
  /** Marks the conversation started; true for the one call that did (the greeting is sent once, by one instance). */
  markStarted(id: string): Promise<boolean>;
  /** Adds activities (each gets its id and a timestamp); every listener of the conversation hears of them. */
  append(id: string, activities: readonly Partial<Activity>[]): Promise<string[]>;
  /** Activities after a watermark (missing or invalid: from the oldest kept), and the watermark after them. */
  since(id: string, watermark: number | undefined): Promise<{ activities: Partial<Activity>[]; watermark: number }>;
  /** The conversation's watermark (how many activities it ever had); undefined when it is not held. */
  watermark(id: string): Promise<number | undefined>;
  /**
   * Tells `listener`, in order and each once, of the activities after watermark `from`, then of every activity
   * appended later (on any instance). The conversation counts as active while someone listens. Returns the
   * unsubscribe.
   */
  listen(id: string, from: number, listener: ActivityListener): () => void;

  /** Lets go of expired tokens and of conversations idle for longer than idleMs that nobody listens to. */
  sweep(): Promise<number>;
  stats(): Promise<DirectLineStats>;
  close(): Promise<void>;
}
