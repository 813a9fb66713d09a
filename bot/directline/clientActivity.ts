import type { Activity } from 'botbuilder';
import { MAX_JSON_CHARS, MAX_TEXT_CHARS } from './limits.ts';

/** What a Direct Line client may send: the built-in endpoint accepts these and ignores the rest. */
const ACCEPTED_TYPES = new Set(['message', 'event', 'typing']);
const MAX_TEXT = MAX_TEXT_CHARS;
const MAX_JSON = MAX_JSON_CHARS;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an activity posted by a browser and keeps only the fields the bot uses. Identity fields (from, conversation,
 * recipient, channelId, serviceUrl) are never taken from the client: the token decides them. Too large a text, value
 * or channelData is refused (the reason says which). A typing activity keeps only its type and Web Chat's
 * `channelData.clientActivityID`: it is stored and echoed, and needs nothing else.
 */
export function readClientActivity(body: unknown): { activity: Partial<Activity> } | { problem: string } {
  if (!isRecord(body)) return { problem: 'the body must be a JSON activity' };
  const type = body.type;
  if (typeof type !== 'string' || !ACCEPTED_TYPES.has(type))
    return { problem: '"type" must be message, event or typing' };
  const activity: Partial<Activity> = { type };
  if (body.text !== undefined && body.text !== null) {
    if (typeof body.text !== 'string' || body.text.length > MAX_TEXT)
      return { problem: `"text" must be a string of at most ${MAX_TEXT} characters` };
    activity.text = body.text;
  }
  if (body.attachments !== undefined && (!Array.isArray(body.attachments) || body.attachments.length > 0))
    return { problem: 'attachments are not accepted' };
  for (const field of ['value', 'channelData'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    let size: number;
    try {
      size = JSON.stringify(value).length;
    } catch {
      return { problem: `"${field}" must be JSON` };
    }
    if (size > MAX_JSON) return { problem: `"${field}" is too large (at most ${MAX_JSON} characters of JSON)` };
    activity[field] = value;
  }
  if (typeof body.name === 'string' && body.name.length <= 128) activity.name = body.name;
  if (typeof body.locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(body.locale))
    activity.locale = body.locale;
  if (typeof body.textFormat === 'string' && ['plain', 'markdown'].includes(body.textFormat))
    activity.textFormat = body.textFormat;
  if (type === 'typing') return { activity: typingOf(activity) };
  return { activity };
}

/** What is kept of a typing activity: its type and, if it is a short string, Web Chat's clientActivityID. */
function typingOf(activity: Partial<Activity>): Partial<Activity> {
  const clientActivityID: unknown = isRecord(activity.channelData) ? activity.channelData.clientActivityID : undefined;
  return typeof clientActivityID === 'string' && clientActivityID.length <= 100
    ? { type: 'typing', channelData: { clientActivityID } }
    : { type: 'typing' };
}
