import type { Activity } from 'botbuilder';

/** What a Direct Line client may send: the built-in endpoint accepts these and ignores the rest. */
const ACCEPTED_TYPES = new Set(['message', 'event', 'typing']);
const MAX_TEXT = 4000;
const MAX_JSON = 16 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an activity posted by a browser and keeps only the fields the bot uses. Identity fields (from, conversation,
 * recipient, channelId, serviceUrl) are never taken from the client: the token decides them.
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
    if (size > MAX_JSON) return { problem: `"${field}" is too large` };
    activity[field] = value;
  }
  if (typeof body.name === 'string' && body.name.length <= 128) activity.name = body.name;
  if (typeof body.locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(body.locale))
    activity.locale = body.locale;
  if (typeof body.textFormat === 'string' && ['plain', 'markdown'].includes(body.textFormat))
    activity.textFormat = body.textFormat;
  return { activity };
}
