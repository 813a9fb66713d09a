import type { FlowName, Lang } from '../knowledge/types.ts';

/** What a suggested action asks the assistant to do when the customer picks it. */
export type ReplyAction =
  | { readonly action: 'faq'; readonly id: string }
  | { readonly action: 'flow'; readonly flow: FlowName }
  | { readonly action: 'none-of-these' };

export interface Suggestion {
  readonly title: string;
  readonly value: ReplyAction;
}

export type ReplyKind = 'answer' | 'suggest' | 'none' | 'offtopic' | 'smalltalk' | 'welcome' | 'error';

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

const FLOWS: readonly FlowName[] = ['unsubscribe', 'support', 'parental-consent'];

/** Reads a suggested action's value back from an incoming message (untrusted: anything may arrive). */
export function parseReplyAction(value: unknown): ReplyAction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.action === 'faq' && typeof v.id === 'string' && v.id.length <= 64) return { action: 'faq', id: v.id };
  if (v.action === 'flow' && typeof v.flow === 'string') {
    const flow = FLOWS.find((f) => f === v.flow);
    return flow ? { action: 'flow', flow } : undefined;
  }
  if (v.action === 'none-of-these') return { action: 'none-of-these' };
  return undefined;
}
