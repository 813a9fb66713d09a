/**
 * Limits on the Node HTTP server itself, below restify: open connections per client address and in total, and how
 * long a client may take to send a request. Without them one client holding thousands of slow connections took the
 * server offline, and a slow body was held for minutes.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.ts';
import { normalizeAddress } from './rateLimit.ts';

/** Open connections (HTTP and WebSocket) one client address may hold at once; beyond it new ones are closed. */
export const MAX_CONNECTIONS_PER_ADDRESS = 64;
/** Open connections in total (file descriptors are finite). */
export const MAX_CONNECTIONS_TOTAL = 4096;
/** A request's headers must arrive within 10 s of the connection (or of the previous request). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included (at most 256 KB), must arrive within 15 s. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** How often Node checks those two timeouts (its default is 30 s, which would triple them). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface ConnectionLimitOptions {
  readonly logger: Logger;
  readonly perAddress?: number;
  readonly total?: number;
  /**
   * Behind a reverse proxy every connection comes from the proxy: the per-address cap would cap everyone at once, so
   * it is left to the proxy and only the total applies.
   */
  readonly trustProxy?: boolean;
}

export interface ConnectionLimiter {
  /** Open connections of an address (for tests and diagnostics). */
  openFrom(address: string): number;
}

/** Installs the caps and timeouts on `server` (call before it listens). */
export function limitConnections(server: Server, options: ConnectionLimitOptions): ConnectionLimiter {
  const perAddress = options.perAddress ?? MAX_CONNECTIONS_PER_ADDRESS;
  const { logger } = options;
  server.maxConnections = options.total ?? MAX_CONNECTIONS_TOTAL;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // Read by Node when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = TIMEOUT_CHECK_INTERVAL_MS;

  const open = new Map<string, number>();
  /** Addresses over the cap right now: logged once when they reach it, not once per refused connection. */
  const refusing = new Set<string>();
  if (!options.trustProxy)
    server.on('connection', (socket: Socket) => {
      const address = normalizeAddress(socket.remoteAddress ?? '') ?? 'unknown';
      const count = open.get(address) ?? 0;
      if (count >= perAddress) {
        if (!refusing.has(address)) {
          refusing.add(address);
          logger.warn({ client: address, open: count, limit: perAddress }, 'too many connections from one client');
        }
        socket.destroy();
        return;
      }
      open.set(address, count + 1);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
        if (left < perAddress) refusing.delete(address);
      });
    });
  return { openFrom: (address) => open.get(normalizeAddress(address) ?? address) ?? 0 };
}
