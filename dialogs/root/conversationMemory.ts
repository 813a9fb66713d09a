import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { redact } from '../../domain/redact.ts';
import type { Lang } from '../../knowledge/types.ts';
import { setRecent } from './recentMap.ts';

/** The last lines a support ticket quotes, and how long each may be (masked, then cut). */
export const TRANSCRIPT_LINES = 12;
export const TRANSCRIPT_LINE_LENGTH = 300;
/** A "did you mean" offers at most this many entries (the composer's limit is lower). */
const MAX_OFFERED = 5;
const MAX_ID_LENGTH = 200;
/** How many of the assistant's clean replies are remembered (the knowledge file has a few dozen answers). */
const CLEAN_REPLIES = 256;

/** The open "did you mean": the inbox record's id and the entries offered. */
export interface SuggestionLink {
  readonly ref: string;
  readonly offered: readonly string[];
}

/** The last answer given: its entry and the question it answered (masked), for a vote on it. */
export interface AnswerLink {
  readonly entryId: string;
  readonly question: string;
}

/**
 * What a conversation remembers between turns besides its dialog stack: in its conversation state with a shared
 * store, so the next turn finds it on whichever instance it lands, and after a restart; in this process with the
 * embedded store (processMemory.ts). Nothing in it is kept unmasked: lines and questions are masked like the logs
 * before they are stored.
 */
export interface Memory {
  /** The last lines said (oldest first), each masked and at most TRANSCRIPT_LINE_LENGTH characters. */
  readonly lines: readonly string[];
  /** The language the conversation's questions last used (a flow keeps its own in prefs). */
  readonly lang?: Lang;
  readonly suggested?: SuggestionLink;
  readonly answered?: AnswerLink;
}

/** A line as stored and quoted: one line, personal data masked, cut to TRANSCRIPT_LINE_LENGTH. */
export function maskLine(text: string): string {
  return maskedLine(text).line;
}

const PREFIX_LENGTH = TRANSCRIPT_LINE_LENGTH * 2;

function boundedPrefix(text: string): string {
  if (text.length <= PREFIX_LENGTH) return text;
  return text
    .slice(0, PREFIX_LENGTH + 1) // one more: a word that ends exactly at the limit is whole
    .replace(/\S*$/u, '')
    .replace(/[\p{Nd}\s().+\-_/\\,:]*$/u, '');
}

/** The line, and whether masking found nothing to mask in it. */
function maskedLine(text: string): { readonly line: string; readonly clean: boolean } {
  // Masked before it is cut, and only a bounded prefix. Where the prefix ends inside a word, that word goes, and so
  // do the digits and separators before it: the rest of a phone or card number cut there is too short to be
  // masked, yet still personal (masking may shorten the text enough for it to show).
  const flat = boundedPrefix(text).replace(/\s+/g, ' ').trim();
  const masked = redact(flat);
  const line = masked.length > TRANSCRIPT_LINE_LENGTH ? `${masked.slice(0, TRANSCRIPT_LINE_LENGTH - 1)}…` : masked;
  return { line, clean: masked === flat };
}

const isString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

/** The memory as stored, checked: anything malformed (an older or damaged state) is left out, never trusted. */
export function readMemory(value: unknown): Memory {
  if (typeof value !== 'object' || value === null) return { lines: [] };
  const stored: Partial<Record<keyof Memory, unknown>> = value;
  const lines = Array.isArray(stored.lines)
    ? stored.lines.filter((line) => isString(line, TRANSCRIPT_LINE_LENGTH)).slice(-TRANSCRIPT_LINES)
    : [];
  const memory: { -readonly [K in keyof Memory]: Memory[K] } = { lines };
  if (stored.lang === 'id' || stored.lang === 'en') memory.lang = stored.lang;
  const suggested = stored.suggested;
  if (typeof suggested === 'object' && suggested !== null && 'ref' in suggested && 'offered' in suggested) {
    const { ref, offered } = suggested;
    if (isString(ref, MAX_ID_LENGTH) && Array.isArray(offered))
      memory.suggested = {
        ref,
        offered: offered.filter((id) => isString(id, MAX_ID_LENGTH)).slice(0, MAX_OFFERED),
      };
  }
  const answered = stored.answered;
  if (typeof answered === 'object' && answered !== null && 'entryId' in answered && 'question' in answered) {
    const { entryId, question } = answered;
    if (isString(entryId, MAX_ID_LENGTH) && isString(question, TRANSCRIPT_LINE_LENGTH))
      memory.answered = { entryId, question };
  }
  return memory;
}

