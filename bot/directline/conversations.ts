import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import {
  HISTORY_FLOOR_BYTES,
  MAX_CONVERSATIONS,
  MAX_CONVERSATIONS_PER_ADDRESS,
  MAX_HISTORY_ACTIVITIES,
  MAX_HISTORY_BYTES,
  MAX_TOTAL_HISTORY_BYTES,
} from './limits.ts';

/** Something that wants a conversation's new activities as they arrive (a WebSocket). */
export type ActivityListener = (activities: readonly Partial<Activity>[], watermark: number) => void;

export interface DirectLineConversation {
  readonly id: string;
  readonly userId: string;
  /** The client address it counts against. */
  readonly address: string;
  /** Recent activities; `dropped` older ones were let go. A watermark counts every activity ever added. */
  readonly activities: Partial<Activity>[];
  /** The JSON size of each kept activity, and their sum. */
  readonly sizes: number[];
  bytes: number;
  dropped: number;
  /** In the order they subscribed (oldest first). */
  readonly listeners: Set<ActivityListener>;
  /** Whether the bot has been told the conversation started (conversationUpdate sent). */
  started: boolean;
  lastActive: number;
  /** Turns run one after another per conversation, so conversation state is never written concurrently. */
  queue: Promise<void>;
}

export interface ConversationLimits {
  readonly maxConversations: number;
  readonly maxPerAddress: number;
  readonly maxActivities: number;
  readonly maxBytes: number;
  readonly maxTotalBytes: number;
  readonly floorBytes: number;
}

export const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = {
  maxConversations: MAX_CONVERSATIONS,
  maxPerAddress: MAX_CONVERSATIONS_PER_ADDRESS,
  maxActivities: MAX_HISTORY_ACTIVITIES,
  maxBytes: MAX_HISTORY_BYTES,
  maxTotalBytes: MAX_TOTAL_HISTORY_BYTES,
  floorBytes: HISTORY_FLOOR_BYTES,
};

/** Why a conversation could not be created: the server holds all it may, or this address does. */
export type CreateRefusal = 'full' | 'address';

export interface ConversationStats {
  readonly conversations: number;
  readonly addresses: number;
  readonly historyActivities: number;
  readonly historyBytes: number;
  readonly listeners: number;
  /** The largest history of one conversation. */
  readonly maxConversationBytes: number;
  readonly maxConversationActivities: number;
}

