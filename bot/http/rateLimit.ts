import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { setRecent } from '../../dialogs/root/recentMap.ts';
import type { RateCheck, RateCounter } from '../../domain/ports.ts';

/**
 * One rate limit, counted by the store's RateCounter (in the database with PostgreSQL, so it holds across instances;
 * in memory with the embedded store). `name` keeps its keys apart from the other limits'.
 */
export class RateLimit {
  constructor(
    private readonly counter: RateCounter,
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string): Promise<RateCheck> {
    return this.counter.take(`${this.name}:${key}`, this.limit, this.windowMs);
  }
}

/**
 * An address as a rate-limit key: one spelling per client. Accepts what X-Forwarded-For and sockets give: a port
 * (`203.0.113.7:51234`, `[2001:db8::1]:443`), brackets, a zone (`fe80::1%eth0`), quotes, any case, and IPv4-mapped
 * IPv6 (`::ffff:203.0.113.7`, `::ffff:cb00:7107`), which becomes the IPv4 address. Undefined when it is not an IP
 * address at all.
 */
export function normalizeAddress(value: string): string | undefined {
  const known = recentAddresses.get(value);
  if (known !== undefined) return known;
  const address = parseAddress(value);
  if (address !== undefined && value.length <= 64) setRecent(recentAddresses, value, address, RECENT_ADDRESSES);
  return address;
}

/**
 * Spellings seen recently and their address: every request asks for its client's address (five regular expressions
 * and a split each time, ~4 µs) and a client's requests come from one spelling.
 */
const recentAddresses = new Map<string, string>();
const RECENT_ADDRESSES = 1000;

function parseAddress(value: string): string | undefined {
  let v = value.trim().replace(/^"(.*)"$/, '$1');
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(v);
  if (bracketed?.[1]) v = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(v)) v = v.slice(0, v.lastIndexOf(':'));
  v = v.replace(/%[^%]*$/, '');
  if (isIPv4(v)) return v.split('.').map(Number).join('.');
  if (!isIPv6(v)) return undefined;
  // The URL parser gives the canonical (compressed, lower-case) form; mapped IPv4 comes out as ::ffff:a:b.
  const canonical = new URL(`http://[${v}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped?.[1] && mapped[2]) {
    const high = Number.parseInt(mapped[1], 16);
    const low = Number.parseInt(mapped[2], 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return canonical;
}

/**
 * The client's IP address, normalised (normalizeAddress). X-Forwarded-For is trusted only when `trustProxy` is set
 * (behind one reverse proxy that appends the address it saw: its last entry); otherwise anyone could claim any
 * address. A last entry that is not an address falls back to the connection's own address.
 */
export function clientIp(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    const last = normalizeAddress(list[list.length - 1] ?? '');
    if (last) return last;
  }
  const own = req.socket.remoteAddress ?? '';
  return normalizeAddress(own) ?? (own || 'unknown');
}
