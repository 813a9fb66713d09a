import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { type KnowledgeOptions, KnowledgeValidationError, validateKnowledge } from './schema.ts';
import type { KnowledgeBase } from './types.ts';

/** Parses and validates knowledge YAML text; `file` names the source in error messages. */
export function parseKnowledge(source: string, file: string, options: KnowledgeOptions = {}): KnowledgeBase {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new KnowledgeValidationError(
      file,
      doc.errors.map((e) => ({ field: '(YAML syntax)', message: e.message.replace(/\s+/g, ' ').trim() })),
    );
  }
  return validateKnowledge(doc.toJS({ maxAliasCount: 50 }), file, options);
}

/** Reads the knowledge file from disk. Throws KnowledgeValidationError (naming the file) when it is unusable. */
export async function loadKnowledgeFile(file: string, options: KnowledgeOptions = {}): Promise<KnowledgeBase> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new KnowledgeValidationError(file, [{ field: '(file)', message: `cannot be read: ${reason}` }]);
  }
  return parseKnowledge(source, file, options);
}
