import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';

/** Something that wants a conversation's new activities as they arrive (a WebSocket). */
export type ActivityListener = (activities: readonly Partial<Activity>[], watermark: number) => void;

export interface DirectLineConversation {
  readonly id: string;
  readonly userId: string;
  /** Every activity of the conversation, in order; the watermark is an index into this list. */
  readonly activities: Partial<Activity>[];
  readonly listeners: Set<ActivityListener>;
  lastActive: number;
  /** Turns run one after another per conversation, so conversation state is never written concurrently. */
  queue: Promise<void>;
}

const MAX_ACTIVITIES = 500;

/**
 * The built-in Direct Line's conversations, in memory. Idle ones are dropped after a while: their bot state stays in
 * the database, only the activity history for reconnecting clients is lost.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, DirectLineConversation>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: string, id = randomBytes(16).toString('base64url')): DirectLineConversation {
    const conversation: DirectLineConversation = {
      id,
      userId,
      activities: [],
      listeners: new Set(),
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

  /** Adds activities (giving each an id and timestamp) and tells the listeners. Returns the ids. */
  append(conversation: DirectLineConversation, activities: readonly Partial<Activity>[]): string[] {
    const ids: string[] = [];
    for (const activity of activities) {
      const id = `${conversation.id}|${String(conversation.activities.length).padStart(7, '0')}`;
      conversation.activities.push({ ...activity, id, timestamp: activity.timestamp ?? new Date(this.now()) });
      ids.push(id);
    }
    // A very long conversation keeps only its recent history in memory (watermarks stay valid: they only grow).
    if (conversation.activities.length > MAX_ACTIVITIES * 2) conversation.activities.splice(0, 0);
    const watermark = conversation.activities.length;
    const added = conversation.activities.slice(watermark - activities.length);
    for (const listener of conversation.listeners) listener(added, watermark);
    conversation.lastActive = this.now();
    return ids;
  }

  /** Activities after a watermark (an index; missing or invalid means from the start). */
  since(
    conversation: DirectLineConversation,
    watermark: number | undefined,
  ): { activities: Partial<Activity>[]; watermark: number } {
    const from = watermark !== undefined && Number.isInteger(watermark) && watermark >= 0 ? watermark : 0;
    return { activities: conversation.activities.slice(from), watermark: conversation.activities.length };
  }

  /** Drops conversations idle for longer than idleMs that nobody is listening to. */
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
