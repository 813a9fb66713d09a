import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { WaterfallStepContext } from 'botbuilder-dialogs';
import type { RequestOrigin } from '../../domain/records.ts';

/** Where the channel leaves the keyed hash of the client's address for this turn (never the address itself). */
const CLIENT_KEY = Symbol('wowrack.clientKey');

/** Called by the channel before a turn runs: whom the per-client caps count this turn's requests against. */
export function setClientKey(context: TurnContext, clientKey: string): void {
  context.turnState.set(CLIENT_KEY, clientKey);
}

/** The client key the channel set for this turn, if any. */
export function clientKeyOf(context: TurnContext): string | undefined {
  const key: unknown = context.turnState.get(CLIENT_KEY);
  return typeof key === 'string' ? key : undefined;
}

/** Where the channel says whether this conversation may be called back later (a proactive message). */
const REACHABLE_LATER = Symbol('wowrack.reachableLater');

/**
 * Called by the channel before a turn runs: whether the conversation's serviceUrl may be called later. A flow keeps
 * a conversation reference only then, so no URL an unauthenticated caller chose is ever stored to be called.
 */
export function setReachableLater(context: TurnContext, reachable: boolean): void {
  context.turnState.set(REACHABLE_LATER, reachable);
}

/** Whether the channel allowed calling this conversation back (false unless it said so). */
export function reachableLater(context: TurnContext): boolean {
  return context.turnState.get(REACHABLE_LATER) === true;
}

/** The field of a flow's waterfall values that holds its request key. */
const REQUEST_KEY = 'requestKey';

/** Gives a flow instance its request key when it begins: kept in dialog state, so a replayed step keeps it. */
export function assignRequestKey(step: WaterfallStepContext): void {
  if (requestKeyOf(step) === undefined) Object.assign(step.values, { [REQUEST_KEY]: randomUUID() });
}

function requestKeyOf(step: WaterfallStepContext): string | undefined {
  const values: object = step.values;
  const key: unknown = REQUEST_KEY in values ? Reflect.get(values, REQUEST_KEY) : undefined;
  return typeof key === 'string' ? key : undefined;
}

/** Where this flow's request comes from: the conversation, the flow instance's key and the client. */
export function requestOriginOf(step: WaterfallStepContext): RequestOrigin {
  const requestKey = requestKeyOf(step);
  const clientKey = clientKeyOf(step.context);
  return {
    conversationId: step.context.activity.conversation.id,
    ...(requestKey !== undefined ? { requestKey } : {}),
    ...(clientKey !== undefined ? { clientKey } : {}),
  };
}
