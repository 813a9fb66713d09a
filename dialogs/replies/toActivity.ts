import { ActionTypes, type Activity, ActivityTypes, type CardAction, TextFormatTypes } from 'botbuilder';
import type { Reply } from './reply.ts';

/** Renders a framework-free reply as a Bot Framework message activity. */
export function toActivity(reply: Reply): Partial<Activity> {
  const actions: CardAction[] = reply.suggestions.map((s) => ({
    type: ActionTypes.MessageBack,
    title: s.title,
    // No `text`: the value says what to do, and displayText shows the customer's choice in the transcript.
    displayText: s.title,
    value: s.value,
  }));
  return {
    type: ActivityTypes.Message,
    text: reply.text,
    textFormat: TextFormatTypes.Markdown,
    ...(actions.length > 0 ? { suggestedActions: { actions, to: [] } } : {}),
    channelData: { wowrack: reply.meta },
  };
}
