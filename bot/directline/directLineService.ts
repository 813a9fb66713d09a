import { randomBytes } from 'node:crypto';
import {
  type Activity,
  ActivityTypes,
  type ConversationReference,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { RateCounter } from '../../domain/ports.ts';
import type { AssistantAdapter } from '../channel/adapter.ts';
import { RateLimit } from '../http/rateLimit.ts';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import { DEFAULT_CONVERSATION_LIMITS } from './conversations.ts';
import {
  MAX_LIVE_TOKENS,
  MAX_SOCKETS_PER_CONVERSATION,
  REFRESH_WINDOW_MS,
  REFRESHES_PER_ADDRESS,
  REFRESHES_PER_CONVERSATION,
} from './limits.ts';
import { MemoryDirectLineState } from './memoryState.ts';
import type {
  ActivityListener,
  ConversationRef,
  DirectLineSettings,
  DirectLineState,
  DirectLineStats,
  StateLimits,
  TokenGrant,
} from './state.ts';

export type { DirectLineStats } from './state.ts';

/**
 * The serviceUrl of built-in Direct Line conversations. A reserved name that never resolves: replies travel in-process
 * (expectReplies), and proactive messages for it are delivered here directly, never over HTTP.
 */
export const BUILTIN_SERVICE_URL = 'https://directline.invalid/';
export const DIRECT_LINE_CHANNEL = 'directline';

export interface DirectLineOptions {
  readonly adapter: AssistantAdapter;
  /** Runs the bot for a turn; `clientKey` is the key of the client the conversation counts against. */
  readonly runTurn: (context: TurnContext, clientKey: string) => Promise<void>;
  /** The key a client's address counts by (a keyed hash): the endpoint keeps no address. */
  readonly clientKeyOf: (address: string) => string;
  readonly logger: Logger;
  /** Where the refresh limits count (shared by every instance with PostgreSQL). */
  readonly counters: RateCounter;
  readonly bot: { readonly id: string; readonly name: string };
  readonly tokenTtlMs?: number;
  readonly idleMs?: number;
  readonly now?: () => number;
  /** Smaller limits for tests; the defaults are in limits.ts. */
  readonly limits?: Partial<DirectLineLimits>;
  /** Where tokens and conversations are kept (the store's: shared by every instance with PostgreSQL); memory if absent. */
  readonly state?: (settings: DirectLineSettings) => DirectLineState;
}

export interface DirectLineLimits extends StateLimits {
  readonly refreshesPerConversation: number;
  readonly refreshesPerAddress: number;
  readonly maxSocketsPerConversation: number;
}

export type DirectLineError = {
  readonly status: 400 | 403 | 404 | 429 | 503;
  readonly code: string;
  readonly message: string;
  /** Seconds, for the Retry-After header of a 429 or 503. */
  readonly retryAfter?: number;
};
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: DirectLineError };

export interface ConversationInfo {
  readonly conversationId: string;
  readonly token: string;
  readonly expires_in: number;
  readonly streamUrl?: string;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (
  status: DirectLineError['status'],
  code: string,
  message: string,
  retryAfter?: number,
): Result<never> => ({
  ok: false,
  error: { status, code, message, ...(retryAfter === undefined ? {} : { retryAfter }) },
});

const SERVER_FULL = (): Result<never> =>
  fail(503, 'ServiceBusy', 'the chat holds as many conversations as it can; try again in a few minutes', 300);
const ADDRESS_FULL = (): Result<never> =>
  fail(429, 'TooManyConversations', 'too many open conversations from this address; try again later', 300);

/** A stream this instance holds: how to stop listening, and how to close its socket (when replaced). */
interface LocalStream {
  readonly unsubscribe: () => void;
  readonly close?: () => void;
}

/**
 * A Direct Line 3.0 service inside the assistant, for the website chat without an Azure account. Each token opens
 * exactly one conversation; turns run through the Bot Framework adapter in-process, one at a time per conversation on
 * this instance, and their replies are captured from the turn (expectReplies) instead of being posted to a
 * serviceUrl. Tokens and conversations are kept in its DirectLineState: with PostgreSQL, any instance serves any
 * request of any conversation, and a stream on one instance hears what another appended.
 */
export class DirectLineService {
  private readonly state: DirectLineState;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly closers = new Set<() => void>();
  private readonly refreshesByConversation: RateLimit;
  private readonly refreshesByAddress: RateLimit;
  /** This instance's streams, per conversation, oldest first (for the cap on streams per conversation). */
  private readonly streams = new Map<string, Map<ActivityListener, LocalStream>>();
  /** This instance's turns, one after another per conversation (the last one queued). */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly maxSockets: number;

