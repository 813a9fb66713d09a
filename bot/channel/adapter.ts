import { type Activity, CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Assistant } from '../../dialogs/assistant.ts';
import { toActivity } from '../../dialogs/replies/toActivity.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log/logger.ts';
import { StateConflictError } from '../store/stateItems.ts';
import { CONNECTOR_TIMEOUT_MS, TimeLimitedAuthentication } from './timeLimitedAuthentication.ts';

/** CloudAdapter that can also run a turn for an activity that did not arrive over HTTP (the built-in Direct Line). */
export class AssistantAdapter extends CloudAdapter {
  /**
   * Runs one turn for an activity the HTTP route has already read and checked; authentication as configured (the
   * Authorization header is validated when a Microsoft app id is set). Resolves with the response to send.
   */
  processChecked(
    authorization: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }

  /** Runs one turn with the replies returned (the activity should use deliveryMode "expectReplies"). */
  runInProcess(
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    // No Authorization header: only used where no Microsoft app id is configured (authentication is off).
    return this.processActivity('', activity, logic);
  }
}

/**
 * The Bot Framework adapter. With no MicrosoftAppId, incoming requests are not authenticated (local use, tests,
 * the Emulator); with one, requests must carry a valid Bot Framework token.
 */
export function createAdapter(
  config: Config,
  logger: Logger,
  assistant: Pick<Assistant, 'conversationState' | 'composer' | 'prefs'>,
  connectorTimeoutMs = CONNECTOR_TIMEOUT_MS,
): AssistantAdapter {
  const auth = new TimeLimitedAuthentication(
    {
      MicrosoftAppId: config.bot.appId,
      MicrosoftAppPassword: config.bot.appPassword,
      MicrosoftAppType: config.bot.appType,
      MicrosoftAppTenantId: config.bot.tenantId,
    },
    connectorTimeoutMs,
  );
  const adapter = new AssistantAdapter(auth);
  adapter.onTurnError = turnErrorHandler(logger, assistant);
  return adapter;
}

/**
 * What a failed turn does. A turn refused because another turn of the conversation saved its state first (here or on
 * another instance) keeps that state and asks the customer to send the message again; any other failure says sorry
 * and drops the conversation's dialog state, so a broken step cannot fail every following turn.
 */
export function turnErrorHandler(
  logger: Logger,
  assistant: Pick<Assistant, 'conversationState' | 'composer' | 'prefs'>,
): (context: TurnContext, error: Error) => Promise<void> {
  const { conversationState, composer, prefs } = assistant;
  return async (context: TurnContext, error: Error) => {
    if (error instanceof StateConflictError) {
      // Another turn of this conversation (here or on another instance) wrote its state first: that state stands.
      logger.warn({ conversation: context.activity.conversation?.id }, 'turn overlapped another turn: state not saved');
      try {
        const lang = (await prefs.get(context))?.lang ?? 'id';
        await context.sendActivity(toActivity(composer.crossed(lang)));
      } catch (sendError) {
        logger.warn({ err: String(sendError) }, 'could not tell the customer about the overlapping turn');
      }
      return;
    }
    logger.error(
      {
        err: { name: error.name, message: error.message, stack: error.stack },
        conversation: context.activity.conversation?.id,
      },
      'turn failed',
    );
    try {
      await context.sendActivity(toActivity(composer.error('id')));
    } catch (sendError) {
      logger.warn({ err: String(sendError) }, 'could not tell the customer about the failed turn');
    }
    // Drop the conversation's dialog state so a broken step cannot fail every following turn.
    try {
      await conversationState.delete(context);
    } catch (deleteError) {
      logger.warn({ err: String(deleteError) }, 'could not reset conversation state');
    }
  };
}
