/**
 * The real assistant with real services for dialog tests of the three flows: a JsonDatabase in a temp dir, JsonStateStorage on
 * it for bot state, an Outbox with an in-memory transport, MailQuota, and the three request services, all on one
 * injectable clock. Wired like bot/app.ts (createAssistant), driven through botbuilder's TestAdapter.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Activity, type CardAction, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { turnErrorHandler } from '../../bot/channel/adapter.ts';
import { PrivacyBot } from '../../bot/channel/privacyBot.ts';
import { DEFAULT_CONSOLE_CONFIG } from '../../bot/config.ts';
import { Outbox } from '../../bot/mail/outbox.ts';
import type { MailTransport, OutgoingMail } from '../../bot/mail/transport.ts';
import { buildServices, type DomainServices } from '../../bot/services.ts';
import { JsonDatabase } from '../../bot/store/lowdb/jsonDatabase.ts';
import type { DatabaseShape } from '../../bot/store/lowdb/jsonDocument.ts';
import { JsonStateStorage } from '../../bot/store/lowdb/jsonStateStorage.ts';
import { LowdbRequestStore } from '../../bot/store/lowdb/lowdbRequestStore.ts';
import { MemoryRateCounter } from '../../bot/store/memory/rateCounter.ts';
import { StateConflictError } from '../../bot/store/stateItems.ts';
import { createAssistant } from '../../dialogs/assistant.ts';
import { setClientKey, setReachableLater } from '../../dialogs/flows/requestOrigin.ts';
import type { ReplyMeta } from '../../dialogs/replies/reply.ts';
import { DEFAULT_DEADLINE_POLICY } from '../../domain/deadlines.ts';
import type { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import type { FlowName, Lang } from '../../knowledge/types.ts';
import { loadRealKnowledge, SUPPORT_EMAIL } from './buildBot.ts';

export { loadRealKnowledge, SUPPORT_EMAIL };

export const MARKETING_EMAIL = 'marketing@wowrack.co.id';
export const MAIL_FROM = 'privacy-assistant@wowrack.co.id';
export const PUBLIC_URL = 'https://chat.wowrack.test';
/** 27 November 2026, 10:00 WIB. */
export const START_TIME = '2026-11-27T03:00:00.000Z';
export const HOUR_MS = 3_600_000;
/** A request key: a random UUID per flow instance. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const DAY_MS = 24 * HOUR_MS;

/** A clock the services, the outbox, the quota and the storage all read; moves only when told to. */
export class TestClock {
  private time: number;

  constructor(start: string = START_TIME) {
    this.time = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.time);

  advance(ms: number): void {
    this.time += ms;
  }
}

/** An in-memory MailTransport: records every attempt and every accepted mail; failWith() makes sends throw. */
export class CapturingTransport implements MailTransport {
  /** Mails the transport accepted, in order. */
  readonly sent: OutgoingMail[] = [];
  /** Every call of send(), accepted or not. */
  readonly attempts: OutgoingMail[] = [];
  closed = false;
  private failure: Error | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  /** Every following send() throws `error` (like an SMTP server answering 4xx) until succeed() is called. */
  failWith(error: Error = Object.assign(new Error('451 4.3.0 temporary failure'), { code: 'EENVELOPE' })): void {
    this.failure = error;
  }

  succeed(): void {
    this.failure = undefined;
  }

