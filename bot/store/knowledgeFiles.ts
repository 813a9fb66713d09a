import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KnowledgeFileStore } from '../../domain/ports.ts';
import type { KnowledgeVersionRecord } from '../../domain/records.ts';
import { writeFileDurably } from './durableWrite.ts';

/** Folder of the saved versions of faq.yaml, inside DATA_DIR. */
export const KNOWLEDGE_HISTORY_DIR = 'knowledge-history';

const VERSION_ID = /^[0-9TZ]{19}-[0-9a-f]{16}$/;

function isVersionRecord(value: unknown): value is KnowledgeVersionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.at === 'string' &&
    typeof v.actor === 'string' &&
    typeof v.summary === 'string' &&
    typeof v.hash === 'string'
  );
}

/**
 * faq.yaml on disk and its versions in DATA_DIR/knowledge-history/: `<id>.yaml` (the text) and `<id>.json` (who,
 * when, what), each written durably; the text first, so a listed version always has its text.
 */
export class KnowledgeFiles implements KnowledgeFileStore {
  readonly #historyDir: string;

  constructor(
    readonly faqFile: string,
    dataDir: string,
  ) {
    this.#historyDir = join(dataDir, KNOWLEDGE_HISTORY_DIR);
  }

  readFaq(): Promise<string> {
    return readFile(this.faqFile, 'utf8');
  }

  writeFaq(text: string, expected?: string): Promise<boolean> {
    const unchanged = async () => (await this.readFaq().catch(() => undefined)) === expected;
    return writeFileDurably(this.faqFile, text, 0o644, expected === undefined ? undefined : unchanged);
  }

  async keep(record: KnowledgeVersionRecord, text: string): Promise<void> {
    if (!VERSION_ID.test(record.id)) throw new Error(`not a version id: ${record.id}`);
    await mkdir(this.#historyDir, { recursive: true, mode: 0o700 });
    if ((await this.read(record.id)) !== undefined) return;
    await writeFileDurably(join(this.#historyDir, `${record.id}.yaml`), text);
    await writeFileDurably(join(this.#historyDir, `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }

  async versions(): Promise<readonly KnowledgeVersionRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.#historyDir);
    } catch {
      return [];
    }
    const out: KnowledgeVersionRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && VERSION_ID.test(n.slice(0, -5))).sort()) {
      try {
        const value: unknown = JSON.parse(await readFile(join(this.#historyDir, name), 'utf8'));
        if (isVersionRecord(value)) out.push(value);
      } catch {
        // a damaged facts file hides only its own version
      }
    }
    return out;
  }

  async read(id: string): Promise<string | undefined> {
    if (!VERSION_ID.test(id)) return undefined;
    try {
      return await readFile(join(this.#historyDir, `${id}.yaml`), 'utf8');
    } catch {
      return undefined;
    }
  }
}
