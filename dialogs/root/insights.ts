import type { TurnContext } from 'botbuilder';
import type { FlowName, Lang } from '../../knowledge/types.ts';
import type { FeedbackVote, ReplyMeta } from '../replies/reply.ts';
import { parseReplyAction } from '../replies/reply.ts';
import type { ConversationMemory } from './conversationMemory.ts';

/**
 * What the admins' inbox and analytics learn from the conversations (implemented in domain/inboxRecorder.ts, which
 * keeps nothing that identifies a customer). The conversation id never leaves this layer: it only links, in the
 * conversation's memory, a "did you mean" to the click that follows and a vote to the question it is about.
 */
export interface InsightObserver {
  /**
   * A reply to a customer's message (`clicked`: to a button's value, not typed text); for a "did you mean" returns a
   * reference for the choice that follows.
   */
  replied(meta: ReplyMeta, question: string, clicked: boolean): string | undefined;
  /** What was clicked after a "did you mean": an offered entry id or `none-of-these`. */
  suggestionFollowed(ref: string, choice: string): void;
  /** A vote that was recorded, with the question its answer was given to (when still known). */
  voted(vote: { readonly entryId: string; readonly vote: FeedbackVote; readonly lang: Lang }, question?: string): void;
  flowStarted(flow: FlowName, lang: Lang): void;
}

/** What happens inside a flow, for the inbox and the funnels. */
export interface FlowObserver {
  /** The request was recorded (or found recorded). */
  flowCompleted(flow: FlowName, lang: Lang): void;
  /** Cancelled ("batal"), or not confirmed at the summary (step `confirm`). */
  flowCancelled(flow: FlowName, step: string, lang: Lang): void;
  /** A message that was not the step's answer: a question, answered from the statement (`entryId`) or not. */
  askedInFlow(flow: FlowName, step: string, question: string, lang: Lang, entryId?: string): void;
}

/**
 * Links a "did you mean" to the click that follows and a vote to the question it is about, through the
 * conversation's memory (in its conversation state with a shared store, where the click or the vote may come to
 * another instance; in this process with the embedded store).
 */
export class InsightLinks {
  constructor(
    private readonly observer: InsightObserver,
    private readonly memory: ConversationMemory,
  ) {}

  /** Before a message is decided: reports a click on the open "did you mean" (anything else closes it unclicked). */
  async incoming(context: TurnContext): Promise<void> {
    const open = await this.memory.takeSuggestion(context);
    if (!open) return;
    const action = parseReplyAction(context.activity.value);
    if (action?.action === 'faq' && open.offered.includes(action.id))
      this.observer.suggestionFollowed(open.ref, action.id);
    else if (action?.action === 'none-of-these') this.observer.suggestionFollowed(open.ref, 'none-of-these');
  }

  /** A reply was sent for the message (typed, or a click on a button: its value). */
  async replied(context: TurnContext, meta: ReplyMeta): Promise<void> {
    const { text, value } = context.activity;
    const question = text ?? '';
    const ref = this.observer.replied(meta, question, parseReplyAction(value) !== undefined);
    if (meta.kind === 'suggest' && ref)
      await this.memory.setSuggestion(context, { ref, offered: meta.candidates ?? [] });
    if (meta.kind === 'answer' && meta.entryId) await this.memory.setAnswered(context, meta.entryId, question);
  }

  /** A vote was recorded on an answer of this conversation. */
  async voted(
    context: TurnContext,
    vote: { readonly entryId: string; readonly vote: FeedbackVote; readonly lang: Lang },
  ): Promise<void> {
    const last = (await this.memory.get(context)).answered;
    this.observer.voted(vote, last?.entryId === vote.entryId ? last.question : undefined);
  }

  flowStarted(flow: FlowName, lang: Lang): void {
    this.observer.flowStarted(flow, lang);
  }
}
