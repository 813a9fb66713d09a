/**
 * Which Bot Framework serviceUrls the assistant may call. With an Azure Bot (MicrosoftAppId) the SDK validates every
 * request's token, which vouches for its serviceUrl. Without one nothing is authenticated, so a caller could name any
 * URL (an internal service, a port to scan): only the origins in SERVICE_URL_ALLOWLIST are ever called.
 */

/** One allowed origin: scheme, host (or `*.` + domain), and a port or `*` for any port. */
interface OriginRule {
  readonly protocol: 'http:' | 'https:';
  readonly host: string;
  readonly wildcardHost: boolean;
  /** Undefined: the scheme's default port only; '*': any port. */
  readonly port?: string;
}

const RULE = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i;

/** Parses SERVICE_URL_ALLOWLIST (comma-separated origins); returns the rules and a problem per bad entry. */
export function parseServiceUrlAllowlist(text: string): { rules: OriginRule[]; problems: string[] } {
  const rules: OriginRule[] = [];
  const problems: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const match = RULE.exec(entry);
    const port = match?.[4];
    if (!match || (port !== undefined && port !== '*' && Number(port) > 65535)) {
      problems.push(
        `SERVICE_URL_ALLOWLIST: "${entry.slice(0, 100)}" is not an origin; use e.g. http://localhost:* or ` +
          'https://smba.trafficmanager.net (scheme, host, optional port or *, no path)',
      );
      continue;
    }
    rules.push({
      protocol: match[1]?.toLowerCase() === 'https' ? 'https:' : 'http:',
      host: (match[3] ?? '').toLowerCase(),
      wildcardHost: match[2] !== undefined,
      ...(port !== undefined ? { port } : {}),
    });
  }
  return { rules, problems };
}

export class ServiceUrlPolicy {
  /**
   * @param authenticated an Azure Bot's token validation is on (then the SDK is in charge and every URL passes)
   * @param rules the allowed origins for unauthenticated use
   */
  constructor(
    private readonly authenticated: boolean,
    private readonly rules: readonly OriginRule[],
  ) {}

  /** Whether the assistant may call this serviceUrl (now, or later for a proactive message). */
  allows(serviceUrl: unknown): boolean {
    if (this.authenticated) return true;
    if (typeof serviceUrl !== 'string') return false;
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    return this.rules.some(
      (rule) =>
        rule.protocol === url.protocol &&
        (rule.wildcardHost ? host.endsWith(`.${rule.host}`) : host === rule.host) &&
        (rule.port === '*' || (rule.port ?? '') === url.port),
    );
  }
}
