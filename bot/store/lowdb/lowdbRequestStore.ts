/**
 * The domain's RequestStore on the embedded JSON document. Units of work run one at a time (a promise chain), so a
 * check and the write it leads to cannot be raced. A unit works on copies of the lists it changes (the records in
 * them are shared and never changed in place) and commits them in one document update at its end: all of its writes
 * reach the disk together, or none when it throws.
 */
import type {
  AuditRepository,
  ConsentRepository,
  ConsentTextRepository,
  DailyStatsRepository,
  FeedbackRepository,
  InboxRepository,
  JobMarkRepository,
  KnowledgeTestCaseRepository,
  OutboxRepository,
  RequestStore,
  SentMailFact,
  StaffRepository,
  StaffSessionRepository,
  TicketRepository,
  Transaction,
  UnsubscribeRepository,
} from '../../../domain/ports.ts';
import type { OutboxRecord } from '../../../domain/records.ts';
import type { MailQueue } from '../store.ts';
import type { DatabaseShape, Db } from './jsonDocument.ts';

/** The record lists of the document (everything but the version and the Bot Framework state). */
type Lists = Omit<DatabaseShape, 'version' | 'state'>;

const copy = <T>(record: T): T => structuredClone(record);
const found = <T>(record: T | undefined): T | undefined => record && copy(record);

/** The lists one unit of work has changed, as copies; the others are read from the document as they are. */
class Draft {
  readonly #copies: Partial<Lists> = {};

  constructor(private readonly doc: Db) {}

  list<K extends keyof Lists>(name: K): Readonly<Lists[K]> {
    return this.#copies[name] ?? this.doc.read((data) => data[name]);
  }

  /** The unit's own copy of a list, to change (made on first use). */
  edit<K extends keyof Lists>(name: K): Lists[K] {
    const existing = this.#copies[name];
    if (existing) return existing;
    // slice() of Lists[K] is typed as the union of all the lists' element arrays; it is the same list's type.
    const fresh = this.doc.read((data) => data[name].slice()) as Lists[K];
    this.#copies[name] = fresh;
    return fresh;
  }

  replace<K extends keyof Lists>(name: K, list: Lists[K]): void {
    this.#copies[name] = list;
  }

