import { redactPath } from '../../domain/redact.ts';

/**
 * A request path as it may be logged: without its query, with a consent link's token (a live credential for the
 * parent's decision) and any personal data masked.
 */
export function loggablePath(path: string): string {
  return redactPath(path.split('?')[0] ?? '');
}
