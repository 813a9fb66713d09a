import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Memory } from './conversationMemory.ts';
import { setRecent } from './recentMap.ts';

/** How many conversations' memories one process keeps (the oldest set is forgotten first). */
const MAX_CONVERSATIONS = 10_000;

/**
 * The conversation memory kept in this process, per conversation: for the embedded store, which one process owns
 * (DATA_DIR's lock), so the next turn always lands here. A question then writes no conversation state at all, which
 * keeps an answer as cheap as it was before the memory could move between instances; the price is that a restart
 * forgets it (a ticket made after a restart quotes the lines said since). With a shared store the memory is in the
 * conversation state instead (createAssistant's `memoryInState`).
 */
export class ProcessMemoryAccessor implements StatePropertyAccessor<Memory> {
  readonly #memories = new Map<string, Memory>();

  constructor(private readonly maxConversations = MAX_CONVERSATIONS) {}

  get(context: TurnContext): Promise<Memory | undefined>;
  get(context: TurnContext, defaultValue: Memory): Promise<Memory>;
  async get(context: TurnContext, defaultValue?: Memory): Promise<Memory | undefined> {
    return this.#memories.get(context.activity.conversation.id) ?? defaultValue;
  }

  async set(context: TurnContext, value: Memory): Promise<void> {
    setRecent(this.#memories, context.activity.conversation.id, value, this.maxConversations);
  }

  async delete(context: TurnContext): Promise<void> {
    this.#memories.delete(context.activity.conversation.id);
  }
}
