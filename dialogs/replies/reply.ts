import type { FlowName, Lang } from '../../knowledge/types.ts';

export type FeedbackVote = 'up' | 'down';

/** What a suggested action asks the assistant to do when the customer picks it. */
export type ReplyAction =
  | { readonly action: 'faq'; readonly id: string }
  | { readonly action: 'flow'; readonly flow: FlowName }
  | { readonly action: 'none-of-these' }
  /** 👍/👎 on the answer of knowledge entry `id`. */
  | { readonly action: 'feedback'; readonly vote: FeedbackVote; readonly id: string };

export interface Suggestion {
  readonly title: string;
  readonly value: ReplyAction;
}

export type ReplyKind =
  | 'answer'
  | 'suggest'
  | 'none'
  | 'offtopic'
  | 'contact'
  | 'smalltalk'
  | 'welcome'
  | 'feedback'
  | 'error';

/** Facts about a reply for analytics and feedback (sent as channelData, never shown). */
export interface ReplyMeta {
  readonly kind: ReplyKind;
  readonly lang: Lang;
  readonly entryId?: string;
  readonly score?: number;
  readonly candidates?: readonly string[];
}

/** One message of the assistant, independent of any chat framework. */
export interface Reply {
  readonly text: string;
  readonly suggestions: readonly Suggestion[];
  readonly meta: ReplyMeta;
}

/** The shape of a knowledge entry id (as knowledge/schema.ts requires). */
const ENTRY_ID = /^[a-z][a-z0-9_-]{0,63}$/;
const FEEDBACK_KEYS = new Set(['action', 'vote', 'id']);

/** A feedback value exactly as the composer builds it, or undefined: it is recorded, so nothing else is accepted. */
function parseFeedback(v: Record<string, unknown>): ReplyAction | undefined {
  if (Object.keys(v).some((key) => !FEEDBACK_KEYS.has(key))) return undefined;
  if (v.vote !== 'up' && v.vote !== 'down') return undefined;
  if (typeof v.id !== 'string' || !ENTRY_ID.test(v.id)) return undefined;
  return { action: 'feedback', vote: v.vote, id: v.id };
}

/** Reads a suggested action's value back from an incoming message (untrusted: anything may arrive). */
export function parseReplyAction(value: unknown): ReplyAction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.action === 'faq' && typeof v.id === 'string' && v.id.length <= 64) return { action: 'faq', id: v.id };
  // Any well-formed name: whether such a flow is offered is the answerer's decision.
  if (v.action === 'flow' && typeof v.flow === 'string' && ENTRY_ID.test(v.flow))
    return { action: 'flow', flow: v.flow };
  if (v.action === 'none-of-these') return { action: 'none-of-these' };
  if (v.action === 'feedback') return parseFeedback(v);
  return undefined;
}