  constructor(private readonly options: DirectLineOptions) {
    this.now = options.now ?? Date.now;
    const limits = options.limits ?? {};
    const settings: DirectLineSettings = {
      tokenTtlMs: options.tokenTtlMs ?? 30 * 60_000,
      idleMs: options.idleMs ?? 30 * 60_000,
      now: this.now,
      limits: { ...DEFAULT_CONVERSATION_LIMITS, maxTokens: MAX_LIVE_TOKENS, ...limits },
    };
    this.state = options.state ? options.state(settings) : new MemoryDirectLineState(settings);
    this.refreshesByConversation = new RateLimit(
      options.counters,
      'dl-refresh-conversation',
      limits.refreshesPerConversation ?? REFRESHES_PER_CONVERSATION,
      REFRESH_WINDOW_MS,
    );
    this.refreshesByAddress = new RateLimit(
      options.counters,
      'dl-refresh-address',
      limits.refreshesPerAddress ?? REFRESHES_PER_ADDRESS,
      REFRESH_WINDOW_MS,
    );
    this.maxSockets = limits.maxSocketsPerConversation ?? MAX_SOCKETS_PER_CONVERSATION;
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        options.logger.warn({ error: describeError(error) }, 'direct line sweep failed'),
      );
    }, 60_000);
    this.sweeper.unref();
  }

  /** Stops the sweeper, closes the open streams (so the HTTP server can stop) and lets go of the state. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const closer of this.closers) closer();
    this.closers.clear();
    await this.state.close();
  }

  /** Registers something to end when the service closes. */
  onClose(closer: () => void): void {
    this.closers.add(closer);
  }

  /** Lets go of expired tokens and of conversations idle for longer than idleMs (runs every minute); returns how many. */
  sweep(): Promise<number> {
    return this.state.sweep();
  }

  /** What the endpoint holds (counts and history bytes), for tests and the attack replay. */
  stats(): Promise<DirectLineStats> {
    return this.state.stats();
  }

  /** The grant of a live token (for tests). */
  verifyToken(token: string): Promise<TokenGrant | undefined> {
    return this.state.verifyToken(token);
  }

  /**
   * A new conversation and a token for it (POST /tokens/generate), counted against the client's address. Refused
   * (429) when the address holds its share of conversations, (503) when the endpoint holds all it may.
   */
  async generateToken(address = ''): Promise<Result<ConversationInfo & { readonly userId: string }>> {
    const userId = `dl_${randomBytes(12).toString('base64url')}`;
    const conversation = await this.state.createConversation(userId, this.options.clientKeyOf(address));
    if (conversation === 'full') return SERVER_FULL();
    if (conversation === 'address') return ADDRESS_FULL();
    const issued = await this.state.issueToken(conversation.id, userId, conversation.address);
    if (!issued) return SERVER_FULL();
    return ok({ conversationId: conversation.id, token: issued.token, expires_in: issued.expiresIn, userId });
  }

  /**
   * POST /tokens/refresh: a new token for the conversation, replacing the old one (which stops working at once).
   * Limited per client address and per conversation (429 with Retry-After).
   */
  async refreshToken(token: string | undefined, address = ''): Promise<Result<ConversationInfo>> {
    const byAddress = await this.refreshesByAddress.take(this.options.clientKeyOf(address));
    if (!byAddress.allowed)
      return fail(429, 'TooManyRequests', 'too many token refreshes from this address', byAddress.retryAfterSeconds);
    const grant = token ? await this.state.verifyToken(token) : undefined;
    if (!grant || !token) return fail(403, 'TokenExpired', 'the token is unknown or expired');
    const byConversation = await this.refreshesByConversation.take(grant.conversationId);
    if (!byConversation.allowed)
      return fail(
        429,
        'TooManyRequests',
        'too many token refreshes for this conversation',
        byConversation.retryAfterSeconds,
      );
    const refreshed = await this.state.refreshToken(token);
    if (!refreshed) return fail(403, 'TokenExpired', 'the token is unknown or expired');
    return ok({
      conversationId: refreshed.grant.conversationId,
      token: refreshed.token,
      expires_in: refreshed.expiresIn,
    });
  }

  /** POST /conversations: starts the token's conversation (the bot greets, once) and returns where to stream it. */
  async startConversation(token: string | undefined, streamBase: string): Promise<Result<ConversationInfo>> {
    const grant = token ? await this.state.verifyToken(token) : undefined;
    if (!grant || !token) return fail(403, 'TokenExpired', 'a valid token is required');
    const found = await this.conversationOf(grant);
    if (!found.ok) return found;
    const conversation = found.value;
    if (await this.state.markStarted(conversation.id)) {
      await this.enqueue(conversation.id, () =>
        this.runTurn(conversation, {
          type: ActivityTypes.ConversationUpdate,
          membersAdded: [
            { id: this.options.bot.id, name: this.options.bot.name },
            { id: grant.userId, name: 'Pelanggan' },
          ],
        }),
      );
    }
    return ok(this.info(conversation, token, grant, streamBase));
  }

  /**
   * GET /conversations/:id?watermark=: reconnect to the token's own conversation. The new stream replays what came
   * after the watermark; without one, only what comes after this request (as Azure's Direct Line does).
   */
  async reconnect(
    token: string | undefined,
    conversationId: string,
    streamBase: string,
    watermark?: number,
  ): Promise<Result<ConversationInfo>> {
    const checked = await this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { grant, conversation } = checked.value;
    const from = watermark ?? (await this.state.watermark(conversation.id)) ?? 0;
    return ok(this.info(conversation, token ?? '', grant, streamBase, from));
  }

  /**
   * POST /conversations/:id/activities: records the customer's activity and answers with its id at once; the turn
   * runs afterwards and its replies reach the client through the stream or the next poll.
   */
  async postActivity(
    token: string | undefined,
    conversationId: string,
    incoming: Partial<Activity>,
  ): Promise<Result<{ id: string }>> {
    const checked = await this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { grant, conversation } = checked.value;
    const activity: Partial<Activity> = {
      ...incoming,
      channelId: DIRECT_LINE_CHANNEL,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: grant.userId, name: 'Pelanggan', role: 'user' },
      recipient: { id: this.options.bot.id, name: this.options.bot.name, role: 'bot' },
      serviceUrl: BUILTIN_SERVICE_URL,
    };
    const [id] = await this.state.append(conversation.id, [activity]);
    if (id === undefined) return fail(403, 'TokenExpired', 'the conversation is no longer open');
    if (activity.type !== ActivityTypes.Typing) {
      void this.enqueue(conversation.id, () => this.runTurn(conversation, { ...activity, id }));
    }
    return ok({ id });
  }

  /** GET /conversations/:id/activities?watermark= (polling). */
  async activities(token: string | undefined, conversationId: string, watermark: number | undefined) {
    const checked = await this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { activities, watermark: next } = await this.state.since(checked.value.conversation.id, watermark);
    return ok({ activities, watermark: String(next) });
  }

  /**
   * Streams a conversation: sends what is after `watermark` now (everything kept, without one), then every new
   * activity, whichever instance added it. Returns the unsubscribe. A conversation has at most
   * maxSocketsPerConversation streams on this instance: a new one closes the oldest (`close`).
   */
  async subscribe(
    token: string | undefined,
    conversationId: string,
    watermark: number | undefined,
    listener: ActivityListener,
    close?: () => void,
  ): Promise<Result<() => void>> {
    const checked = await this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const id = checked.value.conversation.id;
    const streams = this.streams.get(id) ?? new Map<ActivityListener, LocalStream>();
    this.streams.set(id, streams);
    // One too many: the oldest stream goes (a reloaded tab's old socket may not have noticed it is dead).
    for (const [oldest, stream] of streams) {
      if (streams.size < this.maxSockets) break;
      streams.delete(oldest);
      stream.unsubscribe();
      stream.close?.();
    }
    const unsubscribe = this.state.listen(id, watermark ?? 0, listener);
    streams.set(listener, { unsubscribe, ...(close ? { close } : {}) });
    return ok(() => {
      unsubscribe();
      streams.delete(listener);
      if (streams.size === 0 && this.streams.get(id) === streams) this.streams.delete(id);
    });
  }

  /** Whether a conversation reference belongs to this built-in endpoint. */
  owns(reference: Partial<ConversationReference>): boolean {
    return reference.serviceUrl === BUILTIN_SERVICE_URL && reference.channelId === DIRECT_LINE_CHANNEL;
  }

  /**
   * Delivers a proactive message (e.g. a parent's decision) into a built-in conversation, whichever instance holds its
   * stream; false if the conversation is gone.
   */
  async deliver(conversationId: string, activity: Partial<Activity>): Promise<boolean> {
    const conversation = await this.state.conversation(conversationId);
    if (!conversation) return false;
    const ids = await this.state.append(conversation.id, [this.fromBot(conversation, activity)]);
    return ids.length > 0;
  }

  private async authorize(
    token: string | undefined,
    conversationId: string,
  ): Promise<Result<{ grant: TokenGrant; conversation: ConversationRef }>> {
    const grant = token ? await this.state.verifyToken(token) : undefined;
    if (!grant) return fail(403, 'TokenExpired', 'a valid token is required');
    // A token opens only its own conversation.
    if (grant.conversationId !== conversationId)
      return fail(403, 'BadArgument', 'the token is not valid for this conversation');
    const conversation = await this.conversationOf(grant);
    if (!conversation.ok) return conversation;
    return ok({ grant, conversation: conversation.value });
  }

  /**
   * The token's conversation; one let go while idle comes back empty (its bot state is still in the store), within
   * the same caps as a new one.
   */
  private async conversationOf(grant: TokenGrant): Promise<Result<ConversationRef>> {
    const found = await this.state.conversation(grant.conversationId);
    if (found) return ok(found);
    const created = await this.state.createConversation(grant.userId, grant.address, grant.conversationId);
    if (created === 'full') return SERVER_FULL();
    if (created === 'address') return ADDRESS_FULL();
    return ok(created);
  }

  private info(
    conversation: ConversationRef,
    token: string,
    grant: TokenGrant,
    streamBase: string,
    watermark?: number,
  ): ConversationInfo {
    const expiresIn = Math.max(0, Math.floor((grant.expiresAt - this.now()) / 1000));
    const from = watermark === undefined ? '' : `&watermark=${watermark}`;
    const streamUrl = `${streamBase}/conversations/${encodeURIComponent(conversation.id)}/stream?t=${encodeURIComponent(token)}${from}`;
    return { conversationId: conversation.id, token, expires_in: expiresIn, streamUrl };
  }

  private enqueue(conversationId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(conversationId, settled);
    void settled.then(() => {
      if (this.queues.get(conversationId) === settled) this.queues.delete(conversationId);
    });
    return next;
  }

  private async runTurn(conversation: ConversationRef, activity: Partial<Activity>): Promise<void> {
    const inbound: Partial<Activity> = {
      channelId: DIRECT_LINE_CHANNEL,
      serviceUrl: BUILTIN_SERVICE_URL,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: conversation.userId, name: 'Pelanggan', role: 'user' },
      recipient: { id: this.options.bot.id, name: this.options.bot.name, role: 'bot' },
      timestamp: new Date(),
      ...activity,
      id: activity.id ?? `${conversation.id}|turn`,
      // The replies come back with the turn instead of being posted to serviceUrl.
      deliveryMode: 'expectReplies',
    };
    let response: InvokeResponse | undefined;
    try {
      response = await this.options.adapter.runInProcess(inbound as Activity, (context) =>
        this.options.runTurn(context, conversation.address),
      );
    } catch (error) {
      this.options.logger.error({ error: describeError(error) }, 'direct line turn failed');
      return;
    }
    const body: unknown = response?.body;
    const replies =
      typeof body === 'object' && body !== null && 'activities' in body && Array.isArray(body.activities)
        ? body.activities
        : [];
    if (replies.length === 0) return;
    try {
      await this.state.append(
        conversation.id,
        replies.map((reply: Partial<Activity>) => this.fromBot(conversation, reply)),
      );
    } catch (error) {
      this.options.logger.error({ error: describeError(error) }, 'direct line replies could not be kept');
    }
  }

  private fromBot(conversation: ConversationRef, activity: Partial<Activity>): Partial<Activity> {
    return {
      ...activity,
      channelId: DIRECT_LINE_CHANNEL,
      conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: this.options.bot.id, name: this.options.bot.name, role: 'bot' },
      recipient: { id: conversation.userId, name: 'Pelanggan', role: 'user' },
      serviceUrl: undefined,
    };
  }
}
