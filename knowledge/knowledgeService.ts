import { buildMatcher } from './build.ts';
import { loadKnowledgeFile } from './load.ts';
import type { Matcher } from './matcher.ts';
import type { KnowledgeOptions } from './schema.ts';
import type { KnowledgeBase } from './types.ts';

/** Holds the knowledge base in use and its matcher. */
export class KnowledgeService {
  private constructor(
    readonly file: string,
    private readonly current: { knowledge: KnowledgeBase; matcher: Matcher },
  ) {}

  /** Reads and validates the file; `options.flows` names the conversations an entry may offer. */
  static async load(file: string, options: KnowledgeOptions = {}): Promise<KnowledgeService> {
    const knowledge = await loadKnowledgeFile(file, options);
    return new KnowledgeService(file, { knowledge, matcher: buildMatcher(knowledge) });
  }

  get knowledge(): KnowledgeBase {
    return this.current.knowledge;
  }

  get matcher(): Matcher {
    return this.current.matcher;
  }
}
