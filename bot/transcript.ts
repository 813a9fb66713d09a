import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { redact } from './redact.ts';

const MAX_LINES = 12;
const MAX_LINE = 300;

/**
 * Keeps the last few lines of a conversation in its state, personal data masked, so a ticket can show support what
 * led to it. Nothing older is kept (privacy by design).
 */
export class TranscriptRecorder {
  constructor(private readonly lines: StatePropertyAccessor<string[]>) {}

  /** Records the customer's message and, as they are sent, the assistant's replies of this turn. */
  async attach(context: TurnContext): Promise<void> {
    if (context.activity.type === ActivityTypes.Message && context.activity.text)
      await this.add(context, `Pelanggan: ${context.activity.text}`);
    context.onSendActivities(async (ctx, activities, next) => {
      for (const a of activities)
        if (a.type === ActivityTypes.Message && a.text) await this.add(ctx, `Asisten: ${a.text}`);
      return next();
    });
  }

  async recent(context: TurnContext): Promise<readonly string[]> {
    return [...(await this.lines.get(context, []))];
  }

  private async add(context: TurnContext, line: string): Promise<void> {
    const flat = redact(line.replace(/\s+/g, ' ').trim());
    const lines = await this.lines.get(context, []);
    lines.push(flat.length > MAX_LINE ? `${flat.slice(0, MAX_LINE - 1)}…` : flat);
    await this.lines.set(context, lines.slice(-MAX_LINES));
  }
}