  /** Following sends wait (a slow SMTP server) until release(). */
  hold(): void {
    this.gate ??= new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.attempts.push(mail);
    await this.gate;
    await Promise.resolve();
    if (this.failure) throw this.failure;
    this.sent.push(mail);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Mails accepted for one recipient. */
  to(address: string): OutgoingMail[] {
    return this.sent.filter((m) => m.to === address);
  }
}

/** One conversation with the bot (its own conversation id on the harness's adapter). */
export interface Chat {
  readonly conversationId: string;
  /** Sends a message (text or a whole activity) and returns what the bot sent back in that turn. */
  send(activity: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** Sends a message and returns only the texts of the replies. */
  say(text: string): Promise<string[]>;
  /** Clicks a suggested action: sends its value (and its title as text), as a channel does for messageBack. */
  click(action: { readonly title?: string; readonly value?: unknown }): Promise<Partial<Activity>[]>;
}

export interface FlowHarness {
  readonly dir: string;
  readonly db: JsonDatabase;
  readonly storage: JsonStateStorage;
  readonly store: LowdbRequestStore;
  readonly outbox: Outbox;
  readonly services: DomainServices;
  readonly transport: CapturingTransport;
  readonly clock: TestClock;
  readonly adapter: TestAdapter;
  /** What the root dialog told its observer. */
  readonly flowsStarted: { readonly flow: FlowName; readonly lang: Lang }[];
  readonly flowFailures: { readonly flow: string; readonly error: unknown }[];
  readonly answered: { readonly meta: ReplyMeta; readonly question: string }[];
  chat(conversationId?: string): Chat;
  /** A deep copy of the database as it is now (records and outbox). */
  snapshot(): DatabaseShape;
  /** Waits for the outbox's background delivery run, if one is in progress. */
  settle(): Promise<void>;
  /** Stops the outbox and closes the database (the directory stays). Idempotent. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly dir: string;
  readonly knowledge: KnowledgeService;
  readonly clock?: TestClock;
  readonly transport?: CapturingTransport;
  readonly deliveryWaitMs?: number;
  /** The conversation memory in the conversation state, as with a shared store (default: in the process). */
  readonly memoryInState?: boolean;
}

export const DEFAULT_CONVERSATION = 'conv-1';

/** The outbox (on `transport`) and the request services on `store`, as bot/app.ts builds them. */
export function buildTestServices(
  store: LowdbRequestStore,
  transport: MailTransport,
  now: () => Date,
  deliveryWaitMs = 200,
): { readonly outbox: Outbox; readonly services: DomainServices } {
  const outbox = new Outbox({
    store,
    queue: store.mailQueue,
    transport,
    logger: pino({ level: 'silent' }),
    from: MAIL_FROM,
    now,
  });
  const services = buildServices(
    {
      supportEmail: SUPPORT_EMAIL,
      publicUrl: PUBLIC_URL,
      mail: { marketingEmail: MARKETING_EMAIL },
      deadlines: DEFAULT_DEADLINE_POLICY,
      console: DEFAULT_CONSOLE_CONFIG,
    },
    store,
    outbox,
    { now, deliveryWaitMs },
  );
  return { outbox, services };
}

/** Opens (or reopens) the whole stack on `dir`, as bot/app.ts wires it, minus HTTP. */
export async function openHarness(options: HarnessOptions): Promise<FlowHarness> {
  const clock = options.clock ?? new TestClock();
  const transport = options.transport ?? new CapturingTransport();
  const now = clock.now;
  const deliveryWaitMs = options.deliveryWaitMs ?? 200;

  const db = await JsonDatabase.open(options.dir);
  const store = new LowdbRequestStore(db);
  const storage = new JsonStateStorage(db, { now });
  const { outbox, services } = buildTestServices(store, transport, now, deliveryWaitMs);

  const flowsStarted: { flow: FlowName; lang: Lang }[] = [];
  const flowFailures: { flow: string; error: unknown }[] = [];
  const answered: { meta: ReplyMeta; question: string }[] = [];
  const assistant = createAssistant({
    knowledge: options.knowledge,
    storage,
    supportEmail: SUPPORT_EMAIL,
    services,
    counters: new MemoryRateCounter(() => now().getTime()),
    memoryInState: options.memoryInState ?? false,
    observer: {
      answered: (meta, question) => answered.push({ meta, question }),
      flowStarted: (flow, lang) => flowsStarted.push({ flow, lang }),
      flowFailed: (flow, error) => flowFailures.push({ flow, error }),
    },
  });
  const bot = new PrivacyBot(assistant);
  // As the channel does: TestAdapter's conversations may be called back; all come from one test client.
  const adapter = new TestAdapter((context) => {
    setReachableLater(context, true);
    setClientKey(context, 'test-client');
    return bot.run(context);
  });
  // Two turns of one conversation at once: the one refused at its state save is answered as the app answers it
  // (other failures still reach the test).
  const onConflict = turnErrorHandler(pino({ level: 'silent' }), assistant);
  adapter.onTurnError = async (context, error) => {
    if (!(error instanceof StateConflictError)) throw error;
    await onConflict(context, error);
  };

  let closed = false;
  const chat = (conversationId: string = DEFAULT_CONVERSATION): Chat => {
    const send = async (activity: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
      const incoming: Partial<Activity> = typeof activity === 'string' ? { type: 'message', text: activity } : activity;
      adapter.activeQueue.splice(0);
      await adapter.processActivity({
        ...incoming,
        conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: conversationId },
      });
      return adapter.activeQueue.splice(0);
    };
    return {
      conversationId,
      send,
      say: async (text) => (await send(text)).map((a) => a.text ?? ''),
      click: (action) =>
        send({
          type: 'message',
          text: typeof action.title === 'string' ? action.title : '',
          value: action.value,
        }),
    };
  };

