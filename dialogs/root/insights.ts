import type { FlowName, Lang } from '../../knowledge/types.ts';
import type { FeedbackVote, ReplyMeta } from '../replies/reply.ts';
import { parseReplyAction } from '../replies/reply.ts';
import { setRecent } from './recentMap.ts';

/**
 * What the admins' inbox and analytics learn from the conversations (implemented in domain/inboxRecorder.ts, which
 * keeps nothing that identifies a customer). The conversation id never leaves this layer: it only links, in memory,
 * a "did you mean" to the click that follows and a vote to the question it is about.
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

const MAX_CONVERSATIONS = 10_000;

/** Per conversation, in memory only: the open "did you mean" and the last answer (for a vote on it). */
export class InsightLinks {
  readonly #suggested = new Map<string, { readonly ref: string; readonly offered: readonly string[] }>();
  readonly #answered = new Map<string, { readonly entryId: string; readonly question: string }>();

  constructor(private readonly observer: InsightObserver) {}

  /** Before a message is decided: reports a click on the open "did you mean" (anything else closes it unclicked). */
  incoming(conversationId: string, value: unknown): void {
    const open = this.#suggested.get(conversationId);
    if (!open) return;
    this.#suggested.delete(conversationId);
    const action = parseReplyAction(value);
    if (action?.action === 'faq' && open.offered.includes(action.id))
      this.observer.suggestionFollowed(open.ref, action.id);
    else if (action?.action === 'none-of-these') this.observer.suggestionFollowed(open.ref, 'none-of-these');
  }

  /** A reply was sent for `question` (or for a click on a button, `value`). */
  replied(conversationId: string, meta: ReplyMeta, question: string, value: unknown): void {
    const ref = this.observer.replied(meta, question, parseReplyAction(value) !== undefined);
    if (meta.kind === 'suggest' && ref)
      setRecent(this.#suggested, conversationId, { ref, offered: meta.candidates ?? [] }, MAX_CONVERSATIONS);
    if (meta.kind === 'answer' && meta.entryId)
      setRecent(this.#answered, conversationId, { entryId: meta.entryId, question }, MAX_CONVERSATIONS);
  }

  /** A vote was recorded on an answer of this conversation. */
  voted(
    conversationId: string,
    vote: { readonly entryId: string; readonly vote: FeedbackVote; readonly lang: Lang },
  ): void {
    const last = this.#answered.get(conversationId);
    this.observer.voted(vote, last?.entryId === vote.entryId ? last.question : undefined);
  }

  flowStarted(flow: FlowName, lang: Lang): void {
    this.observer.flowStarted(flow, lang);
  }
}
