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
import type { Logger } from '../log/logger.ts';
import {
  type ActivityListener,
  type ConversationLimits,
  type ConversationStats,
  ConversationStore,
  type DirectLineConversation,
} from './conversations.ts';
import {
  MAX_LIVE_TOKENS,
  MAX_SOCKETS_PER_CONVERSATION,
  REFRESH_WINDOW_MS,
  REFRESHES_PER_ADDRESS,
  REFRESHES_PER_CONVERSATION,
} from './limits.ts';
import { type TokenGrant, TokenStore } from './tokens.ts';

/**
 * The serviceUrl of built-in Direct Line conversations. A reserved name that never resolves: replies travel in-process
 * (expectReplies), and proactive messages for it are delivered here directly, never over HTTP.
 */
export const BUILTIN_SERVICE_URL = 'https://directline.invalid/';
export const DIRECT_LINE_CHANNEL = 'directline';

export interface DirectLineOptions {
  readonly adapter: AssistantAdapter;
  /** Runs the bot for a turn; `clientAddress` is the address the conversation counts against. */
  readonly runTurn: (context: TurnContext, clientAddress: string) => Promise<void>;
  readonly logger: Logger;
  /** Where the refresh limits count (shared by every instance with PostgreSQL). */
  readonly counters: RateCounter;
  readonly bot: { readonly id: string; readonly name: string };
  readonly tokenTtlMs?: number;
  readonly idleMs?: number;
  readonly now?: () => number;
  /** Smaller limits for tests; the defaults are in limits.ts. */
  readonly limits?: Partial<DirectLineLimits>;
}

export interface DirectLineLimits extends ConversationLimits {
  readonly maxTokens: number;
  readonly refreshesPerConversation: number;
  readonly refreshesPerAddress: number;
  readonly maxSocketsPerConversation: number;
}

export interface DirectLineStats extends ConversationStats {
  readonly tokens: number;
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

/**
 * A Direct Line 3.0 service inside the assistant, for the website chat without an Azure account. Each token opens
 * exactly one conversation; turns run through the Bot Framework adapter in-process, one at a time per conversation,
 * and their replies are captured from the turn (expectReplies) instead of being posted to a serviceUrl.
 */
export class DirectLineService {
  readonly tokens: TokenStore;
  private readonly conversations: ConversationStore;
  private readonly sweeper: NodeJS.Timeout;
  private readonly closers = new Set<() => void>();
  private readonly refreshesByConversation: RateLimit;
  private readonly refreshesByAddress: RateLimit;
  /** How to close each stream (for the oldest when a conversation opens one too many). */
  private readonly streamClosers = new WeakMap<ActivityListener, () => void>();
  private readonly maxSockets: number;

