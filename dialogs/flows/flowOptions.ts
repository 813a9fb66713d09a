import type { Lang } from '../../knowledge/types.ts';

/** What the root dialog passes to a flow it starts. */
export interface FlowOptions {
  readonly lang?: Lang;
  /** The customer's message that started the flow (reused where it already holds an answer). */
  readonly question?: string;
}
