import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { Assistant } from '../../dialogs/assistant.ts';
import { toActivity } from '../../dialogs/replies/toActivity.ts';
import { defaultPrefs } from '../../dialogs/root/conversationPrefs.ts';

/** Greets new conversations, hands every message to the root dialog and saves state after each turn. */
export class PrivacyBot extends ActivityHandler {
  constructor(private readonly assistant: Assistant) {
    super();
    this.onMembersAdded(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.assistant.memory.attach(context);
      await this.assistant.rootDialog.run(context, this.assistant.dialogState);
      await next();
    });
    this.onDialog(async (context, next) => {
      await this.assistant.conversationState.saveChanges(context, false);
      await next();
    });
  }

  /** Greets once per conversation, when someone other than the bot joins. */
  private async welcome(context: TurnContext): Promise<void> {
    const botId = context.activity.recipient?.id;
    const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== botId);
    if (!joined) return;
    const { prefs, composer } = this.assistant;
    const current = await prefs.get(context, defaultPrefs());
    if (current.welcomed) return;
    current.welcomed = true;
    await prefs.set(context, current);
    await context.sendActivity(toActivity(composer.welcome(current.lang)));
  }
}
