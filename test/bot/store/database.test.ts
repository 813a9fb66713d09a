import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  DATABASE_FILE_NAME,
  DatabaseCorruptError,
  databaseProblem,
  JsonDatabase,
} from '../../../bot/store/lowdb/jsonDatabase.ts';
import { type DatabaseShape, emptyDatabase } from '../../../bot/store/lowdb/jsonDocument.ts';
import type { TicketRecord } from '../../../domain/records.ts';
import { rejectionOf, useTempDir } from '../../support/tempDir.ts';

const ticket = (n: number): TicketRecord => ({
  id: `PRV-20250101-${String(n).padStart(4, '0')}`,
  createdAt: '2025-01-01T00:00:00.000Z',
  kind: 'question',
  lang: 'id',
  name: 'Budi',
  email: 'budi@example.com',
  question: `question ${n}`,
  transcript: [],
  conversationId: `conv-${n}`,
});

describe('store/JsonDatabase', () => {
  const tempDir = useTempDir();
  const dataDir = () => join(tempDir(), 'data');
  const dbFile = () => join(dataDir(), DATABASE_FILE_NAME);

  it('creates the directory (0700) and an empty database file (0600) when missing', async () => {
    const db = await JsonDatabase.open(dataDir());
    expect(db.path).to.equal(dbFile());
    expect(JSON.parse(await readFile(dbFile(), 'utf8'))).to.deep.equal(emptyDatabase());
    expect(db.read((data) => data)).to.deep.equal(emptyDatabase());
    if (process.platform !== 'win32') {
      expect((await stat(dataDir())).mode & 0o777).to.equal(0o700);
      expect((await stat(dbFile())).mode & 0o777).to.equal(0o600);
    }
    await db.close();
  });

  it('persists an update across a restart (new JsonDatabase.open on the same directory)', async () => {
    const db = await JsonDatabase.open(dataDir());
    const result = await db.update((data) => {
      data.tickets.push(ticket(1));
      return data.tickets.length;
    });
    expect(result).to.equal(1);
    await db.close();

    const reopened = await JsonDatabase.open(dataDir());
    expect(reopened.read((data) => data.tickets)).to.deep.equal([ticket(1)]);
    await reopened.close();
  });

  it('lands every one of 100 concurrent updates, applied and resolved in call order', async () => {
    const db = await JsonDatabase.open(dataDir());
    const resolved: number[] = [];
    const updates = Array.from({ length: 100 }, (_, i) =>
      db
        .update((data) => {
          data.tickets.push(ticket(i));
          return data.tickets.length;
        })
        .then((length) => {
          resolved.push(i);
          return length;
        }),
    );
    expect(await Promise.all(updates)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(resolved).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    await db.close();
    const reopened = await JsonDatabase.open(dataDir());
    expect(reopened.read((data) => data.tickets.map((t) => t.question))).to.deep.equal(
      Array.from({ length: 100 }, (_, i) => `question ${i}`),
    );
  });

  it('an fn that throws: the error propagates, the file is unchanged, the partial change is rolled back', async () => {
    const db = await JsonDatabase.open(dataDir());
    await db.update((data) => void data.tickets.push(ticket(1)));
    const before = await readFile(dbFile());

    const error = await rejectionOf(
      db.update((data) => {
        data.tickets.push(ticket(2)); // half done…
        throw new Error('boom');
      }),
    );
    expect(error).to.be.instanceOf(Error).with.property('message', 'boom');
    expect((await readFile(dbFile())).equals(before)).to.equal(true);
    expect(db.read((data) => data.tickets.length)).to.equal(1);

    // The next good update must not persist the half-done change.
    await db.update((data) => void data.tickets.push(ticket(3)));
    await db.close();
    const reopened = await JsonDatabase.open(dataDir());
    expect(reopened.read((data) => data.tickets.map((t) => t.id))).to.deep.equal([ticket(1).id, ticket(3).id]);
  });

  it('undoes every kind of change of a failed fn: lists, record fields, state entries, top-level fields', async () => {
    const db = await JsonDatabase.open(dataDir());
    await db.update((data) => {
      data.tickets.push(ticket(1));
      data.outbox.push({
        id: 'OUT-1',
        createdAt: '2025-01-01T00:00:00.000Z',
        to: 'budi@example.com',
        subject: 's',
        text: 't',
        purpose: 'ticket-confirmation',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: '2025-01-01T00:00:00.000Z',
      });
      data.state.kept = { eTag: 'e1', changedAt: '2025-01-01T00:00:00.000Z', value: { n: 1 } };
      data.state.removed = { eTag: 'e2', changedAt: '2025-01-01T00:00:00.000Z', value: { n: 2 } };
    });
    const before = structuredClone(db.read((data) => data));

    await rejectionOf(
      db.update((data) => {
        data.tickets.splice(0, 1, ticket(9));
        const mail = data.outbox[0];
        if (mail) {
          mail.status = 'sent';
          mail.attempts = 5;
        }
        data.state.kept = { eTag: 'changed', changedAt: '2025-02-01T00:00:00.000Z', value: { n: 99 } };
        delete data.state.removed;
        data.state.added = { eTag: 'e3', changedAt: '2025-02-01T00:00:00.000Z', value: {} };
        data.unsubscribes = [];
        Object.assign(data, { extra: 1 });
        throw new Error('boom');
      }),
    );
    expect(db.read((data) => data)).to.deep.equal(before);
    await db.update(() => undefined);
    await db.close();
    expect(JSON.parse(await readFile(dbFile(), 'utf8'))).to.deep.equal(before);
  });

  it('refuses writes to the state map through a reference kept after the fn returned', async () => {
    const db = await JsonDatabase.open(dataDir());
    let kept: Record<string, unknown> | undefined;
    await db.update((data) => {
      kept = data.state;
    });
    expect(() => {
      if (kept) kept.late = { eTag: 'x', changedAt: 'x', value: {} };
    }).to.throw(TypeError);
    expect(db.read((data) => Object.keys(data.state))).to.deep.equal([]);
    await db.close();
  });

  it('rejects an update started from inside an update fn', async () => {
    const db = await JsonDatabase.open(dataDir());
    let inner: Promise<unknown> = Promise.resolve();
    await db.update((data) => {
      inner = rejectionOf(db.update((d) => void d.tickets.push(ticket(2))));
      data.tickets.push(ticket(1));
    });
    expect(await inner)
      .to.be.instanceOf(Error)
      .with.property('message')
      .that.includes('inside an update');
    expect(db.read((data) => data.tickets.map((t) => t.id))).to.deep.equal([ticket(1).id]);
    await db.close();
  });

  it('rejects a change that cannot be serialised and reverts to the last good data', async () => {
    const db = await JsonDatabase.open(dataDir());
    await db.update((data) => void data.tickets.push(ticket(1)));
    const before = await readFile(dbFile());
    const error = await rejectionOf(
      db.update((data) => void data.tickets.push({ ...ticket(2), n: 10n } as TicketRecord)),
    );
    expect(error).to.be.instanceOf(TypeError);
    expect((await readFile(dbFile())).equals(before)).to.equal(true);
    expect(db.read((data) => data.tickets.length)).to.equal(1);
    await db.update((data) => void data.tickets.push(ticket(3)));
    expect(JSON.parse(await readFile(dbFile(), 'utf8')).tickets).to.have.length(2);
    await db.close();
  });

  it('rejects an fn that writes an invalid state item', async () => {
    const db = await JsonDatabase.open(dataDir());
    const error = await rejectionOf(
      db.update((data) => {
        Object.assign(data.state, { bad: { value: 'not an object' } });
      }),
    );
    expect(error).to.be.instanceOf(TypeError).with.property('message').that.includes('"bad"');
    expect(db.read((data) => data.state)).to.deep.equal({});
    await db.close();
  });

  it('rejects an async fn and an fn that breaks the shape, rolling back', async () => {
    const db = await JsonDatabase.open(dataDir());
    const before = await readFile(dbFile());
    const asyncError = await rejectionOf(
      db.update(async (data) => {
        data.tickets.push(ticket(1));
      }),
    );
    expect(asyncError).to.be.instanceOf(TypeError).with.property('message').that.includes('synchronous');
    const shapeError = await rejectionOf(
      db.update((data) => {
        Object.assign(data, { state: null });
      }),
    );
    expect(shapeError).to.be.instanceOf(TypeError).with.property('message').that.includes('state is not an object');
    expect(db.read((data) => data)).to.deep.equal(emptyDatabase());
    expect((await readFile(dbFile())).equals(before)).to.equal(true);
    await db.close();
  });

  it('a failed disk write rejects and undoes its change: nothing unwritten is kept or written later', async () => {
    const db = await JsonDatabase.open(dataDir());
    await db.update((data) => void data.tickets.push(ticket(1)));
    await rm(dataDir(), { recursive: true }); // the disk "fails": the directory is gone
    const error = await rejectionOf(db.update((data) => void data.tickets.push(ticket(2))));
    expect(error).to.be.instanceOf(Error).with.property('code', 'ENOENT');
    expect(db.read((data) => data.tickets.map((t) => t.id))).to.deep.equal([ticket(1).id], 'undone in memory');

    await mkdir(dataDir());
    await db.update((data) => void data.tickets.push(ticket(3)));
    await db.close();
    const reopened = await JsonDatabase.open(dataDir());
    expect(reopened.read((data) => data.tickets.map((t) => t.id))).to.deep.equal([ticket(1).id, ticket(3).id]);
  });

  it('updates waiting behind a failed write reject too, and their changes are not written by the next write', async () => {
    const db = await JsonDatabase.open(dataDir());
    await rm(dataDir(), { recursive: true });
    const first = rejectionOf(db.update((data) => void data.tickets.push(ticket(1))));
    // Applied in memory while the first write is in flight: it joins the next write, after the failure.
    const second = rejectionOf(db.update((data) => void data.tickets.push(ticket(2))));
    await first;
    await mkdir(dataDir());
    expect(await second).to.be.instanceOf(Error);
    expect(db.read((data) => data.tickets)).to.deep.equal([]);
    await db.update((data) => void data.tickets.push(ticket(3)));
    await db.close();
    expect(JSON.parse(await readFile(dbFile(), 'utf8')).tickets.map((t: { id: string }) => t.id)).to.deep.equal([
      ticket(3).id,
    ]);
  });

  it('rejects a list replaced by an invalid one even when the fn never read it', async () => {
    const db = await JsonDatabase.open(dataDir());
    const error = await rejectionOf(
      db.update((data) => {
        Object.assign(data, { outbox: ['not a record'] });
      }),
    );
    expect(error).to.be.instanceOf(TypeError).with.property('message').that.includes('outbox[0] is not an object');
    expect(db.read((data) => data.outbox)).to.deep.equal([]);
    await db.close();
  });

  describe('undo reaches every way a fn can change a list', () => {
    const record = (id: string) => ({ ...ticket(1), id });
    const ways: readonly [string, (data: DatabaseShape) => void][] = [
      [
        'Object.values',
        (d) =>
          void Object.values(d)
            .find((v) => v === d.tickets)
            ?.push(record('x')),
      ],
      ['destructuring', (d) => void d.tickets.push(record('x'))],
      ['spread', (d) => void { ...d }.tickets.push(record('x'))],
      [
        'Object.entries',
        (d) =>
          void Object.entries(d)
            .find(([k]) => k === 'tickets')?.[1]
            .push(record('x')),
      ],
      ['getOwnPropertyDescriptor', (d) => void Object.getOwnPropertyDescriptor(d, 'tickets')?.value.push(record('x'))],
      ['getOwnPropertyDescriptors', (d) => void Object.getOwnPropertyDescriptors(d).tickets.value?.push(record('x'))],
      [
        'a list replaced, the old one changed',
        (d) => {
          const old = d.tickets;
          d.tickets = [];
          old.push(record('x'));
        },
      ],
      ['a record field', (d) => Object.assign(d.tickets[0] ?? {}, { name: 'changed' })],
    ];
    for (const [way, change] of ways)
      it(`a failed fn that changes a list through ${way} leaves it as it was`, async () => {
        const db = await JsonDatabase.open(dataDir());
        await db.update((d) => void d.tickets.push(ticket(1)));
        const error = await rejectionOf(
          db.update((d) => {
            change(d);
            throw new Error('boom');
          }),
        );
        expect(error).to.have.property('message', 'boom');
        expect(db.read((d) => d.tickets)).to.deep.equal([ticket(1)]);
        await db.close();
      });

    it('an async fn cannot reach the data after its first await: nothing it tries lands, nor is written later', async () => {
      const db = await JsonDatabase.open(dataDir());
      let late: unknown;
      const error = await rejectionOf(
        db.update(async (d) => {
          await null;
          try {
            (d.outbox as unknown[]).push('not a record');
          } catch (caught) {
            late = caught;
          }
        }),
      );
      expect(error).to.be.instanceOf(TypeError);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(late).to.be.instanceOf(TypeError).with.property('message').that.includes('out of reach');
      await db.update((d) => void d.tickets.push(ticket(2)));
      await db.close();
      const reopened = await JsonDatabase.open(dataDir());
      expect(reopened.read((d) => d.outbox)).to.deep.equal([]);
      await reopened.close();
    });
  });

  it('close() waits for pending writes, then refuses updates', async () => {
    const db2 = await JsonDatabase.open(dataDir());
    void db2.update((data) => void data.tickets.push(ticket(2)));
    void db2.update((data) => void data.tickets.push(ticket(3)));
    await db2.close();
    expect(JSON.parse(await readFile(dbFile(), 'utf8')).tickets).to.have.length(2);
    expect(await rejectionOf(db2.update(() => undefined)))
      .to.be.instanceOf(Error)
      .with.property('message')
      .that.includes('closed');
  });

  for (const [label, content] of [
    ['invalid JSON', '{"version":1,"tickets":['],
    ['a wrong shape', JSON.stringify({ ...emptyDatabase(), outbox: {} })],
    ['a broken state item', JSON.stringify({ ...emptyDatabase(), state: { k: { value: {} } } })],
  ] as const) {
    it(`refuses to open a file with ${label}: DatabaseCorruptError, file and directory untouched`, async () => {
      await mkdir(dataDir());
      await writeFile(dbFile(), content);
      await writeFile(join(dataDir(), `.${DATABASE_FILE_NAME}.99.abcdef.tmp`), 'maybe the only good copy');
      const error = await rejectionOf(JsonDatabase.open(dataDir()));
      expect(error).to.be.instanceOf(DatabaseCorruptError);
      expect(error).to.have.property('message').that.includes(dbFile());
      expect(await readFile(dbFile(), 'utf8')).to.equal(content);
      expect((await readdir(dataDir())).sort()).to.deep.equal([
        `.${DATABASE_FILE_NAME}.99.abcdef.tmp`,
        DATABASE_FILE_NAME,
      ]);
    });
  }

  it('removes temp files a crash left behind when the database opens fine', async () => {
    await (await JsonDatabase.open(dataDir())).close();
    await writeFile(join(dataDir(), `.${DATABASE_FILE_NAME}.99.abcdef.tmp`), '{"version":1,"tickets":[{"name":"Budi"');
    const db = await JsonDatabase.open(dataDir());
    expect(await readdir(dataDir())).to.deep.equal([DATABASE_FILE_NAME]);
    await db.close();
  });

  it('keeps unknown top-level fields it finds in the file', async () => {
    await mkdir(dataDir());
    await writeFile(dbFile(), JSON.stringify({ ...emptyDatabase(), extra: { kept: true } }));
    const db = await JsonDatabase.open(dataDir());
    await db.update((data) => void data.tickets.push(ticket(1)));
    await db.close();
    expect(JSON.parse(await readFile(dbFile(), 'utf8'))).to.have.deep.property('extra', { kept: true });
  });

  it('opens a file from before the feedback list (migration): adds it, empty, and writes it back', async () => {
    const { feedback: _absent, ...old } = { ...emptyDatabase(), tickets: [ticket(1)] };
    await mkdir(dataDir());
    await writeFile(dbFile(), JSON.stringify(old));
    expect(databaseProblem(old)).to.equal('feedback is not an array');

    const db = await JsonDatabase.open(dataDir());
    expect(db.read((data) => data.feedback)).to.deep.equal([]);
    expect(db.read((data) => data.tickets)).to.deep.equal([ticket(1)]);
    const onDisk = JSON.parse(await readFile(dbFile(), 'utf8'));
    expect(onDisk).to.deep.equal({ ...old, feedback: [] });
    await db.update((data) => void data.feedback.push({ entryId: 'share', vote: 'up', lang: 'id', at: 'x' }));
    await db.close();

    const reopened = await JsonDatabase.open(dataDir());
    expect(reopened.read((data) => data.feedback)).to.have.length(1);
    await reopened.close();
  });

  for (const [what, feedback] of [
    ['not a list', {}],
    ['null', null],
    ['holding a non-object', [1]],
  ] as const) {
    it(`still refuses a file whose feedback list is ${what}: DatabaseCorruptError, file untouched`, async () => {
      await mkdir(dataDir());
      const bytes = JSON.stringify({ ...emptyDatabase(), feedback });
      await writeFile(dbFile(), bytes);
      const error = await rejectionOf(JsonDatabase.open(dataDir()));
      expect(error).to.be.instanceOf(DatabaseCorruptError);
      expect(await readFile(dbFile(), 'utf8')).to.equal(bytes);
    });
  }

  it('does not migrate what it must refuse: an old file that is also broken stays untouched', async () => {
    const { feedback: _absent, ...old } = { ...emptyDatabase(), outbox: 'broken' };
    await mkdir(dataDir());
    const bytes = JSON.stringify(old);
    await writeFile(dbFile(), bytes);
    expect(await rejectionOf(JsonDatabase.open(dataDir()))).to.be.instanceOf(DatabaseCorruptError);
    expect(await readFile(dbFile(), 'utf8')).to.equal(bytes);
  });

  it('databaseProblem() accepts the empty database and names the first problem otherwise', () => {
    expect(databaseProblem(emptyDatabase())).to.equal(undefined);
    expect(databaseProblem({ ...emptyDatabase(), version: 2 })).to.include('version');
    expect(databaseProblem({ ...emptyDatabase(), tickets: [null] })).to.equal('tickets[0] is not an object');
    expect(databaseProblem({ ...emptyDatabase(), consents: undefined })).to.equal('consents is not an array');
  });
});
