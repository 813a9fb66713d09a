import { ActionTypes, type Activity, MessageFactory } from 'botbuilder';
import { type Choice, ChoicePrompt, ListStyle, type PromptValidatorContext, TextPrompt } from 'botbuilder-dialogs';
import { firstEmailIn, mailboxKey } from '../../domain/address.ts';
import type { Lang } from '../../knowledge/types.ts';
import { say } from '../replies/texts.ts';

/** Prompt ids. The interruption logic reads them to know what kind of answer the current step expects. */
export const PROMPTS = {
  confirm: 'confirmPrompt',
  choice: 'choicePrompt',
  email: 'emailPrompt',
  name: 'namePrompt',
  age: 'agePrompt',
  /** Anything goes (the question itself, an optional account): never interrupted by a policy question. */
  freeText: 'freeTextPrompt',
  account: 'accountPrompt',
} as const;

export const YES = 'yes';
export const NO = 'no';

const YES_WORDS = [
  'ya',
  'iya',
  'y',
  'yes',
  'yep',
  'yup',
  'ok',
  'oke',
  'okay',
  'benar',
  'betul',
  'setuju',
  'lanjut',
  'boleh',
  'kirim',
  'send',
  'sure',
  'confirm',
  'sip',
  'siap',
];
const NO_WORDS = [
  'tidak',
  'tdk',
  'gak',
  'ga',
  'nggak',
  'enggak',
  'no',
  'nope',
  'n',
  'jangan',
  'salah',
  'bukan',
  'tidak jadi',
  'gak jadi',
  'ga jadi',
];

/**
 * Yes/no as choices in the customer's language; both languages' words are understood either way.
 * `alsoYes` adds words that mean yes to this particular question ("stop" to "Stop promotional e-mail?").
 */
export function yesNoChoices(lang: Lang, alsoYes: readonly string[] = []): Choice[] {
  return [
    {
      value: YES,
      action: { type: ActionTypes.ImBack, title: say('yes', lang), value: say('yes', lang) },
      synonyms: [...YES_WORDS, ...alsoYes],
    },
    {
      value: NO,
      action: { type: ActionTypes.ImBack, title: say('no', lang), value: say('no', lang) },
      synonyms: NO_WORDS,
    },
  ];
}

/** A ChoicePrompt that speaks Indonesian: no English "or", no number recognisers (they have no Indonesian culture). */
export function createChoicePrompt(id: string): ChoicePrompt {
  const prompt = new ChoicePrompt(id, undefined, 'id-id');
  prompt.style = ListStyle.suggestedAction;
  prompt.choiceOptions = { inlineSeparator: ', ', inlineOr: ' atau ', inlineOrMore: ', atau ', includeNumbers: false };
  prompt.recognizerOptions = { recognizeNumbers: false, recognizeOrdinals: false, allowPartialMatches: false };
  return prompt;
}

const textOf = (ctx: PromptValidatorContext<string>): string => (ctx.recognized.value ?? '').trim();

/** Accepts one e-mail address (also inside a sentence: "email saya budi@x.com"); keeps it normalised. */
export function createEmailPrompt(): TextPrompt {
  return new TextPrompt(PROMPTS.email, async (ctx) => {
    const email = firstEmailIn(textOf(ctx));
    if (!email) return false;
    // A step can forbid one address, e.g. the parent's must differ from the child's.
    const rules = ctx.options.validations;
    const forbidden =
      rules && 'differentFrom' in rules && typeof rules.differentFrom === 'string' ? rules.differentFrom : undefined;
    if (forbidden && mailboxKey(forbidden) === mailboxKey(email)) {
      // Say why instead of the generic retry (a prompt sends no retry when the validator already replied).
      const why =
        rules && 'sameMessage' in rules && typeof rules.sameMessage === 'string' ? rules.sameMessage : undefined;
      if (why) await ctx.context.sendActivity(why);
      return false;
    }
    ctx.recognized.value = email;
    return true;
  });
}

/** Accepts a person's name: letters (any script), spaces, apostrophes, dots and hyphens; 2–100 characters. */
export function createNamePrompt(): TextPrompt {
  return new TextPrompt(PROMPTS.name, async (ctx) => {
    const name = textOf(ctx).replace(/\s+/g, ' ');
    if (!isPersonName(name)) return false;
    ctx.recognized.value = name;
    return true;
  });
}

export function isPersonName(text: string): boolean {
  return text.length >= 2 && text.length <= 100 && /^[\p{L}][\p{L}\p{M} .'’-]*$/u.test(text) && !text.includes('@');
}

/** Reads an age in years from "16", "16 tahun", "umur saya 16", "I'm 16". */
export function parseAge(text: string): number | undefined {
  const numbers = text.match(/\d{1,3}/g) ?? [];
  if (numbers.length !== 1) return undefined;
  const age = Number(numbers[0]);
  return age >= 1 && age <= 120 ? age : undefined;
}

export function createAgePrompt(): TextPrompt {
  return new TextPrompt(PROMPTS.age, async (ctx) => {
    const age = parseAge(textOf(ctx));
    if (age === undefined) return false;
    ctx.recognized.value = String(age);
    return true;
  });
}

/** Free text of bounded length (the question; min words guards against "ok" as a question). */
export function createFreeTextPrompt(): TextPrompt {
  return new TextPrompt(PROMPTS.freeText, async (ctx) => {
    const text = textOf(ctx);
    return text.length >= 5 && text.length <= 2000 && /\p{L}{2,}/u.test(text);
  });
}

const SKIP_WORDS = new Set([
  'lewati',
  'skip',
  'tidak ada',
  'tidak',
  'no',
  'none',
  'ga ada',
  'gak ada',
  'nggak ada',
  '-',
  'kosong',
  'lewat',
]);

/** Optional account number or domain: "lewati"/"skip" gives an empty answer. */
export function createAccountPrompt(): TextPrompt {
  return new TextPrompt(PROMPTS.account, async (ctx) => {
    const text = textOf(ctx).replace(/\s+/g, ' ');
    if (SKIP_WORDS.has(text.toLowerCase().replace(/[.!]+$/, ''))) {
      ctx.recognized.value = '';
      return true;
    }
    return text.length >= 2 && text.length <= 100 && !/[\r\n<>]/.test(text);
  });
}

/** A prompt activity with its retry text, in the conversation's language. */
export function promptWith(text: string, retry: string): { prompt: Partial<Activity>; retryPrompt: Partial<Activity> } {
  return { prompt: MessageFactory.text(text), retryPrompt: MessageFactory.text(retry) };
}

/** The value of the choice a ChoicePrompt recognised (its result is untyped in waterfall steps). */
export function chosen(result: unknown): string | undefined {
  return typeof result === 'object' && result !== null && 'value' in result && typeof result.value === 'string'
    ? result.value
    : undefined;
}
