/**
 * First line of defence for /api/messages: checks the shape of an incoming activity before Bot Framework sees it,
 * so a malformed body gets a 400 with a reason instead of an exception deep in the adapter.
 */
const MAX_TEXT = 10_000;
const MAX_ID = 512;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShortString = (v: unknown, max = MAX_ID): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** The reason the body is not a usable activity, or undefined when it is. */
export function activityProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'the body must be a JSON object (a Bot Framework activity)';
  if (!isShortString(body.type, 64)) return '"type" must be a non-empty string';
  if (!isRecord(body.conversation) || !isShortString(body.conversation.id))
    return '"conversation.id" must be a non-empty string';
  if (body.from !== undefined && (!isRecord(body.from) || !isShortString(body.from.id)))
    return '"from.id" must be a non-empty string';
  if (body.recipient !== undefined && (!isRecord(body.recipient) || !isShortString(body.recipient.id)))
    return '"recipient.id" must be a non-empty string';
  if (!isShortString(body.channelId, 64)) return '"channelId" must be a non-empty string';
  if (body.text !== undefined && body.text !== null && (typeof body.text !== 'string' || body.text.length > MAX_TEXT))
    return `"text" must be a string of at most ${MAX_TEXT} characters`;
  if (body.deliveryMode !== 'expectReplies') {
    if (!isShortString(body.serviceUrl, 2048) || !/^https?:\/\//.test(body.serviceUrl))
      return '"serviceUrl" must be an http(s) URL (or use "deliveryMode": "expectReplies")';
  }
  for (const field of ['membersAdded', 'membersRemoved'] as const) {
    const members = body[field];
    if (members === undefined) continue;
    if (!Array.isArray(members) || members.length > 50) return `"${field}" must be a list of at most 50 members`;
    if (!members.every((m) => isRecord(m) && isShortString(m.id))) return `every member in "${field}" needs an "id"`;
  }
  return undefined;
}