  constructor(private readonly options: DirectLineOptions) {
    const now = options.now ?? Date.now;
    const limits = options.limits ?? {};
    this.tokens = new TokenStore(options.tokenTtlMs ?? 30 * 60_000, now, limits.maxTokens ?? MAX_LIVE_TOKENS);
    this.conversations = new ConversationStore(options.idleMs ?? 30 * 60_000, now, limits);
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
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Stops the sweeper and runs the close hooks (the open streams are closed, so the HTTP server can stop). */
  close(): void {
    clearInterval(this.sweeper);
    for (const closer of this.closers) closer();
    this.closers.clear();
  }

  /** Registers something to end when the service closes. */
  onClose(closer: () => void): void {
    this.closers.add(closer);
  }

  /** Lets go of conversations idle for longer than idleMs (runs every minute); returns how many. */
  sweep(): number {
    this.tokens.dropExpired();
    return this.conversations.sweep();
  }

  /** What the endpoint holds (counts and history bytes), for tests and the attack replay. */
  stats(): DirectLineStats {
    this.tokens.dropExpired();
    return { ...this.conversations.stats(), tokens: this.tokens.size };
  }

  /**
   * A new conversation and a token for it (POST /tokens/generate), counted against the client's address. Refused
   * (429) when the address holds its share of conversations, (503) when the server holds all it may.
   */
  generateToken(address = ''): Result<ConversationInfo & { readonly userId: string }> {
    const userId = `dl_${randomBytes(12).toString('base64url')}`;
    const conversation = this.conversations.tryCreate(userId, address);
    if (conversation === 'full') return SERVER_FULL();
    if (conversation === 'address') return ADDRESS_FULL();
    const issued = this.tokens.issue(conversation.id, userId, address);
    if (!issued) return SERVER_FULL();
    return ok({ conversationId: conversation.id, token: issued.token, expires_in: issued.expiresIn, userId });
  }

  /**
   * POST /tokens/refresh: a new token for the conversation, replacing the old one (which stops working at once).
   * Limited per client address and per conversation (429 with Retry-After).
   */
  async refreshToken(token: string | undefined, address = ''): Promise<Result<ConversationInfo>> {
    const byAddress = await this.refreshesByAddress.take(address);
    if (!byAddress.allowed)
      return fail(429, 'TooManyRequests', 'too many token refreshes from this address', byAddress.retryAfterSeconds);
    const grant = token ? this.tokens.verify(token) : undefined;
    if (!grant || !token) return fail(403, 'TokenExpired', 'the token is unknown or expired');
    const byConversation = await this.refreshesByConversation.take(grant.conversationId);
    if (!byConversation.allowed)
      return fail(
        429,
        'TooManyRequests',
        'too many token refreshes for this conversation',
        byConversation.retryAfterSeconds,
      );
    const refreshed = this.tokens.refresh(token);
    if (!refreshed) return fail(403, 'TokenExpired', 'the token is unknown or expired');
    return ok({
      conversationId: refreshed.grant.conversationId,
      token: refreshed.token,
      expires_in: refreshed.expiresIn,
    });
  }

  /** POST /conversations: starts the token's conversation (the bot greets) and returns where to stream it. */
  async startConversation(token: string | undefined, streamBase: string): Promise<Result<ConversationInfo>> {
    const grant = token ? this.tokens.verify(token) : undefined;
    if (!grant || !token) return fail(403, 'TokenExpired', 'a valid token is required');
    const found = this.conversationOf(grant);
    if (!found.ok) return found;
    const conversation = found.value;
    if (!conversation.started) {
      conversation.started = true;
      await this.enqueue(conversation, () =>
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
  reconnect(
    token: string | undefined,
    conversationId: string,
    streamBase: string,
    watermark?: number,
  ): Result<ConversationInfo> {
    const checked = this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { grant, conversation } = checked.value;
    const from = watermark ?? conversation.dropped + conversation.activities.length;
    return ok(this.info(conversation, token ?? '', grant, streamBase, from));
  }

  /**
   * POST /conversations/:id/activities: records the customer's activity and answers with its id at once; the turn
   * runs afterwards and its replies reach the client through the stream or the next poll.
   */
  postActivity(token: string | undefined, conversationId: string, incoming: Partial<Activity>): Result<{ id: string }> {
    const checked = this.authorize(token, conversationId);
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
    const [id = ''] = this.conversations.append(conversation, [activity]);
    if (activity.type !== ActivityTypes.Typing) {
      void this.enqueue(conversation, () => this.runTurn(conversation, { ...activity, id }));
    }
    return ok({ id });
  }

  /** GET /conversations/:id/activities?watermark= (polling). */
  activities(token: string | undefined, conversationId: string, watermark: number | undefined) {
    const checked = this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { activities, watermark: next } = this.conversations.since(checked.value.conversation, watermark);
    return ok({ activities, watermark: String(next) });
  }

  /**
   * Streams a conversation: sends what is after `watermark` now, then every new activity. Returns the unsubscribe.
   * A conversation has at most maxSocketsPerConversation streams: a new one closes the oldest (`close`).
   */
  subscribe(
    token: string | undefined,
    conversationId: string,
    watermark: number | undefined,
    listener: ActivityListener,
    close?: () => void,
  ): Result<() => void> {
    const checked = this.authorize(token, conversationId);
    if (!checked.ok) return checked;
    const { conversation } = checked.value;
    // One too many: the oldest stream goes (a reloaded tab's old socket may not have noticed it is dead).
    for (const oldest of conversation.listeners) {
      if (conversation.listeners.size < this.maxSockets) break;
      conversation.listeners.delete(oldest);
      this.streamClosers.get(oldest)?.();
    }
    const backlog = this.conversations.since(conversation, watermark);
    if (backlog.activities.length > 0) listener(backlog.activities, backlog.watermark);
    conversation.listeners.add(listener);
    if (close) this.streamClosers.set(listener, close);
    return ok(() => conversation.listeners.delete(listener));
  }

  /** Whether a conversation reference belongs to this built-in endpoint. */
  owns(reference: Partial<ConversationReference>): boolean {
    return reference.serviceUrl === BUILTIN_SERVICE_URL && reference.channelId === DIRECT_LINE_CHANNEL;
  }

  /** Delivers a proactive message (e.g. a parent's decision) into a built-in conversation; false if it is gone. */
  deliver(conversationId: string, activity: Partial<Activity>): boolean {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) return false;
    this.conversations.append(conversation, [this.fromBot(conversation, activity)]);
    return true;
  }

  private authorize(
    token: string | undefined,
    conversationId: string,
  ): Result<{ grant: TokenGrant; conversation: DirectLineConversation }> {
    const grant = token ? this.tokens.verify(token) : undefined;
    if (!grant) return fail(403, 'TokenExpired', 'a valid token is required');
    // A token opens only its own conversation.
    if (grant.conversationId !== conversationId)
      return fail(403, 'BadArgument', 'the token is not valid for this conversation');
    const conversation = this.conversationOf(grant);
    if (!conversation.ok) return conversation;
    return ok({ grant, conversation: conversation.value });
  }

  /**
   * The token's conversation; one dropped while idle comes back empty (its bot state is still in the store), within
   * the same caps as a new one.
   */
  private conversationOf(grant: TokenGrant): Result<DirectLineConversation> {
    const found = this.conversations.get(grant.conversationId);
    if (found) return ok(found);
    const created = this.conversations.tryCreate(grant.userId, grant.address, grant.conversationId);
    if (created === 'full') return SERVER_FULL();
    if (created === 'address') return ADDRESS_FULL();
    return ok(created);
  }

  private info(
    conversation: DirectLineConversation,
    token: string,
    grant: TokenGrant,
    streamBase: string,
    watermark?: number,
  ): ConversationInfo {
    const expiresIn = Math.max(0, Math.floor((grant.expiresAt - (this.options.now ?? Date.now)()) / 1000));
    const from = watermark === undefined ? '' : `&watermark=${watermark}`;
    const streamUrl = `${streamBase}/conversations/${encodeURIComponent(conversation.id)}/stream?t=${encodeURIComponent(token)}${from}`;
    return { conversationId: conversation.id, token, expires_in: expiresIn, streamUrl };
  }

  private enqueue(conversation: DirectLineConversation, work: () => Promise<void>): Promise<void> {
    const next = conversation.queue.then(work, work);
    conversation.queue = next.catch(() => undefined);
    return next;
  }

  private async runTurn(conversation: DirectLineConversation, activity: Partial<Activity>): Promise<void> {
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
      this.options.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        'direct line turn failed',
      );
      return;
    }
    const body: unknown = response?.body;
    const replies =
      typeof body === 'object' && body !== null && 'activities' in body && Array.isArray(body.activities)
        ? body.activities
        : [];
    if (replies.length > 0)
      this.conversations.append(
        conversation,
        replies.map((reply: Partial<Activity>) => this.fromBot(conversation, reply)),
      );
  }

  private fromBot(conversation: DirectLineConversation, activity: Partial<Activity>): Partial<Activity> {
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
