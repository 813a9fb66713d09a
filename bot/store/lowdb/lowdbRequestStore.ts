/**
 * The domain's RequestStore on the embedded JSON document. Units of work run one at a time (a promise chain), so a
 * check and the write it leads to cannot be raced. A unit works on copies of the lists it changes (the records in
 * them are shared and never changed in place) and commits them in one document update at its end: all of its writes
 * reach the disk together, or none when it throws.
 */
import type {
  ConsentRepository,
  FeedbackRepository,
  OutboxRepository,
  RequestStore,
  SentMailFact,
  TicketRepository,
  Transaction,
  UnsubscribeRepository,
} from '../../../domain/ports.ts';
import type { OutboxRecord } from '../../../domain/records.ts';
import type { DatabaseShape, Db } from './jsonDocument.ts';

/** The record lists of the document (everything but the version and the Bot Framework state). */
type Lists = Pick<DatabaseShape, 'tickets' | 'unsubscribes' | 'consents' | 'outbox' | 'feedback'>;

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

function tickets(draft: Draft): TicketRepository {
  return {
    idTaken: async (id) => draft.list('tickets').some((t) => t.id === id),
    add: async (ticket) => void draft.edit('tickets').push(copy(ticket)),
    findByRequestKey: async (key) => found(draft.list('tickets').find((t) => t.requestKey === key)),
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
    decide: async (id, decision, decidedAt) => {
      const list = draft.edit('consents');
      const index = list.findIndex((c) => c.id === id);
      const stored = list[index];
      if (stored) list[index] = { ...stored, decision, decidedAt };
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
  };
}

function outbox(draft: Draft): OutboxRepository {
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
    nextDue: async (now, skip) => {
      const at = now.getTime();
      let best: OutboxRecord | undefined;
      for (const r of draft.list('outbox')) {
        if (r.status !== 'pending' || skip.has(r.id) || Date.parse(r.nextAttemptAt) > at) continue;
        if (!best || Date.parse(r.createdAt) < Date.parse(best.createdAt)) best = r;
      }
      return best && copy(best);
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

  constructor(private readonly doc: Db) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const draft = new Draft(this.doc);
      const tx: Transaction = {
        tickets: tickets(draft),
        unsubscribes: unsubscribes(draft),
        consents: consents(draft),
        feedback: feedback(draft),
        outbox: outbox(draft),
      };
      const result = await work(tx);
      if (draft.changed) await this.doc.update((data) => draft.commit(data));
      return result;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
