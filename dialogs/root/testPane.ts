import type { KnowledgeService } from '../../knowledge/knowledgeService.ts';
import type { MatchExplanation } from '../../knowledge/matcher.ts';
import type { Lang } from '../../knowledge/types.ts';
import type { ReplyKind } from '../replies/reply.ts';
import type { Answerer } from './answerer.ts';

/** What the admins' test pane shows for a message: the matcher's reasons and what the customer would get. */
export interface TestPaneResult {
  readonly explanation: MatchExplanation;
  /** The customer's outcome, decided by the same Answerer a turn uses (small talk and flows included). */
  readonly outcome:
    | {
        readonly kind: ReplyKind;
        readonly entryId?: string;
        readonly candidates?: readonly string[];
        readonly text: string;
      }
    | { readonly kind: 'flow'; readonly flow: string };
  /** The knowledge version that decided. */
  readonly version: string;
}

/** Runs a message through the Answerer (no state, nothing recorded) and the matcher's explain(). */
export function testMessage(answerer: Answerer, knowledge: KnowledgeService, text: string, lang: Lang): TestPaneResult {
  const version = knowledge.status.version;
  const message = text.slice(0, 1000);
  const outcome = answerer.handle({ text: message, lang });
  const explanation = knowledge.matcher.explain(message, { fallbackLang: lang });
  if (outcome.kind === 'flow') return { explanation, outcome: { kind: 'flow', flow: outcome.flow }, version };
  const { meta, text: reply } = outcome.reply;
  return {
    explanation,
    outcome: {
      kind: meta.kind,
      ...(meta.entryId ? { entryId: meta.entryId } : {}),
      ...(meta.candidates ? { candidates: meta.candidates } : {}),
      text: reply,
    },
    version,
  };
}
