/**
 * The built-in Direct Line's limits, in one place. They keep one 2-core / 24 GB machine (one Node process, whose heap
 * is at most about 4 GB) safe from a flood, while no real visitor comes near them: a visitor has one conversation per
 * browser tab, a few dozen activities in it, one stream, and refreshes the token every ~15 minutes.
 *
 * Worst case held in memory: MAX_CONVERSATIONS × (MAX_HISTORY_BYTES + MAX_SOCKETS_PER_CONVERSATION ×
 * MAX_SOCKET_BUFFER_BYTES) would be far too much, so the history of all conversations together also has a budget
 * (MAX_TOTAL_HISTORY_BYTES); a conversation appended to while it is spent keeps only its latest HISTORY_FLOOR_BYTES.
 * Bytes are the JSON length of the stored activities (what a reconnect sends), not V8's own sizes.
 */

/** Tokens: one live token per conversation (a refresh replaces it), so at most as many as conversations. */
export const MAX_LIVE_TOKENS = 20_000;
/** Token refreshes a conversation may make per minute (Web Chat and the chat page refresh every ~15 minutes). */
export const REFRESHES_PER_CONVERSATION = 5;
/** Token refreshes one client address may make per minute (many tabs behind one office NAT). */
export const REFRESHES_PER_ADDRESS = 60;
export const REFRESH_WINDOW_MS = 60_000;

/** Conversations held at once, in total (each a history and its streams); beyond it new ones get 503. */
export const MAX_CONVERSATIONS = 20_000;
/** Conversations one client address may hold at once (until they are idle-swept); beyond it new ones get 429. */
export const MAX_CONVERSATIONS_PER_ADDRESS = 50;

/** History kept per conversation for reconnecting clients: the latest this many activities… */
export const MAX_HISTORY_ACTIVITIES = 200;
/** …and at most this many bytes (the oldest go first; watermarks keep counting). */
export const MAX_HISTORY_BYTES = 256 * 1024;
/** The history of all conversations together (256 MB of JSON, about 1 GB of heap at worst). */
export const MAX_TOTAL_HISTORY_BYTES = 256 * 1024 * 1024;
/** What a conversation keeps while the total budget is spent. */
export const HISTORY_FLOOR_BYTES = 16 * 1024;

/** Text of a posted activity, in characters (as before). */
export const MAX_TEXT_CHARS = 4000;
/** `value` and `channelData` of a posted activity, each, in JSON characters (as before). */
export const MAX_JSON_CHARS = 16 * 1024;

/** Streams (WebSockets) open at once per conversation; a new one closes the oldest with STREAM_REPLACED. */
export const MAX_SOCKETS_PER_CONVERSATION = 5;
/** A stream with more than this queued and unread (bufferedAmount) is cut off: its client does not read. */
export const MAX_SOCKET_BUFFER_BYTES = 1024 * 1024;

/** Close code (policy violation) and reason for the oldest stream when a conversation opens one too many. */
export const STREAM_REPLACED = { code: 1008, reason: 'too many streams for this conversation' } as const;
