import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';

/** Something that wants a conversation's new activities as they arrive (a WebSocket). */
export type ActivityListener = (activities: readonly Partial<Activity>[], watermark: number) => void;

export interface DirectLineConversation {
  readonly id: string;
  readonly userId: string;
  /** Recent activities; `dropped` older ones were let go. A watermark counts every activity ever added. */
  readonly activities: Partial<Activity>[];
  dropped: number;
  readonly listeners: Set<ActivityListener>;
  /** Whether the bot has been told the conversation started (conversationUpdate sent). */
  started: boolean;
  lastActive: number;
  /** Turns run one after another per conversation, so conversation state is never written concurrently. */
  queue: Promise<void>;
}

/** A long conversation keeps this many recent activities for reconnecting clients. */
const KEEP_ACTIVITIES = 500;

/**
 * The built-in Direct Line's conversations, in memory. Idle ones are dropped after a while: their bot state stays in
 * the database; only the activity history for reconnecting clients goes.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, DirectLineConversation>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: string, id = randomBytes(18).toString('base64url')): DirectLineConversation {
    const conversation: DirectLineConversation = {
      id,
      userId,
      activities: [],
      dropped: 0,
      listeners: new Set(),
      started: false,
      lastActive: this.now(),
      queue: Promise.resolve(),
    };
    this.conversations.set(id, conversation);
    return conversation;
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
      conversation.activities.push(stored);
      added.push(stored);
    }
    const excess = conversation.activities.length - KEEP_ACTIVITIES;
    if (excess > 0) {
      conversation.activities.splice(0, excess);
      conversation.dropped += excess;
    }
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
        this.conversations.delete(id);
        dropped += 1;
      }
    return dropped;
  }

  get size(): number {
    return this.conversations.size;
  }
}
