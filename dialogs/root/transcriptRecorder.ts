import { ActivityTypes, type TurnContext } from 'botbuilder';
import { redact } from '../../domain/redact.ts';
import { setRecent } from './recentMap.ts';

const MAX_LINES = 12;
const MAX_LINE = 300;
const MAX_CONVERSATIONS = 5000;

/**
 * Keeps the last few lines of recent conversations (handed out with personal data masked), so a support ticket can show what led to
 * it. Held in memory only, for a bounded number of conversations: it is context for staff, not a record, and keeping
 * it out of the database means an ordinary question costs no disk write (privacy by design, too).
 */
export class TranscriptRecorder {
  private readonly lines = new Map<string, string[]>();

  /** Records the customer's message and, as they are sent, the assistant's replies of this turn. */
  attach(context: TurnContext): void {
    const id = context.activity.conversation?.id;
    if (!id) return;
    if (context.activity.type === ActivityTypes.Message && context.activity.text)
      this.add(id, `Pelanggan: ${context.activity.text}`);
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) if (a.type === ActivityTypes.Message && a.text) this.add(id, `Asisten: ${a.text}`);
      return next();
    });
  }

  /** The recent lines, personal data masked (masking happens here, once, rather than on every turn). */
  recent(conversationId: string): readonly string[] {
    return (this.lines.get(conversationId) ?? []).map((line) => {
      const flat = redact(line.replace(/\s+/g, ' ').trim());
      return flat.length > MAX_LINE ? `${flat.slice(0, MAX_LINE - 1)}…` : flat;
    });
  }

  private add(conversationId: string, line: string): void {
    const lines = this.lines.get(conversationId) ?? [];
    // Kept a little longer than shown, so masking a number cut at the end cannot reveal part of it.
    lines.push(line.slice(0, MAX_LINE * 2));
    setRecent(this.lines, conversationId, lines.slice(-MAX_LINES), MAX_CONVERSATIONS);
  }
}