  get changed(): boolean {
    return Object.keys(this.#copies).length > 0;
  }

  commit(data: Lists): void {
    Object.assign(data, this.#copies);
  }
}

/** Replaces the record of `list` for which `same` holds; false when there is none. */
function replaceIn<K extends keyof Lists>(
  draft: Draft,
  name: K,
  same: (record: Lists[K][number]) => boolean,
  record: Lists[K][number],
): boolean {
  const list: Lists[K][number][] = draft.edit(name);
  const index = list.findIndex(same);
  if (index < 0) return false;
  list[index] = copy(record);
  return true;
}

function tickets(draft: Draft): TicketRepository {
  return {
    idTaken: async (id) => draft.list('tickets').some((t) => t.id === id),
    add: async (ticket) => void draft.edit('tickets').push(copy(ticket)),
    findByRequestKey: async (key) => found(draft.list('tickets').find((t) => t.requestKey === key)),
    get: async (id) => found(draft.list('tickets').find((t) => t.id === id)),
    list: async () => draft.list('tickets').map(copy),
    findByVerificationHash: async (hash) =>
      found(draft.list('tickets').find((t) => t.verification?.tokenHash === hash)),
    replace: async (ticket) => void replaceIn(draft, 'tickets', (t) => t.id === ticket.id, ticket),
  };
}

function unsubscribes(draft: Draft): UnsubscribeRepository {
  return {
    find: async (key) => {
      const found = draft.list('unsubscribes').find((u) => u.email === key);
      return found && copy(found);
    },
    add: async (record) => void draft.edit('unsubscribes').push(copy(record)),
    findByRequestKey: async (key) => found(draft.list('unsubscribes').find((u) => u.requestKey === key)),
    list: async () => draft.list('unsubscribes').map(copy),
    remove: async (key) => {
      const list = draft.list('unsubscribes');
      const keep = list.filter((u) => u.email !== key);
      if (keep.length === list.length) return false;
      draft.replace('unsubscribes', keep);
      return true;
    },
  };
}

function consents(draft: Draft): ConsentRepository {
  return {
    idTaken: async (id) => draft.list('consents').some((c) => c.id === id),
    add: async (consent) => void draft.edit('consents').push(copy(consent)),
    findByRequestKey: async (key) => found(draft.list('consents').find((c) => c.requestKey === key)),
    findByTokenHash: async (hash) => {
      const found = draft.list('consents').find((c) => c.tokenHash === hash);
      return found && copy(found);
    },
    decide: async (id, decision, decidedAt, userAgent) => {
      const list = draft.edit('consents');
      const index = list.findIndex((c) => c.id === id);
      const stored = list[index];
      if (stored)
        list[index] = { ...stored, decision, decidedAt, ...(userAgent ? { decisionUserAgent: userAgent } : {}) };
    },
    get: async (id) => found(draft.list('consents').find((c) => c.id === id)),
    list: async () => draft.list('consents').map(copy),
  };
}

function consentTexts(draft: Draft): ConsentTextRepository {
  return {
    get: async (hash) => found(draft.list('consentTexts').find((t) => t.hash === hash)),
    keep: async (record) => {
      if (!draft.list('consentTexts').some((t) => t.hash === record.hash))
        draft.edit('consentTexts').push(copy(record));
    },
  };
}

function staff(draft: Draft): StaffRepository {
  return {
    get: async (id) => found(draft.list('staff').find((s) => s.id === id)),
    findByEmail: async (email) => found(draft.list('staff').find((s) => s.email === email)),
    list: async () => draft.list('staff').map(copy),
    add: async (record) => void draft.edit('staff').push(copy(record)),
    replace: async (record) => void replaceIn(draft, 'staff', (s) => s.id === record.id, record),
  };
}

function sessions(draft: Draft): StaffSessionRepository {
  const removeWhere = (drop: (s: Lists['sessions'][number]) => boolean): number => {
    const list = draft.list('sessions');
    const keep = list.filter((s) => !drop(s));
    if (keep.length !== list.length) draft.replace('sessions', keep);
    return list.length - keep.length;
  };
  return {
    get: async (idHash) => found(draft.list('sessions').find((s) => s.idHash === idHash)),
    add: async (session) => void draft.edit('sessions').push(copy(session)),
    replace: async (session) => void replaceIn(draft, 'sessions', (s) => s.idHash === session.idHash, session),
    remove: async (idHash) => void removeWhere((s) => s.idHash === idHash),
    removeForStaff: async (staffId) => removeWhere((s) => s.staffId === staffId),
    prune: async (before) => removeWhere((s) => Date.parse(s.lastSeenAt) < before.getTime()),
  };
}

function audit(draft: Draft): AuditRepository {
  return {
    last: async () => found(draft.list('audit').at(-1)),
    append: async (entry) => void draft.edit('audit').push(copy(entry)),
    list: async () => draft.list('audit').map(copy),
  };
}

function jobMarks(draft: Draft): JobMarkRepository {
  return {
    get: async (name) => draft.list('jobMarks').find((m) => m.name === name)?.value,
    set: async (name, value) => {
      if (!replaceIn(draft, 'jobMarks', (m) => m.name === name, { name, value }))
        draft.edit('jobMarks').push({ name, value });
    },
  };
}

function feedback(draft: Draft): FeedbackRepository {
  return {
    add: async (record, keepNewest) => {
      const list = draft.edit('feedback');
      list.push(copy(record));
      const excess = list.length - keepNewest;
      if (excess > 0) list.splice(0, excess);
    },
    list: async () => draft.list('feedback').map(copy),
  };
}

function inbox(draft: Draft): InboxRepository {
  return {
    add: async (records, keepNewest) => {
      const list = draft.edit('inbox');
      list.push(...records.map(copy));
      const excess = list.length - keepNewest;
      if (excess > 0) list.splice(0, excess);
    },
    setChoice: async (id, choice) => {
      const stored = draft.list('inbox').find((r) => r.id === id);
      return stored !== undefined && replaceIn(draft, 'inbox', (r) => r.id === id, { ...stored, choice });
    },
    list: async () => draft.list('inbox').map(copy),
    remove: async (ids) => {
      const drop = new Set(ids);
      const list = draft.list('inbox');
      const keep = list.filter((r) => !drop.has(r.id));
      if (keep.length !== list.length) draft.replace('inbox', keep);
      return list.length - keep.length;
    },
    prune: async (before) => {
      const limit = before.getTime();
      const list = draft.list('inbox');
      const keep = list.filter((r) => Date.parse(r.at) >= limit);
      if (keep.length !== list.length) draft.replace('inbox', keep);
      return list.length - keep.length;
    },
  };
}

function dailyStats(draft: Draft): DailyStatsRepository {
  return {
    get: async (day) => found(draft.list('dailyStats').find((d) => d.day === day)),
    put: async (record) => {
      if (!replaceIn(draft, 'dailyStats', (d) => d.day === record.day, record)) {
        const list = draft.edit('dailyStats');
        list.push(copy(record));
        list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      }
    },
    list: async (from, to) =>
      draft
        .list('dailyStats')
        .filter((d) => d.day >= from && d.day <= to)
        .map(copy),
  };
}

function knowledgeTests(draft: Draft): KnowledgeTestCaseRepository {
  return {
    list: async () => draft.list('knowledgeTests').map(copy),
    add: async (record) => void draft.edit('knowledgeTests').push(copy(record)),
    remove: async (id) => {
      const list = draft.list('knowledgeTests');
      const keep = list.filter((t) => t.id !== id);
      if (keep.length === list.length) return false;
      draft.replace('knowledgeTests', keep);
      return true;
    },
  };
}

function outbox(draft: Draft, claims: Map<string, number>): OutboxRepository {
  const find = (id: string) => draft.list('outbox').find((r) => r.id === id);
  return {
    add: async (record) => void draft.edit('outbox').push(copy(record)),
    get: async (id) => {
      const found = find(id);
      return found && copy(found);
    },
    createdSince: async (since) => {
      const from = since.getTime();
      const facts: SentMailFact[] = [];
      for (const r of draft.list('outbox'))
        if (Date.parse(r.createdAt) >= from)
          facts.push({
            to: r.to,
            ...(r.conversationId !== undefined ? { conversationId: r.conversationId } : {}),
            ...(r.clientKey !== undefined ? { clientKey: r.clientKey } : {}),
          });
      return facts;
    },
    pending: async () =>
      draft
        .list('outbox')
        .filter((r) => r.status === 'pending')
        .map(copy)
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)),
    replace: async (record) => {
      const list = draft.edit('outbox');
      const index = list.findIndex((r) => r.id === record.id);
      if (index >= 0) list[index] = copy(record);
      claims.delete(record.id);
    },
    prune: async (before) => {
      const limit = before.getTime();
      const list = draft.list('outbox');
      const keep = list.filter((r) => r.status === 'pending' || Date.parse(r.createdAt) >= limit);
      if (keep.length !== list.length) draft.replace('outbox', keep);
      return list.length - keep.length;
    },
  };
}