/**
 * The built-in Direct Line's conversations, in memory, with bounded history (per conversation by count and bytes,
 * all together by bytes) and a bounded number of conversations (in total and per client address). Idle ones are
 * dropped after a while: their bot state stays in the database; only the activity history for reconnecting clients
 * goes.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, DirectLineConversation>();
  private readonly perAddress = new Map<string, number>();
  private readonly limits: ConversationLimits;
  private totalBytes = 0;

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
    limits: Partial<ConversationLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CONVERSATION_LIMITS, ...limits };
  }

  /** A new conversation, or why not (the caps on conversations in total and per address). */
  tryCreate(
    userId: string,
    address = '',
    id = randomBytes(18).toString('base64url'),
  ): DirectLineConversation | CreateRefusal {
    if (this.conversations.size >= this.limits.maxConversations) return 'full';
    const held = this.perAddress.get(address) ?? 0;
    if (held >= this.limits.maxPerAddress) return 'address';
    const conversation: DirectLineConversation = {
      id,
      userId,
      address,
      activities: [],
      sizes: [],
      bytes: 0,
      dropped: 0,
      listeners: new Set(),
      started: false,
      lastActive: this.now(),
      queue: Promise.resolve(),
    };
    this.conversations.set(id, conversation);
    this.perAddress.set(address, held + 1);
    return conversation;
  }

  /** A new conversation; throws when a cap refuses it (for tests and callers that checked). */
  create(userId: string, id?: string, address = ''): DirectLineConversation {
    const created = this.tryCreate(userId, address, id);
    if (typeof created === 'string') throw new Error(`conversation refused: ${created}`);
    return created;
  }

  get(id: string): DirectLineConversation | undefined {
    const conversation = this.conversations.get(id);
    if (conversation) conversation.lastActive = this.now();
    return conversation;
  }

  /** Adds activities (each gets an id and a timestamp) and tells the listeners. Returns the ids. */
  append(conversation: DirectLineConversation, activities: readonly Partial<Activity>[]): string[] {
    const added: Partial<Activity>[] = [];
    for (const activity of activities) {
      const seq = conversation.dropped + conversation.activities.length;
      const stored = {
        ...activity,
        id: `${conversation.id}|${String(seq).padStart(7, '0')}`,
        timestamp: activity.timestamp ?? new Date(this.now()),
      };
      const size = JSON.stringify(stored).length;
      conversation.activities.push(stored);
      conversation.sizes.push(size);
      conversation.bytes += size;
      this.totalBytes += size;
      added.push(stored);
    }
    this.trim(conversation);
    const watermark = conversation.dropped + conversation.activities.length;
    conversation.lastActive = this.now();
    for (const listener of conversation.listeners) listener(added, watermark);
    return added.map((a) => a.id ?? '');
  }

  /** Activities after a watermark (missing or invalid: from the oldest kept). */
  since(
    conversation: DirectLineConversation,
    watermark: number | undefined,
  ): { activities: Partial<Activity>[]; watermark: number } {
    const from = watermark !== undefined && Number.isSafeInteger(watermark) && watermark >= 0 ? watermark : 0;
    const start = Math.max(0, from - conversation.dropped);
    return {
      activities: conversation.activities.slice(start),
      watermark: conversation.dropped + conversation.activities.length,
    };
  }

  /** Drops conversations idle for longer than idleMs that nobody listens to. */
  sweep(): number {
    const limit = this.now() - this.idleMs;
    let dropped = 0;
    for (const [id, c] of this.conversations)
      if (c.lastActive < limit && c.listeners.size === 0) {
        this.remove(id, c);
        dropped += 1;
      }
    return dropped;
  }

  get size(): number {
    return this.conversations.size;
  }

  /** What is held, measured on the data structures themselves. */
  stats(): ConversationStats {
    let historyActivities = 0;
    let listeners = 0;
    let maxConversationBytes = 0;
    let maxConversationActivities = 0;
    for (const c of this.conversations.values()) {
      historyActivities += c.activities.length;
      listeners += c.listeners.size;
      maxConversationBytes = Math.max(maxConversationBytes, c.bytes);
      maxConversationActivities = Math.max(maxConversationActivities, c.activities.length);
    }
    return {
      conversations: this.conversations.size,
      addresses: this.perAddress.size,
      historyActivities,
      historyBytes: this.totalBytes,
      listeners,
      maxConversationBytes,
      maxConversationActivities,
    };
  }

  /**
   * Lets the oldest activities go until the conversation is within its count and bytes, and, while all histories
   * together are over their budget, down to the floor. Watermarks keep counting (`dropped`).
   */
  private trim(conversation: DirectLineConversation): void {
    const { maxActivities, maxBytes, maxTotalBytes, floorBytes } = this.limits;
    const others = this.totalBytes - conversation.bytes;
    let excess = 0;
    let bytes = conversation.bytes;
    const over = (): boolean => {
      const kept = conversation.activities.length - excess;
      if (kept === 0) return false;
      if (kept > maxActivities || bytes > maxBytes) return true;
      return others + bytes > maxTotalBytes && bytes > floorBytes;
    };
    while (over()) {
      bytes -= conversation.sizes[excess] ?? 0;
      excess += 1;
    }
    if (excess === 0) return;
    conversation.activities.splice(0, excess);
    conversation.sizes.splice(0, excess);
    this.totalBytes -= conversation.bytes - bytes;
    conversation.bytes = bytes;
    conversation.dropped += excess;
  }

  private remove(id: string, conversation: DirectLineConversation): void {
    this.conversations.delete(id);
    this.totalBytes -= conversation.bytes;
    const held = (this.perAddress.get(conversation.address) ?? 1) - 1;
    if (held > 0) this.perAddress.set(conversation.address, held);
    else this.perAddress.delete(conversation.address);
  }
}
