import type { Lang } from '../../knowledge/types.ts';

/** What the assistant remembers about a conversation outside the dialog stack. */
export interface ConversationPrefs {
  lang: Lang;
  welcomed: boolean;
}

export const defaultPrefs = (): ConversationPrefs => ({ lang: 'id', welcomed: false });
