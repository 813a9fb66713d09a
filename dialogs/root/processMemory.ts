import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Memory } from './conversationMemory.ts';
import { setRecent } from './recentMap.ts';

export interface ProcessMemoryOptions {
  /** How many conversations' memories are kept (the one set longest ago is forgotten first). */
  readonly maxConversations?: number;
  /** A memory not changed for this long is forgotten: a conversation idle this long starts afresh. */
  readonly maxIdleMs?: number;
  /** Milliseconds now (tests). */
  readonly now?: () => number;
}

/** A conversation as the conversation state keys it: its id within its channel. */
const keyOf = (context: TurnContext): string => `${context.activity.channelId}/${context.activity.conversation.id}`;

interface Kept {
  readonly memory: Memory;
  readonly setAt: number;
}

/**
 * The conversation memory kept in this process, per conversation: for the embedded store, which one process owns
 * (DATA_DIR's lock), so the next turn always lands here. A question then writes no conversation state at all, which
 * keeps an answer as cheap as it was before the memory could move between instances; the price is that a restart
 * forgets it (a ticket made after a restart quotes the lines said since). With a shared store the memory is in the
 * conversation state instead (createAssistant's `memoryInState`). Its lines are masked (ConversationMemory), and kept
 * only for a bounded number of conversations and a day without a change.
 */
export class ProcessMemoryAccessor implements StatePropertyAccessor<Memory> {
  readonly #kept = new Map<string, Kept>();
  readonly #max: number;
  readonly #maxIdleMs: number;
  readonly #now: () => number;

  constructor(options: ProcessMemoryOptions = {}) {
    this.#max = options.maxConversations ?? 5000;
    this.#maxIdleMs = options.maxIdleMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  get(context: TurnContext): Promise<Memory | undefined>;
  get(context: TurnContext, defaultValue: Memory): Promise<Memory>;
  async get(context: TurnContext, defaultValue?: Memory): Promise<Memory | undefined> {
    this.#forgetIdle();
    return this.#kept.get(keyOf(context))?.memory ?? defaultValue;
  }

  async set(context: TurnContext, memory: Memory): Promise<void> {
    setRecent(this.#kept, keyOf(context), { memory, setAt: this.#now() }, this.#max);
  }

  async delete(context: TurnContext): Promise<void> {
    this.#kept.delete(keyOf(context));
  }

  /** The map is in the order of the last set (setRecent), so the idle ones are at its front. */
  #forgetIdle(): void {
    const cutoff = this.#now() - this.#maxIdleMs;
    for (const [id, kept] of this.#kept) {
      if (kept.setAt > cutoff) return;
      this.#kept.delete(id);
    }
  }
}
