import type { IncomingMessage } from 'node:http';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type restify from 'restify';
import type { RateCounter } from '../../domain/ports.ts';
import type { Logger } from '../log/logger.ts';
import { type ChatPageAssets, chatPageCsp, chatPageHtml, type DirectLineMode } from './chatPage.ts';
import { registerDirectLineTokenRoute } from './directLineToken.ts';
import { RateLimit } from './rateLimit.ts';
import { type AssetOptions, StaticAsset, webChatBundlePath } from './staticAssets.ts';

/** The website chat's settings (from Config.webChat); every field has a safe default. */
export interface WebChatOptions {
  /** CSP frame-ancestors: the sites allowed to embed the page (default `'self'`). */
  readonly frameAncestors?: readonly string[];
  /** Azure Direct Line secret; empty: the page talks to the built-in Direct Line endpoint at /v3/directline. */
  readonly directLineSecret?: string;
  readonly directLineEndpoint?: string;
  /** Trust the last X-Forwarded-For entry as the client address (behind one reverse proxy). */
  readonly trustProxy?: boolean;
  /** Token requests allowed per client IP per minute (default 20). */
  readonly tokenRequestsPerMinute?: number;
}

/** Where the built-in Direct Line endpoint lives (bot/directline). */
export const BUILT_IN_DIRECT_LINE = '/v3/directline';
const DEFAULT_ENDPOINT = 'https://directline.botframework.com/v3/directline';

const asset = (name: string): string => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));
const JS = 'text/javascript; charset=utf-8';
/** Our files are only for our page; embed.js is loaded by other sites, so it must be readable cross-origin. */
const SAME_ORIGIN = { 'Cross-Origin-Resource-Policy': 'same-origin' };

interface ChatAssets {
  readonly webChat: StaticAsset;
  readonly script: StaticAsset;
  readonly style: StaticAsset;
  readonly avatar: StaticAsset;
  readonly embed: StaticAsset;
}

/** Reads and hashes the files (once, at start); compression starts with the first visitor. */
function loadAssets(): ChatAssets {
  /** A file whose URL carries its hash: /prefix/name.<hash>.ext, cached for a year. */
  const hashed = (file: string, prefix: string, contentType: string, extra: Partial<AssetOptions> = {}) => {
    const name = basename(file);
    const dot = name.lastIndexOf('.');
    return new StaticAsset({
      file,
      urlPath: (hash) => `${prefix}${name.slice(0, dot)}.${hash}${name.slice(dot)}`,
      contentType,
      headers: SAME_ORIGIN,
      ...extra,
    });
  };
  return {
    webChat: hashed(webChatBundlePath(), '/webchat/', JS),
    script: hashed(asset('chat.js'), '/assets/', JS),
    style: hashed(asset('chat.css'), '/assets/', 'text/css; charset=utf-8'),
    avatar: hashed(asset('avatar.svg'), '/assets/', 'image/svg+xml', {
      // An SVG opened on its own is a document: it may not run or load anything.
      headers: { ...SAME_ORIGIN, 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" },
    }),
    // The snippet's URL cannot carry a hash: a short cache, so a new version reaches sites within minutes.
    embed: new StaticAsset({
      file: asset('embed.js'),
      urlPath: () => '/embed.js',
      contentType: JS,
      cacheControl: 'public, max-age=300',
      headers: { 'Cross-Origin-Resource-Policy': 'cross-origin' },
    }),
  };
}

const isEmbed = (req: IncomingMessage): boolean =>
  new URL(req.url ?? '/', 'http://localhost').searchParams.get('embed') === '1';

/**
 * The website chat: GET / (the chat page), its static files under /webchat/ and /assets/ (hashed URLs, cached for a
 * year), GET /embed.js (the widget for other sites) and POST /api/directline/token (Azure mode).
 */
export function registerWebRoutes(
  server: restify.Server,
  options: WebChatOptions & {
    readonly logger: Logger;
    readonly supportEmail: string;
    readonly builtInDirectLine?: boolean;
    readonly counters: RateCounter;
  },
): void {
  const assets = loadAssets();
  const secret = options.directLineSecret ?? '';
  const endpoint = (options.directLineEndpoint || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const mode: DirectLineMode = secret ? 'azure' : 'builtin';
  const frameAncestors = options.frameAncestors?.length ? options.frameAncestors : ["'self'"];
  const pageAssets: ChatPageAssets = {
    webChat: assets.webChat.path,
    script: assets.script.path,
    style: assets.style.path,
    avatar: assets.avatar.path,
  };
  const pageHeaders = {
    'Content-Type': 'text/html; charset=utf-8',
    // The page names the current hashed files: revalidated on every visit, so a new version is picked up at once.
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': chatPageCsp(frameAncestors, mode === 'azure' ? endpoint : undefined),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  const pages = new Map<boolean, string>(
    [false, true].map((embed) => [
      embed,
      chatPageHtml({
        embed,
        supportEmail: options.supportEmail,
        mode,
        directLineDomain: mode === 'azure' ? endpoint : BUILT_IN_DIRECT_LINE,
        tokenUrl: mode === 'azure' ? '/api/directline/token' : `${BUILT_IN_DIRECT_LINE}/tokens/generate`,
        assets: pageAssets,
      }),
    ]),
  );

  let compressing = false;
  const page = async (req: restify.Request, res: restify.Response) => {
    if (!compressing) {
      // The first visitor is about to load the files: compress them now (once per process).
      compressing = true;
      for (const file of Object.values(assets)) void file.compress();
    }
    const html = pages.get(isEmbed(req)) ?? '';
    res.writeHead(200, { ...pageHeaders, 'Content-Length': String(Buffer.byteLength(html)) });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
  server.get('/', page);
  server.head('/', page);

  for (const file of Object.values(assets)) {
    const serve = async (req: restify.Request, res: restify.Response) => file.serve(req, res);
    server.get(file.path, serve);
    server.head(file.path, serve);
  }

  registerDirectLineTokenRoute(server, {
    secret,
    endpoint,
    limiter: new RateLimit(options.counters, 'azure-token', options.tokenRequestsPerMinute ?? 20, 60_000),
    trustProxy: options.trustProxy ?? false,
    logger: options.logger,
  });
  if (mode === 'builtin' && options.builtInDirectLine === false)
    options.logger.warn(
      'the website chat has no Direct Line: set DIRECT_LINE_SECRET (Azure Bot, Direct Line channel) for its page to connect',
    );
}
