import { ConversationState, calculateChangeHash, type StoreItem, type TurnContext } from 'botbuilder';

/** What a turn read: the stored item's eTag, and the hash of the state as read (to tell whether it changed). */
interface Loaded {
  readonly eTag: string | undefined;
  readonly hash: string;
}

const isStoreItem = (value: unknown): value is StoreItem => typeof value === 'object' && value !== null;

/**
 * ConversationState that writes with the eTag its turn read. Bot Framework's own saveChanges() always writes with
 * eTag "*" (overwrite whatever is stored), so of two turns of one conversation running at once (two messages sent
 * quickly, landing on two instances behind a load balancer) the later write would silently undo the earlier turn's
 * state. With the eTag, the store refuses the later write (StateConflictError, nothing stored) and the turn fails
 * visibly instead; the adapter tells the customer to send the message again (bot/channel/adapter.ts).
 *
 * A conversation whose state did not exist yet is written with "*": two first turns at once cannot be told apart
 * (the first turn of a website chat is its greeting, which finishes before the visitor can type).
 */
export class CheckedConversationState extends ConversationState {
  readonly #loaded = Symbol('state as read');

  /** Reads the state (from the store when not read yet in this turn) and remembers what was read. */
  // biome-ignore lint/suspicious/noExplicitAny: BotState.load's own signature
  override async load(context: TurnContext, force = false): Promise<any> {
    const reading = force || this.get(context) === undefined;
    const state: unknown = await super.load(context, force);
    if (reading && isStoreItem(state)) {
      const eTag = typeof state.eTag === 'string' ? state.eTag : undefined;
      context.turnState.set(this.#loaded, { eTag, hash: calculateChangeHash(state) } satisfies Loaded);
    }
    return state;
  }

  /** Writes the state if it changed (or `force`), with the eTag read in this turn. */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const state: unknown = this.get(context);
    const loaded: Loaded | undefined = context.turnState.get(this.#loaded);
    if (!isStoreItem(state)) {
      if (force) await this.write(context, {}, '*');
      return;
    }
    if (!force && loaded !== undefined && loaded.hash === calculateChangeHash(state)) return;
    await this.write(context, state, loaded?.eTag ?? '*');
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.#loaded);
    await super.delete(context);
  }

  private async write(context: TurnContext, state: StoreItem, eTag: string): Promise<void> {
    const key = await this.storageKey(context);
    await this.storage.write({ [key]: { ...state, eTag } });
    // Written: a second save in the same turn overwrites its own write (the stored eTag is new and not known here).
    context.turnState.set(this.#loaded, { eTag: '*', hash: calculateChangeHash(state) } satisfies Loaded);
  }
}
