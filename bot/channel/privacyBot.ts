import { ActivityHandler, type BotState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { ReplyComposer } from '../../dialogs/replies/composer.ts';
import { toActivity } from '../../dialogs/replies/toActivity.ts';
import { type ConversationPrefs, defaultPrefs } from '../../dialogs/root/conversationPrefs.ts';
import type { RootDialog } from '../../dialogs/root/rootDialog.ts';
import type { TranscriptRecorder } from '../../dialogs/root/transcriptRecorder.ts';

/** Greets new conversations, hands every message to the root dialog and saves state after each turn. */
export class PrivacyBot extends ActivityHandler {
  constructor(
    private readonly conversationState: BotState,
    private readonly dialogState: StatePropertyAccessor<DialogState>,
    private readonly prefs: StatePropertyAccessor<ConversationPrefs>,
    private readonly rootDialog: RootDialog,
    private readonly composer: ReplyComposer,
    private readonly transcript: TranscriptRecorder,
  ) {
    super();
    this.onMembersAdded(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      this.transcript.attach(context);
      await this.rootDialog.run(context, this.dialogState);
      await next();
    });
    this.onDialog(async (context, next) => {
      await this.conversationState.saveChanges(context, false);
      await next();
    });
  }

  /** Greets once per conversation, when someone other than the bot joins. */
  private async welcome(context: TurnContext): Promise<void> {
    const botId = context.activity.recipient?.id;
    const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== botId);
    if (!joined) return;
    const prefs = await this.prefs.get(context, defaultPrefs());
    if (prefs.welcomed) return;
    prefs.welcomed = true;
    await this.prefs.set(context, prefs);
    await context.sendActivity(toActivity(this.composer.welcome(prefs.lang)));
  }
}
