/**
 * The streams (WebSockets) this instance holds, as pumps: each remembers the watermark it has sent up to and, when
 * told that its conversation has more (a NOTIFY from whichever instance appended), fetches what it has not sent and
 * sends it. One fetch at a time per stream, so every activity is sent once and in order, however the notifications
 * arrive.
 */
import type { Activity } from 'botbuilder';
import type { ActivityListener } from '../../directline/state.ts';
import { describeError } from '../../log/describeError.ts';
import type { Logger } from '../../log/logger.ts';

type Fetch = (id: string, from: number) => Promise<{ activities: Partial<Activity>[]; watermark: number }>;

class Pump {
  #running = false;
  #again = false;
  #stopped = false;

  constructor(
    readonly id: string,
    private sent: number,
    private readonly listener: ActivityListener,
    private readonly fetch: Fetch,
    private readonly logger: Logger,
  ) {}

  /** There may be more (up to `watermark`, when known): fetch and send it, now or right after the fetch running. */
  kick(watermark?: number): void {
    if (this.#stopped || (watermark !== undefined && watermark <= this.sent)) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
  }

  async #run(): Promise<void> {
    try {
      do {
        this.#again = false;
        const { activities, watermark } = await this.fetch(this.id, this.sent);
        if (this.#stopped) return;
        if (activities.length > 0) this.listener(activities, watermark);
        this.sent = watermark;
      } while (this.#again && !this.#stopped);
    } catch (error) {
      // The next notification (or the reconnection of LISTEN) tries again.
      this.logger.warn({ error: describeError(error) }, 'direct line stream could not fetch new activities');
    } finally {
      this.#running = false;
    }
  }
}

export class StreamPumps {
  readonly #byConversation = new Map<string, Set<Pump>>();

  constructor(
    private readonly fetch: Fetch,
    private readonly logger: Logger,
  ) {}

  /** A stream of conversation `id` from watermark `from`; its backlog is sent at once. Returns the unsubscribe. */
  add(id: string, from: number, listener: ActivityListener): () => void {
    const pump = new Pump(id, from, listener, this.fetch, this.logger);
    const pumps = this.#byConversation.get(id) ?? new Set<Pump>();
    pumps.add(pump);
    this.#byConversation.set(id, pumps);
    pump.kick();
    return () => {
      pump.stop();
      pumps.delete(pump);
      if (pumps.size === 0 && this.#byConversation.get(id) === pumps) this.#byConversation.delete(id);
    };
  }

  /** Conversation `id` has activities up to `watermark`. */
  kick(id: string, watermark: number): void {
    for (const pump of this.#byConversation.get(id) ?? [])
      pump.kick(Number.isSafeInteger(watermark) ? watermark : undefined);
  }

  /** Every stream looks again (after notifications may have been missed). */
  kickAll(): void {
    for (const pumps of this.#byConversation.values()) for (const pump of pumps) pump.kick();
  }

  /** The conversations streamed here. */
  conversations(): string[] {
    return [...this.#byConversation.keys()];
  }

  get size(): number {
    let count = 0;
    for (const pumps of this.#byConversation.values()) count += pumps.size;
    return count;
  }

  clear(): void {
    for (const pumps of this.#byConversation.values()) for (const pump of pumps) pump.stop();
    this.#byConversation.clear();
  }
}
