import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { DatabaseCorruptError, DurableJsonFile, type JsonValidator } from '../../../bot/store/lowdb/durableJsonFile.ts';
import { rejectionOf, useTempDir } from '../../support/tempDir.ts';

interface Doc {
  version: 1;
  items: string[];
  n: number;
}

const validateDoc: JsonValidator = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  if (!('version' in value) || value.version !== 1) return 'version is not 1';
  if (!('items' in value) || !Array.isArray(value.items)) return 'items is not an array';
  return undefined;
};

const doc = (n: number, items: string[] = []): Doc => ({ version: 1, items, n });

describe('store/DurableJsonFile', () => {
  const tempDir = useTempDir();
  const target = () => join(tempDir(), 'db.json');
  const adapter = () => new DurableJsonFile<Doc>(target(), { validate: validateDoc });

  it('reads null when there is no file', async () => {
    expect(await adapter().read()).to.equal(null);
  });

  it('round-trips data as compact JSON in a 0600 file', async () => {
    const data = doc(7, ['a', 'ü', '"quoted"\n']);
    await adapter().write(data);
    expect(await adapter().read()).to.deep.equal(data);
    const text = await readFile(target(), 'utf8');
    expect(text).to.equal(JSON.stringify(data));
    if (process.platform !== 'win32') expect((await stat(target())).mode & 0o777).to.equal(0o600);
  });

  it('leaves no temp file behind', async () => {
    const file = adapter();
    for (let i = 0; i < 5; i++) await file.write(doc(i));
    await Promise.all([file.write(doc(5)), file.write(doc(6)), file.write(doc(7))]);
    expect(await readdir(tempDir())).to.deep.equal(['db.json']);
  });

  it('replaces a file that was more open (0644) with a 0600 one', async function () {
    if (process.platform === 'win32') this.skip();
    await writeFile(target(), JSON.stringify(doc(1)), { mode: 0o644 });
    await adapter().write(doc(2));
    expect((await stat(target())).mode & 0o777).to.equal(0o600);
  });

  describe('a file it cannot use', () => {
    const cases: [string, string | Buffer][] = [
      ['garbage bytes', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x7b])],
      ['truncated JSON', JSON.stringify(doc(3, ['x', 'y'])).slice(0, 20)],
      ['an empty file', ''],
      ['JSON of the wrong shape', JSON.stringify({ version: 1, items: 'not a list' })],
      ['JSON of another version', JSON.stringify({ version: 2, items: [] })],
      ['a JSON array', '[1,2,3]'],
      ['JSON null', 'null'],
    ];
    for (const [label, content] of cases) {
      it(`${label} → DatabaseCorruptError naming the file, bytes unchanged`, async () => {
        await writeFile(target(), content);
        const before = await readFile(target());
        const file = adapter();
        const error = await rejectionOf(file.read());
        expect(error).to.be.instanceOf(DatabaseCorruptError);
        if (!(error instanceof DatabaseCorruptError)) return;
        expect(error.message).to.include(target());
        expect(error.message).to.include('left untouched');
        expect(error.path).to.equal(target());
        // A write after the failed read must not replace the file either.
        expect(await rejectionOf(file.write(doc(9)))).to.equal(error);
        expect((await readFile(target())).equals(before)).to.equal(true);
        expect(await readdir(tempDir())).to.deep.equal(['db.json']);
      });
    }
  });

  it('accepts a file starting with a byte-order mark', async () => {
    await writeFile(target(), `\ufeff${JSON.stringify(doc(4))}`);
    expect(await adapter().read()).to.deep.equal(doc(4));
  });

  it('propagates I/O errors other than a missing file (not reported as corrupt)', async () => {
    await mkdir(target());
    const error = await rejectionOf(adapter().read());
    expect(error).to.be.instanceOf(Error);
    expect(error).not.to.be.instanceOf(DatabaseCorruptError);
  });

  it('200 concurrent writes: every promise resolves, the file holds the last data and is valid JSON', async () => {
    const file = adapter();
    const seen: number[] = [];
    const writes = Array.from({ length: 200 }, (_, i) =>
      file.write(doc(i, [`item ${i}`])).then(() => {
        // When a caller's promise resolves, data at least as new as theirs is on disk.
        const onDisk = JSON.parse(readFileSync(target(), 'utf8')) as Doc;
        expect(onDisk.n).to.be.at.least(i);
        seen.push(i);
      }),
    );
    await Promise.all(writes);
    expect(seen).to.have.length(200);
    expect(file.writeCount).to.equal(2); // the first, then the other 199 coalesced
    const text = await readFile(target(), 'utf8');
    expect(JSON.parse(text)).to.deep.equal(doc(199, ['item 199']));
    expect(await adapter().read()).to.deep.equal(doc(199, ['item 199']));
    expect(await readdir(tempDir())).to.deep.equal(['db.json']);
  });

  it('coalesces: writes queued behind one in flight are written once, with the newest data', async () => {
    const file = adapter();
    const data = doc(0);
    const first = file.write(data);
    // The same object mutated after each call (as lowdb does): the queued write must carry the final state.
    const queued: Promise<void>[] = [];
    for (let i = 1; i <= 50; i++) {
      data.n = i;
      queued.push(file.write(data));
    }
    await Promise.all([first, ...queued]);
    expect(file.writeCount).to.equal(2);
    expect(JSON.parse(await readFile(target(), 'utf8'))).to.deep.equal(doc(50));
  });

  it('rejects every waiter of a failed write, and a later write succeeds', async () => {
    const nested = join(tempDir(), 'gone');
    await mkdir(nested);
    const file = new DurableJsonFile<Doc>(join(nested, 'db.json'));
    await file.write(doc(1));
    await rm(nested, { recursive: true });
    const results = await Promise.allSettled([file.write(doc(2)), file.write(doc(3))]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    await mkdir(nested);
    await file.write(doc(4));
    expect(await file.read()).to.deep.equal(doc(4));
    expect(await readdir(nested)).to.deep.equal(['db.json']);
  });

  it('rejects data that cannot be serialised, without touching the file', async () => {
    const file = adapter();
    await file.write(doc(1));
    const circular: Doc & { self?: unknown } = doc(2);
    circular.self = circular;
    expect(await rejectionOf(file.write(circular))).to.be.instanceOf(TypeError);
    expect(await file.read()).to.deep.equal(doc(1));
  });

  it('flushed() resolves once pending writes are done', async () => {
    const file = adapter();
    void file.write(doc(1));
    void file.write(doc(2));
    await file.flushed();
    expect(JSON.parse(await readFile(target(), 'utf8'))).to.deep.equal(doc(2));
  });

  it('removeStaleTempFiles() deletes only its own leftover temp files', async () => {
    const file = adapter();
    await file.write(doc(1));
    await writeFile(join(tempDir(), '.db.json.1234.abcdef012345.tmp'), 'partial personal data');
    await writeFile(join(tempDir(), '.other.json.1234.abcdef012345.tmp'), 'not ours');
    await writeFile(join(tempDir(), 'notes.txt'), 'not ours');
    expect(await file.removeStaleTempFiles()).to.equal(1);
    expect((await readdir(tempDir())).sort()).to.deep.equal([
      '.other.json.1234.abcdef012345.tmp',
      'db.json',
      'notes.txt',
    ]);
  });
});
