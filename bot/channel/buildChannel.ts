import type { TurnContext } from 'botbuilder';
import type { Assistant } from '../../dialogs/assistant.ts';
import type { ConsentNotifier } from '../../domain/ports.ts';
import type { Config } from '../config.ts';
import { type DirectLineOptions, DirectLineService } from '../directline/directLineService.ts';
import type { Logger } from '../log/logger.ts';
import { type AssistantAdapter, createAdapter } from './adapter.ts';
import { ProactiveConsentNotifier } from './consentNotifier.ts';
import { PrivacyBot } from './privacyBot.ts';

export interface Channel {
  readonly adapter: AssistantAdapter;
  readonly runTurn: (context: TurnContext) => Promise<void>;
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
  seams: { readonly now: () => Date; readonly directLine?: Pick<DirectLineOptions, 'tokenTtlMs' | 'idleMs'> },
): Channel {
  const bot = new PrivacyBot(assistant);
  const adapter = createAdapter(config, logger, assistant);
  const runTurn = (context: TurnContext) => bot.run(context);
  // The built-in Direct Line serves the website chat without Azure; with an Azure Bot (app id) Azure's is used.
  const directLine = config.bot.appId
    ? undefined
    : new DirectLineService({
        adapter,
        runTurn,
        logger,
        bot: { id: 'wowrack-privacy-assistant', name: 'Asisten Privasi Wowrack' },
        now: () => seams.now().getTime(),
        ...seams.directLine,
      });
  const notifier = new ProactiveConsentNotifier(adapter, config.bot.appId, config.supportEmail, logger, directLine);
  return { adapter, runTurn, notifier, ...(directLine ? { directLine } : {}) };
}