export class LowdbRequestStore implements RequestStore {
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * Claims of the delivery worker: mail id → until when (ms). In memory: the file belongs to this one process, so a
   * claim cannot outlive the worker holding it.
   */
  readonly #claims = new Map<string, number>();

  constructor(private readonly doc: Db) {}

  /** The MailQueue of the embedded store: claims checked and taken in a unit of work (one at a time). */
  readonly mailQueue: MailQueue = {
    claimDue: (now, until, skip) =>
      this.transaction(async () => {
        const at = now.getTime();
        const claimed = (id: string): boolean => (this.#claims.get(id) ?? 0) > at;
        let best: OutboxRecord | undefined;
        for (const r of this.doc.read((data) => data.outbox)) {
          if (r.status !== 'pending' || skip.has(r.id) || claimed(r.id) || Date.parse(r.nextAttemptAt) > at) continue;
          if (!best || Date.parse(r.createdAt) < Date.parse(best.createdAt)) best = r;
        }
        if (best) this.#claims.set(best.id, until.getTime());
        return best && copy(best);
      }),
  };

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const draft = new Draft(this.doc);
      const tx: Transaction = {
        tickets: tickets(draft),
        unsubscribes: unsubscribes(draft),
        consents: consents(draft),
        feedback: feedback(draft),
        outbox: outbox(draft, this.#claims),
        consentTexts: consentTexts(draft),
        staff: staff(draft),
        sessions: sessions(draft),
        audit: audit(draft),
        jobMarks: jobMarks(draft),
        inbox: inbox(draft),
        dailyStats: dailyStats(draft),
        knowledgeTests: knowledgeTests(draft),
      };
      const result = await work(tx);
      if (draft.changed) await this.doc.update((data) => draft.commit(data));
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
