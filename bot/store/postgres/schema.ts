/**
 * The PostgreSQL schema, one migration per release that changed it (see migrations.ts).
 *
 * Every record table keeps the domain's record as `data` (type json: kept exactly as written, any text included)
 * plus the columns the queries look things up, sort and count by, and `ord`, the order records were added in (the
 * lists are "oldest first", as in the lowdb file). Text columns filled from outside input go through pgText()
 * (records.ts), which PostgreSQL's text type can hold.
 */
import type { Migration } from './migrations.ts';

const V1_REQUESTS = `
CREATE TABLE tickets (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  request_key text,
  verification_hash text,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  due_at timestamptz,
  data json NOT NULL
);
CREATE UNIQUE INDEX tickets_request_key ON tickets (request_key) WHERE request_key IS NOT NULL;
CREATE INDEX tickets_verification_hash ON tickets (verification_hash) WHERE verification_hash IS NOT NULL;
CREATE INDEX tickets_ord ON tickets (ord);
-- The console's ticket queue: by due time, by status and due time, by arrival.
CREATE INDEX tickets_due_at ON tickets (due_at);
CREATE INDEX tickets_status_due_at ON tickets (status, due_at);
CREATE INDEX tickets_created_at ON tickets (created_at);

CREATE TABLE unsubscribes (
  email text PRIMARY KEY,
  ord bigserial NOT NULL,
  request_key text,
  created_at timestamptz NOT NULL,
  data json NOT NULL
);
CREATE UNIQUE INDEX unsubscribes_request_key ON unsubscribes (request_key) WHERE request_key IS NOT NULL;
CREATE INDEX unsubscribes_ord ON unsubscribes (ord);

CREATE TABLE consents (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  request_key text,
  token_hash text NOT NULL,
  decision text,
  created_at timestamptz NOT NULL,
  data json NOT NULL
);
CREATE UNIQUE INDEX consents_request_key ON consents (request_key) WHERE request_key IS NOT NULL;
CREATE INDEX consents_token_hash ON consents (token_hash);
CREATE INDEX consents_ord ON consents (ord);
-- The console's consent list: by status (decision) and arrival.
CREATE INDEX consents_decision_created_at ON consents (decision, created_at);

CREATE TABLE consent_texts (
  hash text PRIMARY KEY,
  ord bigserial NOT NULL,
  data json NOT NULL
);

CREATE TABLE outbox (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  -- What the mail caps count by (read without the mail bodies).
  recipient text NOT NULL,
  conversation_id text,
  client_key text,
  -- A worker (of any instance) is sending it until then; an instance that dies mid-send lets it expire.
  claimed_until timestamptz,
  data json NOT NULL
);
CREATE INDEX outbox_created_at ON outbox (created_at);
CREATE INDEX outbox_due ON outbox (created_at) WHERE status = 'pending';
CREATE INDEX outbox_ord ON outbox (ord);

CREATE TABLE feedback (
  ord bigserial PRIMARY KEY,
  data json NOT NULL
);
`;

const V1_CONSOLE = `
CREATE TABLE staff (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  email text NOT NULL,
  data json NOT NULL
);
CREATE INDEX staff_email ON staff (email);
CREATE INDEX staff_ord ON staff (ord);

CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  ord bigserial NOT NULL,
  staff_id text NOT NULL,
  last_seen_at timestamptz NOT NULL,
  data json NOT NULL
);
CREATE INDEX staff_sessions_staff_id ON staff_sessions (staff_id);
CREATE INDEX staff_sessions_last_seen_at ON staff_sessions (last_seen_at);

-- Append-only: the store never updates or deletes a row of it.
CREATE TABLE audit (
  seq bigint PRIMARY KEY,
  data json NOT NULL
);

CREATE TABLE job_marks (
  name text PRIMARY KEY,
  value text NOT NULL
);
`;

const V1_INFRASTRUCTURE = `
-- Bot Framework conversation and user state, with eTags.
CREATE TABLE bot_state (
  key text PRIMARY KEY,
  etag text NOT NULL,
  changed_at timestamptz NOT NULL,
  value json NOT NULL
);
CREATE INDEX bot_state_changed_at ON bot_state (changed_at);

-- Fixed-window counters of the rate limits, shared by every instance.
CREATE TABLE rate_windows (
  key text PRIMARY KEY,
  count integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX rate_windows_expires_at ON rate_windows (expires_at);

-- Secrets every instance must share (the key of the client hashes).
CREATE TABLE secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL
);
`;

/** The built-in Direct Line, shared by the instances: conversations, their recent activities, the live tokens. */
const V2_DIRECT_LINE = `
CREATE TABLE dl_conversations (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  -- The client key it counts against (a keyed hash of the address, never the address).
  address text NOT NULL,
  started boolean NOT NULL DEFAULT false,
  last_active timestamptz NOT NULL,
  -- The watermark: how many activities it ever had; the oldest kept is number "dropped".
  next_seq bigint NOT NULL DEFAULT 0,
  dropped bigint NOT NULL DEFAULT 0,
  kept_bytes bigint NOT NULL DEFAULT 0
);
CREATE INDEX dl_conversations_address ON dl_conversations (address);
CREATE INDEX dl_conversations_last_active ON dl_conversations (last_active);

CREATE TABLE dl_activities (
  conversation_id text NOT NULL REFERENCES dl_conversations (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  size integer NOT NULL,
  activity json NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

-- One live token per conversation; only its SHA-256 is stored.
CREATE TABLE dl_tokens (
  token_hash text PRIMARY KEY,
  conversation_id text NOT NULL UNIQUE,
  user_id text NOT NULL,
  address text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dl_tokens_expires_at ON dl_tokens (expires_at);
`;

/** The admins' side (issue 11): the inbox of what went wrong, the daily counts, the labelled test questions. */
const V3_KNOWLEDGE_ADMIN = `
CREATE TABLE inbox (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  at timestamptz NOT NULL,
  data json NOT NULL
);
CREATE INDEX inbox_ord ON inbox (ord);
CREATE INDEX inbox_at ON inbox (at);

CREATE TABLE daily_stats (
  day text PRIMARY KEY,
  data json NOT NULL
);

CREATE TABLE knowledge_tests (
  id text PRIMARY KEY,
  ord bigserial NOT NULL,
  data json NOT NULL
);
CREATE INDEX knowledge_tests_ord ON knowledge_tests (ord);
`;

/** The console's sign-in throttle, counted for every instance (keys are keyed hashes). */
const V4_SIGNIN_THROTTLE = `
CREATE TABLE signin_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz
);
CREATE INDEX signin_failures_last_failure_at ON signin_failures (last_failure_at);
`;

export const SCHEMA: readonly Migration[] = [
  { version: 1, name: 'requests, console, state, counters', sql: V1_REQUESTS + V1_CONSOLE + V1_INFRASTRUCTURE },
  { version: 2, name: 'built-in Direct Line', sql: V2_DIRECT_LINE },
  { version: 3, name: 'inbox, daily counts, test questions', sql: V3_KNOWLEDGE_ADMIN },
  { version: 4, name: 'sign-in throttle', sql: V4_SIGNIN_THROTTLE },
];
