/**
 * The built-in Direct Line's state in PostgreSQL, shared by every instance: tokens (only their SHA-256), conversations
 * and their recent activities, with the same limits as in memory (per conversation: activities and bytes; in total and
 * per client: conversations and tokens). An append NOTIFYs the conversation's new watermark; every instance LISTENs,
 * and the streams it holds for that conversation fetch what they have not sent yet (streams.ts), so a reply made on
 * instance B reaches the WebSocket held by instance A.
 *
 * What memory does not need: the total history budget (the database is not the heap; history is bounded per
 * conversation and by the number of conversations), and keeping a conversation a stream listens to from being swept
 * by another instance (each instance marks its streamed conversations active before it sweeps).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import pg from 'pg';
import type {
  ActivityListener,
  ConversationRef,
  CreateRefusal,
  DirectLineSettings,
  DirectLineState,
  DirectLineStats,
  IssuedToken,
  TokenGrant,
} from '../../directline/state.ts';
import { describeError } from '../../log/describeError.ts';
import type { Logger } from '../../log/logger.ts';
import type { PostgresDatabase, Queryable } from './database.ts';
import { jobLockKey } from './jobLock.ts';
import { pgText } from './recordTable.ts';
import { StreamPumps } from './streams.ts';

/** The LISTEN/NOTIFY channel of appended activities; the payload is "<watermark> <conversation id>". */
export const DIRECT_LINE_CHANNEL = 'wowrack_directline';
/** The transaction lock taken while counting against the caps and admitting a conversation or a token. */
const ADMISSION_LOCK = jobLockKey('directline-admission');
/** A conversation read more often than this is not marked active again (a poll every second must not write). */
const TOUCH_EVERY_MS = 30_000;
const RECONNECT_MS = 1_000;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

interface ConversationRow {
  readonly id: string;
  readonly user_id: string;
  readonly address: string;
  readonly last_active: Date;
}

const refOf = (row: ConversationRow): ConversationRef => ({ id: row.id, userId: row.user_id, address: row.address });