type Edit = (memory: Memory) => Memory;

/**
 * The conversation's memory, read and changed through an accessor: a conversation state property, or the process's
 * (see Memory). Every change of a turn is also kept as an edit, so that when the turn's save finds the state changed
 * by an overlapping turn (two quick messages, two instances), the edits are applied again to the state as now stored
 * (see CheckedConversationState): a turn never fails for the memory alone.
 */
export class ConversationMemory {
  readonly #edits = Symbol('memory edits of this turn');
  /**
   * The assistant's replies that masking leaves as they are (the statement's answers, asked again and again): their
   * line, so a question does not mask the same long answer every turn. Nothing personal is kept in it, by
   * construction; bounded, the oldest dropped first.
   */
  readonly #cleanReplies = new Map<string, string>();

  constructor(private readonly accessor: StatePropertyAccessor<Memory>) {}

  /** The state property this memory lives in (what an overlapping turn may change and still be re-applied). */
  static readonly PROPERTY = 'memory';

  async get(context: TurnContext): Promise<Memory> {
    return readMemory(await this.accessor.get(context));
  }

  /** Records the customer's message now and, as they are sent, the assistant's replies of this turn. */
  async attach(context: TurnContext): Promise<void> {
    if (context.activity.type === ActivityTypes.Message && context.activity.text)
      await this.addLine(context, `Pelanggan: ${context.activity.text}`);
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities)
        if (a.type === ActivityTypes.Message && a.text) await this.addMaskedLine(context, this.replyLine(a.text));
      return next();
    });
  }

  /** The last lines said, masked: what a ticket quotes. */
  async lines(context: TurnContext): Promise<readonly string[]> {
    return (await this.get(context)).lines;
  }

  async setLang(context: TurnContext, lang: Lang): Promise<void> {
    if ((await this.get(context)).lang !== lang) await this.edit(context, (m) => ({ ...m, lang }));
  }

  /** The open "did you mean", closed by this (whatever the message is, it answers it or moves on). */
  async takeSuggestion(context: TurnContext): Promise<SuggestionLink | undefined> {
    const { suggested } = await this.get(context);
    if (suggested) await this.edit(context, ({ suggested: _, ...rest }) => rest);
    return suggested;
  }

  async setSuggestion(context: TurnContext, link: SuggestionLink): Promise<void> {
    const suggested = { ref: link.ref, offered: link.offered.slice(0, MAX_OFFERED) };
    await this.edit(context, (m) => ({ ...m, suggested }));
  }

  async setAnswered(context: TurnContext, entryId: string, question: string): Promise<void> {
    const answered = { entryId, question: maskLine(question) };
    await this.edit(context, (m) => ({ ...m, answered }));
  }

  /** Applies this turn's edits again to the memory as now stored (after the state was read afresh). */
  async reapply(context: TurnContext): Promise<void> {
    const edits: Edit[] = context.turnState.get(this.#edits) ?? [];
    let memory = await this.get(context);
    for (const edit of edits) memory = edit(memory);
    await this.accessor.set(context, memory);
  }

  /** The reply's line as stored: masked, from the cache when masking changed nothing last time. */
  private replyLine(text: string): string {
    const cached = this.#cleanReplies.get(text);
    if (cached !== undefined) return cached;
    const said = `Asisten: ${text}`;
    const { line, clean } = maskedLine(said);
    // Only a reply masking read whole: a longer one may hold personal data past what was read.
    if (clean && said.length <= PREFIX_LENGTH) setRecent(this.#cleanReplies, text, line, CLEAN_REPLIES);
    return line;
  }

  private addLine(context: TurnContext, text: string): Promise<void> {
    return this.addMaskedLine(context, maskLine(text));
  }

  private async addMaskedLine(context: TurnContext, line: string): Promise<void> {
    await this.edit(context, (m) => ({ ...m, lines: [...m.lines, line].slice(-TRANSCRIPT_LINES) }));
  }

  private async edit(context: TurnContext, edit: Edit): Promise<void> {
    const edits: Edit[] = context.turnState.get(this.#edits) ?? [];
    edits.push(edit);
    context.turnState.set(this.#edits, edits);
    await this.accessor.set(context, edit(await this.get(context)));
  }
}