  return {
    dir: options.dir,
    db,
    storage,
    store,
    outbox,
    services,
    transport,
    clock,
    adapter,
    flowsStarted,
    flowFailures,
    answered,
    chat,
    snapshot: () => db.read((data) => structuredClone(data) as DatabaseShape),
    settle: async () => {
      await outbox.deliverDue();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await outbox.stop();
      await db.close();
    },
  };
}

export interface HarnessHooks {
  /** The harness of the running test. */
  readonly current: () => FlowHarness;
  readonly dir: () => string;
  readonly knowledge: () => KnowledgeService;
  /**
   * Simulates a process restart: closes the current harness (outbox stopped, database flushed and closed), then opens a
   * new JsonDatabase, JsonStateStorage, services and assistant on the same directory. Keeps the clock and, unless another is
   * given, the transport. Returns the new harness, which current() returns from then on.
   */
  readonly restart: (options?: { readonly transport?: CapturingTransport }) => Promise<FlowHarness>;
}

/** Mocha hooks: a fresh temp dir and harness per test, closed and removed after it. Call inside a describe. */
export function useFlowHarness(
  setup: { readonly deliveryWaitMs?: number; readonly memoryInState?: boolean } = {},
): HarnessHooks {
  let dir: string | undefined;
  let harness: FlowHarness | undefined;
  let knowledge: KnowledgeService | undefined;
  before(async () => {
    knowledge = await loadRealKnowledge();
  });
  beforeEach(async () => {
    if (!knowledge) throw new Error('knowledge not loaded');
    dir = await mkdtemp(join(tmpdir(), 'wowrack-flows-'));
    harness = await openHarness({ dir, knowledge, ...setup });
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const current = (): FlowHarness => {
    if (!harness) throw new Error('useFlowHarness: no test is running');
    return harness;
  };
  const currentDir = (): string => {
    if (!dir) throw new Error('useFlowHarness: no test is running');
    return dir;
  };
  const currentKnowledge = (): KnowledgeService => {
    if (!knowledge) throw new Error('useFlowHarness: knowledge not loaded');
    return knowledge;
  };
  return {
    current,
    dir: currentDir,
    knowledge: currentKnowledge,
    restart: async (options = {}) => {
      const before = current();
      await before.close();
      harness = await openHarness({
        dir: currentDir(),
        knowledge: currentKnowledge(),
        clock: before.clock,
        transport: options.transport ?? before.transport,
        ...setup,
      });
      return harness;
    },
  };
}

/** The suggested actions of a reply. */
export const actionsOf = (activity: Partial<Activity> | undefined): CardAction[] =>
  activity?.suggestedActions?.actions ?? [];

/** The analytics facts a reply carries in channelData. */
export function metaOf(activity: Partial<Activity> | undefined): ReplyMeta | undefined {
  const data: unknown = activity?.channelData;
  if (typeof data !== 'object' || data === null || !('wowrack' in data)) return undefined;
  return data.wowrack as ReplyMeta;
}

/** Texts of a turn's replies. */
export const textsOf = (replies: readonly Partial<Activity>[]): string[] => replies.map((r) => r.text ?? '');
