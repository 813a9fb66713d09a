/**
 * A request path as it may be logged: without its query, and with a consent link's token replaced (the token is a
 * live credential for the parent's decision).
 */
export function loggablePath(path: string): string {
  const pathname = path.split('?')[0] ?? '';
  return pathname.replace(/^\/consent\/[^/]*/i, '/consent/[token]').slice(0, 200);
}
