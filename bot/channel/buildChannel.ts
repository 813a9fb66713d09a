import type { TurnContext } from 'botbuilder';
import type { Assistant } from '../../dialogs/assistant.ts';
import { setClientKey, setReachableLater } from '../../dialogs/flows/requestOrigin.ts';
import type { ConsentNotifier, RateCounter } from '../../domain/ports.ts';
import type { Config } from '../config.ts';
import { type DirectLineOptions, DirectLineService } from '../directline/directLineService.ts';
import type { Logger } from '../log/logger.ts';
import { type AssistantAdapter, createAdapter } from './adapter.ts';
import type { ClientKeys } from './clientKeys.ts';
import { ProactiveConsentNotifier } from './consentNotifier.ts';
import { PrivacyBot } from './privacyBot.ts';
import { parseServiceUrlAllowlist, ServiceUrlPolicy } from './serviceUrlPolicy.ts';

/** What the entry point knows about the turn it hands over. */
export interface TurnFacts {
  /** The client's address as the entry point saw it (hashed before anything keeps it). */
  readonly clientAddress: string;
  /** Whether the conversation may be called back later (its serviceUrl is allowed, or it is in-process). */
  readonly reachableLater: boolean;
}

export interface Channel {
  readonly adapter: AssistantAdapter;
  readonly runTurn: (context: TurnContext, facts: TurnFacts) => Promise<void>;
  /** Which serviceUrls may be called (SERVICE_URL_ALLOWLIST; all, with an Azure Bot's authentication). */
  readonly serviceUrls: ServiceUrlPolicy;
  /** The built-in Direct Line; absent when an Azure Bot (MicrosoftAppId) is configured. */
  readonly directLine?: DirectLineService;
  /** Reaches a customer's conversation after the fact (a parent's consent decision). */
  readonly notifier: ConsentNotifier;
}

/** Bot Framework around the conversation layer: the ActivityHandler, the adapter, the built-in Direct Line. */
export function buildChannel(
  config: Config,
  logger: Logger,
  assistant: Assistant,
  seams: {
    readonly now: () => Date;
    readonly clientKeys: ClientKeys;
    /** Where the rate limits count (the store's). */
    readonly counters: RateCounter;
    readonly connectorTimeoutMs?: number;
    readonly directLine?: Pick<DirectLineOptions, 'tokenTtlMs' | 'idleMs'>;
    /** Where the built-in Direct Line keeps tokens and conversations (the store's; memory if absent). */
    readonly directLineState?: DirectLineOptions['state'];
  },
): Channel {
  const bot = new PrivacyBot(assistant);
  const adapter = createAdapter(config, logger, assistant, seams.connectorTimeoutMs);
  const serviceUrls = new ServiceUrlPolicy(
    Boolean(config.bot.appId),
    parseServiceUrlAllowlist(config.serviceUrlAllowlist).rules,
  );
  const run = (context: TurnContext, clientKey: string, reachableLater: boolean) => {
    setClientKey(context, clientKey);
    setReachableLater(context, reachableLater);
    return bot.run(context);
  };
  const runTurn = (context: TurnContext, facts: TurnFacts) =>
    run(context, seams.clientKeys.keyOf(facts.clientAddress), facts.reachableLater);
  // The built-in Direct Line serves the website chat without Azure; with an Azure Bot (app id) Azure's is used.
  const directLine = config.bot.appId
    ? undefined
    : new DirectLineService({
        adapter,
        // Built-in conversations are reached in-process, never over HTTP: always reachable later.
        runTurn: (context, clientKey) => run(context, clientKey, true),
        clientKeyOf: (address) => seams.clientKeys.keyOf(address),
        logger,
        counters: seams.counters,
        bot: { id: 'wowrack-privacy-assistant', name: 'Asisten Privasi Wowrack' },
        now: () => seams.now().getTime(),
        ...seams.directLine,
        ...(seams.directLineState ? { state: seams.directLineState } : {}),
      });
  const notifier = new ProactiveConsentNotifier({
    adapter,
    appId: config.bot.appId,
    supportEmail: config.supportEmail,
    logger,
    serviceUrls,
    ...(directLine ? { directLine } : {}),
  });
  return { adapter, runTurn, serviceUrls, notifier, ...(directLine ? { directLine } : {}) };
}
