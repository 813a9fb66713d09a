import { buildMatcher } from './build.ts';
import { loadKnowledgeFile } from './load.ts';
import type { Matcher } from './matcher.ts';
import type { KnowledgeBase } from './types.ts';

/** Holds the knowledge base in use and its matcher; reload() swaps both at once, or keeps the old ones on error. */
export class KnowledgeService {
  private constructor(
    readonly file: string,
    private current: { knowledge: KnowledgeBase; matcher: Matcher },
  ) {}

  static async load(file: string): Promise<KnowledgeService> {
    const knowledge = await loadKnowledgeFile(file);
    return new KnowledgeService(file, { knowledge, matcher: buildMatcher(knowledge) });
  }

  get knowledge(): KnowledgeBase {
    return this.current.knowledge;
  }

  get matcher(): Matcher {
    return this.current.matcher;
  }

  /** Re-reads the file. Throws (and keeps serving the previous version) when the new file is invalid. */
  async reload(): Promise<KnowledgeBase> {
    const knowledge = await loadKnowledgeFile(this.file);
    this.current = { knowledge, matcher: buildMatcher(knowledge) };
    return knowledge;
  }
}
