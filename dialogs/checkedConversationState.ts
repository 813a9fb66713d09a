import { ConversationState, type Storage, type StoreItem, type TurnContext } from 'botbuilder';

/** What a turn read: the stored item's eTag, and snapshots of the state as read (to tell what changed). */
interface Loaded {
  readonly eTag: string | undefined;
  readonly snapshot: string;
  /** The snapshot without the mergeable property (only with one). */
  readonly others?: string;
}

/**
 * The state as JSON, without its eTag: equal snapshots, same state. Plain JSON.stringify, not botbuilder's
 * calculateChangeHash (a stable stringify and a SHA-256 in JavaScript): this runs several times a turn, on state that
 * holds the lines said, and a false "changed" (the same keys in another order) only costs a write.
 */
function snapshotOf(state: StoreItem, without?: string): string {
  const { eTag: _, ...rest } = state;
  if (without !== undefined) delete rest[without];
  return JSON.stringify(rest);
}

/**
 * A state property a turn may change and still save over an overlapping turn's save: its changes are applied again
 * to the state as that turn left it. For facts that add up (the lines said, the language last used), not for steps.
 */
export interface MergeableProperty {
  readonly name: string;
  /** Applies this turn's changes of the property again, to the state as now loaded. */
  reapply(context: TurnContext): Promise<void>;
}

/** How often a merged save is tried again when yet another turn saved first meanwhile. */
const MERGE_ATTEMPTS = 3;

const isStoreItem = (value: unknown): value is StoreItem => typeof value === 'object' && value !== null;

/** Makes `to` hold `from`'s properties, but for its eTag and the property `keep` (left as `to` has them). */
function carryOver(from: StoreItem, to: StoreItem, keep: string): void {
  const own = (name: string) => name !== 'eTag' && name !== keep;
  for (const name of Object.keys(to)) if (own(name) && !Object.hasOwn(from, name)) delete to[name];
  for (const name of Object.keys(from)) if (own(name)) to[name] = from[name];
}

/**
 * ConversationState that writes with the eTag its turn read. Bot Framework's own saveChanges() always writes with
 * eTag "*" (overwrite whatever is stored), so of two turns of one conversation running at once (two messages sent
 * quickly, landing on two instances behind a load balancer) the later write would silently undo the earlier turn's
 * state. With the eTag, the store refuses the later write (StateConflictError, nothing stored) and the turn fails
 * visibly instead; the adapter tells the customer to send the message again (bot/channel/adapter.ts). When one of
 * the two turns changed nothing but the mergeable property (a question answered: the lines said), the later one is
 * not refused: the state is read again and its changes applied to it (see saveMerged).
 *
 * A conversation whose state did not exist yet is written with "*": two first turns at once cannot be told apart
 * (the first turn of a website chat is its greeting, which finishes before the visitor can type).
 */
export class CheckedConversationState extends ConversationState {
  readonly #loaded = Symbol('state as read');

  constructor(
    storage: Storage,
    private readonly mergeable?: MergeableProperty,
  ) {
    super(storage);
  }

  /** Reads the state (from the store when not read yet in this turn) and remembers what was read. */
  // biome-ignore lint/suspicious/noExplicitAny: BotState.load's own signature
  override async load(context: TurnContext, force = false): Promise<any> {
    const reading = force || this.get(context) === undefined;
    const state: unknown = await super.load(context, force);
    if (reading && isStoreItem(state)) {
      const eTag = typeof state.eTag === 'string' ? state.eTag : undefined;
      const loaded: Loaded = {
        eTag,
        snapshot: snapshotOf(state),
        ...(this.mergeable ? { others: snapshotOf(state, this.mergeable.name) } : {}),
      };
      context.turnState.set(this.#loaded, loaded);
    }
    return state;
  }

  /** Writes the state if it changed (or `force`), with the eTag read in this turn. */
  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    const state: unknown = this.get(context);
    const loaded: Loaded | undefined = context.turnState.get(this.#loaded);
    if (!isStoreItem(state)) {
      if (force) await this.write(context, {}, '*', snapshotOf({}));
      return;
    }
    const snapshot = snapshotOf(state);
    if (!force && loaded !== undefined && loaded.snapshot === snapshot) return;
    try {
      await this.write(context, state, loaded?.eTag ?? '*', snapshot);
    } catch (error) {
      const { mergeable } = this;
      if (!mergeable || loaded?.others === undefined) throw error;
      const onlyMergeable = loaded.others === snapshotOf(state, mergeable.name);
      await this.saveMerged(context, loaded, error, onlyMergeable ? undefined : state);
    }
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.#loaded);
    await super.delete(context);
  }

  /**
   * The write of a turn failed and another turn may have saved the state meanwhile (its eTag moved on). When one of
   * the two changed only the mergeable property, they do not contradict each other: this turn's changes are applied
   * to the state as now stored (its other properties, when it changed them, carried over; its mergeable edits applied
   * again) and written with the new eTag. When both changed other properties (two steps of a flow), or nobody else
   * saved (the store is down), it is the turn's failure.
   */
  private async saveMerged(
    context: TurnContext,
    read: Loaded,
    failure: unknown,
    mine: StoreItem | undefined,
  ): Promise<void> {
    const { mergeable } = this;
    if (!mergeable) throw failure;
    let before = read;
    let error = failure;
    for (let attempt = 0; attempt < MERGE_ATTEMPTS; attempt += 1) {
      try {
        await this.load(context, true);
      } catch {
        throw error;
      }
      const now: Loaded | undefined = context.turnState.get(this.#loaded);
      if (now === undefined || now.eTag === before.eTag) throw error; // nobody else saved: not an overlap
      // This turn changed more than the mergeable property: the other turns may have changed only that.
      if (mine && now.others !== read.others) throw error;
      const state: unknown = this.get(context);
      if (!isStoreItem(state)) throw error;
      if (mine) carryOver(mine, state, mergeable.name);
      await mergeable.reapply(context);
      try {
        await this.write(context, state, now.eTag ?? '*', snapshotOf(state));
        return;
      } catch (again) {
        error = again;
        before = now;
      }
    }
    throw error;
  }

  private async write(context: TurnContext, state: StoreItem, eTag: string, snapshot: string): Promise<void> {
    const key = await this.storageKey(context);
    await this.storage.write({ [key]: { ...state, eTag } });
    // Written: a second save in the same turn overwrites its own write (the stored eTag is new and not known here).
    context.turnState.set(this.#loaded, { eTag: '*', snapshot } satisfies Loaded);
  }
}