export class PostgresDirectLineState implements DirectLineState {
  readonly #pumps: StreamPumps;
  #listener: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly settings: DirectLineSettings,
    private readonly logger: Logger,
  ) {
    this.#pumps = new StreamPumps((id, from) => this.since(id, from), logger);
  }

  #now(): Date {
    return new Date(this.settings.now());
  }

  // --- tokens ---------------------------------------------------------------------------------------------------

  async issueToken(conversationId: string, userId: string, address: string): Promise<IssuedToken | undefined> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.settings.tokenTtlMs);
    const issued = await this.database.readCommitted(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK]);
      const { rows } = await client.query<{ others: number }>(
        'SELECT count(*)::int AS others FROM dl_tokens WHERE expires_at > $1 AND conversation_id <> $2',
        [now.toISOString(), pgText(conversationId)],
      );
      if ((rows[0]?.others ?? 0) >= this.settings.limits.maxTokens) return false;
      await client.query(
        `INSERT INTO dl_tokens (token_hash, conversation_id, user_id, address, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (conversation_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, user_id = EXCLUDED.user_id,
           address = EXCLUDED.address, expires_at = EXCLUDED.expires_at`,
        [hashToken(token), pgText(conversationId), pgText(userId), pgText(address), expiresAt.toISOString()],
      );
      return true;
    });
    return issued ? { token, expiresIn: Math.floor(this.settings.tokenTtlMs / 1000) } : undefined;
  }

  async verifyToken(token: string): Promise<TokenGrant | undefined> {
    const { rows } = await this.database.query<{
      conversation_id: string;
      user_id: string;
      address: string;
      expires_at: Date;
    }>(
      'SELECT conversation_id, user_id, address, expires_at FROM dl_tokens WHERE token_hash = $1 AND expires_at > $2',
      [hashToken(token), this.#now().toISOString()],
    );
    const row = rows[0];
    return (
      row && {
        conversationId: row.conversation_id,
        userId: row.user_id,
        address: row.address,
        expiresAt: row.expires_at.getTime(),
      }
    );
  }

  /** One statement: of two refreshes of the same token, on any instances, only one succeeds. */
  async refreshToken(token: string): Promise<(IssuedToken & { grant: TokenGrant }) | undefined> {
    const fresh = randomBytes(32).toString('base64url');
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.settings.tokenTtlMs);
    const { rows } = await this.database.query<{ conversation_id: string; user_id: string; address: string }>(
      `UPDATE dl_tokens SET token_hash = $1, expires_at = $2 WHERE token_hash = $3 AND expires_at > $4
       RETURNING conversation_id, user_id, address`,
      [hashToken(fresh), expiresAt.toISOString(), hashToken(token), now.toISOString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      token: fresh,
      expiresIn: Math.floor(this.settings.tokenTtlMs / 1000),
      grant: {
        conversationId: row.conversation_id,
        userId: row.user_id,
        address: row.address,
        expiresAt: expiresAt.getTime(),
      },
    };
  }

  // --- conversations --------------------------------------------------------------------------------------------

  async createConversation(
    userId: string,
    address: string,
    id = randomBytes(18).toString('base64url'),
  ): Promise<ConversationRef | CreateRefusal> {
    const { maxConversations, maxPerAddress } = this.settings.limits;
    return this.database.readCommitted(async (client): Promise<ConversationRef | CreateRefusal> => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [ADMISSION_LOCK]);
      const existing = await this.#find(client, id);
      if (existing) return refOf(existing);
      const { rows } = await client.query<{ total: number; mine: number }>(
        'SELECT count(*)::int AS total, (count(*) FILTER (WHERE address = $1))::int AS mine FROM dl_conversations',
        [pgText(address)],
      );
      const counts = rows[0] ?? { total: 0, mine: 0 };
      if (counts.total >= maxConversations) return 'full';
      if (counts.mine >= maxPerAddress) return 'address';
      await client.query('INSERT INTO dl_conversations (id, user_id, address, last_active) VALUES ($1, $2, $3, $4)', [
        pgText(id),
        pgText(userId),
        pgText(address),
        this.#now().toISOString(),
      ]);
      return { id, userId, address };
    });
  }

  async conversation(id: string): Promise<ConversationRef | undefined> {
    const row = await this.#find(this.database, id);
    if (!row) return undefined;
    const now = this.#now();
    if (now.getTime() - row.last_active.getTime() > TOUCH_EVERY_MS)
      await this.database.query('UPDATE dl_conversations SET last_active = $2 WHERE id = $1', [
        pgText(id),
        now.toISOString(),
      ]);
    return { id, userId: row.user_id, address: row.address };
  }

  async #find(db: Queryable, id: string): Promise<ConversationRow | undefined> {
    const { rows } = await db.query<ConversationRow>(
      'SELECT id, user_id, address, last_active FROM dl_conversations WHERE id = $1',
      [pgText(id)],
    );
    return rows[0];
  }

  async markStarted(id: string): Promise<boolean> {
    const result = await this.database.query(
      'UPDATE dl_conversations SET started = true WHERE id = $1 AND NOT started',
      [pgText(id)],
    );
    return result.rowCount === 1;
  }

  /**
   * Numbers the activities after the conversation's last (its row lock makes concurrent appends from any instance
   * take turns), keeps them, lets the oldest go beyond the conversation's limits and NOTIFYs the new watermark, all in
   * one transaction: a listener that hears of it finds the activities stored.
   */
  async append(id: string, activities: readonly Partial<Activity>[]): Promise<string[]> {
    if (activities.length === 0) return [];
    const now = this.#now();
    return this.database.readCommitted(async (client) => {
      const claimed = await client.query<{ next_seq: string; dropped: string; kept_bytes: string }>(
        `UPDATE dl_conversations SET next_seq = next_seq + $2, last_active = $3 WHERE id = $1
         RETURNING next_seq, dropped, kept_bytes`,
        [pgText(id), activities.length, now.toISOString()],
      );
      const row = claimed.rows[0];
      if (!row) return [];
      const watermark = Number(row.next_seq);
      const first = watermark - activities.length;
      const stored = activities.map((activity, i) => ({
        ...activity,
        id: `${id}|${String(first + i).padStart(7, '0')}`,
        timestamp: activity.timestamp ?? now,
      }));
      const texts = stored.map((activity) => JSON.stringify(activity));
      // Sizes as memory counts them (the JSON's length), so both stores keep the same history.
      const sizes = texts.map((text) => text.length);
      await client.query(
        `INSERT INTO dl_activities (conversation_id, seq, size, activity)
         SELECT $1, $2::bigint + ordinality - 1, size, text::json
         FROM unnest($3::text[], $4::int[]) WITH ORDINALITY AS t(text, size, ordinality)`,
        [pgText(id), first, texts, sizes],
      );
      const bytes = Number(row.kept_bytes) + sizes.reduce((total, size) => total + size, 0);
      await this.#trim(client, id, Number(row.dropped), watermark, bytes);
      await client.query('SELECT pg_notify($1, $2)', [DIRECT_LINE_CHANNEL, `${watermark} ${id}`]);
      return stored.map((activity) => activity.id);
    });
  }

  /** Lets the oldest activities go until the conversation is within its count and bytes (watermarks keep counting). */
  async #trim(client: Queryable, id: string, dropped: number, watermark: number, bytes: number): Promise<void> {
    const { maxActivities, maxBytes } = this.settings.limits;
    let kept = watermark - dropped;
    let cut = dropped;
    let left = bytes;
    if (kept > maxActivities || left > maxBytes) {
      const { rows } = await client.query<{ seq: string; size: number }>(
        'SELECT seq, size FROM dl_activities WHERE conversation_id = $1 ORDER BY seq',
        [pgText(id)],
      );
      for (const { seq, size } of rows) {
        if (kept === 0 || (kept <= maxActivities && left <= maxBytes)) break;
        cut = Number(seq) + 1;
        left -= size;
        kept -= 1;
      }
      await client.query('DELETE FROM dl_activities WHERE conversation_id = $1 AND seq < $2', [pgText(id), cut]);
    }
    await client.query('UPDATE dl_conversations SET dropped = $2, kept_bytes = $3 WHERE id = $1', [
      pgText(id),
      cut,
      left,
    ]);
  }

  /** One statement, so the activities and the watermark come from one snapshot. */
  async since(
    id: string,
    watermark: number | undefined,
  ): Promise<{ activities: Partial<Activity>[]; watermark: number }> {
    const from = watermark !== undefined && Number.isSafeInteger(watermark) && watermark >= 0 ? watermark : 0;
    const { rows } = await this.database.query<{ next_seq: string; activity: Partial<Activity> | null }>(
      `SELECT c.next_seq, a.activity FROM dl_conversations c
       LEFT JOIN dl_activities a ON a.conversation_id = c.id AND a.seq >= $2
       WHERE c.id = $1 ORDER BY a.seq`,
      [pgText(id), from],
    );
    const activities = rows.flatMap((row) => (row.activity ? [row.activity] : []));
    return { activities, watermark: Number(rows[0]?.next_seq ?? 0) };
  }

  async watermark(id: string): Promise<number | undefined> {
    const { rows } = await this.database.query<{ next_seq: string }>(
      'SELECT next_seq FROM dl_conversations WHERE id = $1',
      [pgText(id)],
    );
    return rows[0] && Number(rows[0].next_seq);
  }

  listen(id: string, from: number, listener: ActivityListener): () => void {
    this.#connect();
    return this.#pumps.add(id, from, listener);
  }

  // --- upkeep -----------------------------------------------------------------------------------------------------

  async sweep(): Promise<number> {
    const now = this.#now();
    const listened = this.#pumps.conversations();
    if (listened.length > 0)
      await this.database.query('UPDATE dl_conversations SET last_active = $2 WHERE id = ANY ($1::text[])', [
        listened.map(pgText),
        now.toISOString(),
      ]);
    await this.database.query('DELETE FROM dl_tokens WHERE expires_at <= $1', [now.toISOString()]);
    const swept = await this.database.query('DELETE FROM dl_conversations WHERE last_active < $1', [
      new Date(now.getTime() - this.settings.idleMs).toISOString(),
    ]);
    return swept.rowCount ?? 0;
  }

  async stats(): Promise<DirectLineStats> {
    // Sums as text (bigint): all histories together may pass 2^31 bytes.
    const { rows } = await this.database.query<Record<string, string>>(
      `SELECT count(*) AS conversations, count(DISTINCT address) AS addresses,
         coalesce(sum(next_seq - dropped), 0) AS history_activities,
         coalesce(sum(kept_bytes), 0) AS history_bytes, coalesce(max(kept_bytes), 0) AS max_bytes,
         coalesce(max(next_seq - dropped), 0) AS max_activities,
         (SELECT count(*) FROM dl_tokens WHERE expires_at > $1) AS tokens
       FROM dl_conversations`,
      [this.#now().toISOString()],
    );
    const count = (name: string): number => Number(rows[0]?.[name] ?? 0);
    return {
      conversations: count('conversations'),
      addresses: count('addresses'),
      historyActivities: count('history_activities'),
      historyBytes: count('history_bytes'),
      listeners: this.#pumps.size,
      maxConversationBytes: count('max_bytes'),
      maxConversationActivities: count('max_activities'),
      tokens: count('tokens'),
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#pumps.clear();
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /**
   * The LISTEN connection (one per instance, outside the pool), opened with the first stream. When it breaks it is
   * opened again, and every stream looks for what it may have missed meanwhile.
   */
  #connect(): void {
    if (this.#listener || this.#connecting || this.#closed) return;
    this.#connecting = (async () => {
      const client = new pg.Client({ connectionString: this.database.url });
      client.on('notification', (message) => {
        const payload = message.payload ?? '';
        const space = payload.indexOf(' ');
        this.#pumps.kick(payload.slice(space + 1), Number(payload.slice(0, space)));
      });
      const lost = (error?: unknown) => {
        if (this.#listener !== client) return;
        this.#listener = undefined;
        this.logger.warn({ error: describeError(error ?? 'connection ended') }, 'direct line LISTEN connection lost');
        if (!this.#closed) setTimeout(() => this.#connect(), RECONNECT_MS).unref();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      try {
        await client.connect();
        await client.query(`LISTEN ${DIRECT_LINE_CHANNEL}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      if (this.#closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.#listener = client;
      this.#pumps.kickAll();
    })()
      .catch((error: unknown) => {
        this.logger.warn({ error: describeError(error) }, 'direct line LISTEN connection failed; retrying');
        if (!this.#closed) setTimeout(() => this.#connect(), RECONNECT_MS).unref();
      })
      .finally(() => {
        this.#connecting = undefined;
      });
  }
}
