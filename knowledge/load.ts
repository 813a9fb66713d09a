import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  const knowledge = parseKnowledge(source, file, options);
  const trainingFile = join(dirname(file), TRAINING_FILE);
  let trainingSource: string;
  try {
    trainingSource = await readFile(trainingFile, 'utf8');
  } catch {
    return knowledge; // optional
  }
  return { ...knowledge, training: parseTraining(trainingSource, trainingFile, knowledge) };
}

/** Name of the optional file of training messages, beside the knowledge file. */
export const TRAINING_FILE = 'training.yaml';

/** Parses training.yaml: a mapping of entry id (or `none`) → list of customer messages. */
export function parseTraining(source: string, file: string, knowledge: KnowledgeBase): Map<string, string[]> {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const issues: { field: string; message: string; entry?: string }[] = doc.errors.map((e) => ({
    field: '(YAML syntax)',
    message: e.message.replace(/\s+/g, ' ').trim(),
  }));
  const value: unknown = issues.length === 0 ? doc.toJS() : undefined;
  const out = new Map<string, string[]>();
  if (issues.length === 0 && (typeof value !== 'object' || value === null || Array.isArray(value)))
    issues.push({ field: '(document)', message: 'must be a mapping of entry id → list of messages' });
  else if (issues.length === 0) {
    const ids = new Set(knowledge.entries.map((e) => e.id));
    for (const [id, list] of Object.entries(value as Record<string, unknown>)) {
      if (id !== 'none' && !ids.has(id)) issues.push({ entry: id, field: id, message: 'names no entry of the file' });
      else if (!Array.isArray(list) || !list.every((m) => typeof m === 'string' && m.trim() !== ''))
        issues.push({ entry: id, field: id, message: 'must be a list of non-empty texts' });
      else
        out.set(
          id,
          list.map((m: string) => m.trim()),
        );
    }
  }
  if (issues.length > 0) throw new KnowledgeValidationError(file, issues);
  return out;
}
