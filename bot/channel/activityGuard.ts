/**
 * First line of defence for /api/messages: checks the shape of an incoming activity before Bot Framework sees it,
 * so a malformed body gets a 400 with a reason instead of an exception deep in the adapter (a `serviceUrl` that is
 * a number made the connector throw "endpoint.toLowerCase is not a function", a 500 and a stack trace on stderr).
 * Every field Bot Framework reads has its type checked; unknown fields are left alone (the body reader has already
 * bounded their size and nesting).
 */
const MAX_TEXT = 10_000;
const MAX_ID = 512;
const MAX_SHORT = 64;
const MAX_URL = 2048;
const MAX_LIST = 50;

/** The channel id of the built-in Direct Line's conversations (bot/directline): reachable only with their token. */
export const BUILT_IN_DIRECT_LINE_CHANNEL = 'directline';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShortString = (v: unknown, max = MAX_ID): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;
const absent = (v: unknown): boolean => v === undefined || v === null;

/** Optional string fields of an activity and their longest length. */
const STRING_FIELDS: Readonly<Record<string, number>> = {
  id: MAX_ID,
  timestamp: MAX_SHORT,
  localTimestamp: MAX_SHORT,
  localTimezone: MAX_SHORT,
  expiration: MAX_SHORT,
  textFormat: MAX_SHORT,
  attachmentLayout: MAX_SHORT,
  topicName: MAX_ID,
  locale: MAX_SHORT,
  speak: MAX_TEXT,
  inputHint: MAX_SHORT,
  summary: MAX_TEXT,
  action: MAX_SHORT,
  replyToId: MAX_ID,
  label: MAX_ID,
  valueType: MAX_ID,
  name: MAX_ID,
  code: MAX_SHORT,
  importance: MAX_SHORT,
  deliveryMode: MAX_SHORT,
  callerId: MAX_URL,
};
/** The same as pairs, made once (Object.entries per request was a third of this check's time). */
const STRING_FIELD_LIMITS = Object.entries(STRING_FIELDS);
const TIME_FIELDS = ['timestamp', 'localTimestamp', 'expiration'] as const;
const LIST_FIELDS = ['attachments', 'entities', 'reactionsAdded', 'reactionsRemoved', 'listenFor', 'textHighlights'];
const OBJECT_FIELDS = ['channelData', 'suggestedActions', 'relatesTo', 'semanticAction'];
const DELIVERY_MODES = new Set(['normal', 'notification', 'expectReplies', 'ephemeral']);

/** The problem with a channel account (from, recipient, a member), or undefined. */
function accountProblem(field: string, value: unknown): string | undefined {
  if (!isRecord(value) || !isShortString(value.id)) return `"${field}.id" must be a non-empty string`;
  for (const key of ['name', 'role', 'aadObjectId'] as const)
    if (!absent(value[key]) && (typeof value[key] !== 'string' || value[key].length > MAX_ID))
      return `"${field}.${key}" must be a string of at most ${MAX_ID} characters`;
  return undefined;
}

function conversationProblem(value: unknown): string | undefined {
  if (!isRecord(value) || !isShortString(value.id)) return '"conversation.id" must be a non-empty string';
  for (const key of ['name', 'conversationType', 'tenantId', 'role', 'aadObjectId'] as const)
    if (!absent(value[key]) && (typeof value[key] !== 'string' || value[key].length > MAX_ID))
      return `"conversation.${key}" must be a string of at most ${MAX_ID} characters`;
  if (!absent(value.isGroup) && typeof value.isGroup !== 'boolean')
    return '"conversation.isGroup" must be true or false';
  return undefined;
}

function serviceUrlProblem(value: unknown): string | undefined {
  if (!isShortString(value, MAX_URL)) return `"serviceUrl" must be a URL string of at most ${MAX_URL} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '"serviceUrl" must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '"serviceUrl" must be an absolute http(s) URL';
  return undefined;
}

/** The reason the body is not a usable activity, or undefined when it is. */
export function activityProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'the body must be a JSON object (a Bot Framework activity)';
  if (!isShortString(body.type, MAX_SHORT)) return '"type" must be a non-empty string';
  const conversation = conversationProblem(body.conversation);
  if (conversation) return conversation;
  if (!isShortString(body.channelId, MAX_SHORT)) return '"channelId" must be a non-empty string';
  for (const field of ['from', 'recipient'] as const)
    if (body[field] !== undefined) {
      const problem = accountProblem(field, body[field]);
      if (problem) return problem;
    }
  if (!absent(body.text) && (typeof body.text !== 'string' || body.text.length > MAX_TEXT))
    return `"text" must be a string of at most ${MAX_TEXT} characters`;
  for (const [field, max] of STRING_FIELD_LIMITS) {
    const value = body[field];
    if (!absent(value) && (typeof value !== 'string' || value.length > max))
      return `"${field}" must be a string of at most ${max} characters`;
  }
  for (const field of TIME_FIELDS) {
    const value = body[field];
    if (typeof value === 'string' && Number.isNaN(Date.parse(value))) return `"${field}" must be an ISO 8601 time`;
  }
  if (!absent(body.deliveryMode) && !DELIVERY_MODES.has(String(body.deliveryMode)))
    return '"deliveryMode" must be normal, notification, expectReplies or ephemeral';
  // expectReplies needs no serviceUrl (nothing is called); when one is given it must still be a URL.
  if (body.deliveryMode !== 'expectReplies' || !absent(body.serviceUrl)) {
    const problem = serviceUrlProblem(body.serviceUrl);
    if (problem)
      return body.deliveryMode === 'expectReplies' ? problem : `${problem} (or use "deliveryMode": "expectReplies")`;
  }
  for (const field of ['membersAdded', 'membersRemoved'] as const) {
    const members = body[field];
    if (absent(members)) continue;
    if (!Array.isArray(members) || members.length > MAX_LIST)
      return `"${field}" must be a list of at most ${MAX_LIST} members`;
    for (const member of members) {
      const problem = accountProblem(`${field}[]`, member);
      if (problem) return problem;
    }
  }
  for (const field of LIST_FIELDS) {
    const list = body[field];
    if (absent(list)) continue;
    if (!Array.isArray(list) || list.length > MAX_LIST) return `"${field}" must be a list of at most ${MAX_LIST} items`;
    if (!list.every(isRecord)) return `every item in "${field}" must be an object`;
  }
  for (const field of OBJECT_FIELDS)
    if (!absent(body[field]) && !isRecord(body[field])) return `"${field}" must be an object`;
  if (!absent(body.historyDisclosed) && typeof body.historyDisclosed !== 'boolean')
    return '"historyDisclosed" must be true or false';
  return undefined;
}

/** Whether the activity names a conversation of the built-in Direct Line (whatever the case of its channel id). */
export function claimsBuiltInDirectLine(activity: { readonly channelId?: unknown }): boolean {
  return (
    typeof activity.channelId === 'string' && activity.channelId.trim().toLowerCase() === BUILT_IN_DIRECT_LINE_CHANNEL
  );
}
