import { escapeHtml } from './html.ts';

export type DirectLineMode = 'builtin' | 'azure';

/** URL paths (with content hashes) of the files the page loads. */
export interface ChatPageAssets {
  readonly webChat: string;
  readonly script: string;
  readonly style: string;
  readonly avatar: string;
}

export interface ChatPageOptions {
  /** Inside the embed widget's iframe: a compact header. */
  readonly embed: boolean;
  /** The support address shown to visitors without JavaScript. */
  readonly supportEmail: string;
  readonly mode: DirectLineMode;
  /** Direct Line base URL for the browser (a path on this server for the built-in endpoint). */
  readonly directLineDomain: string;
  /** Where the page gets its token (POST). */
  readonly tokenUrl: string;
  readonly assets: ChatPageAssets;
}

export const CHAT_TITLE = 'Asisten Privasi Wowrack';
const SUBTITLE = 'Jawaban dari Pernyataan Privasi Wowrack Indonesia · Bahasa Indonesia & English';

/** JSON that is safe inside a <script> element (no "</script>", no "<!--", no line separators). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The chat page: a Wowrack header over a full-height Web Chat. No inline script: the settings are a JSON block
 * (not executed), the code is /assets/chat.<hash>.js, so the CSP can allow scripts from this origin only.
 */
export function chatPageHtml(options: ChatPageOptions): string {
  const { assets } = options;
  const config = scriptJson({
    mode: options.mode,
    directLineDomain: options.directLineDomain,
    tokenUrl: options.tokenUrl,
    avatarUrl: assets.avatar,
  });
  const a = (path: string) => escapeHtml(path);
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${CHAT_TITLE}</title>
<meta name="description" content="Tanya jawab tentang Pernyataan Privasi Wowrack Indonesia.">
<link rel="icon" href="${a(assets.avatar)}" type="image/svg+xml">
<link rel="stylesheet" href="${a(assets.style)}">
<script type="application/json" id="chat-config">${config}</script>
<script src="${a(assets.webChat)}" defer></script>
<script src="${a(assets.script)}" defer></script>
</head>
<body${options.embed ? ' class="embed"' : ''}>
<header class="chat-header">
<img src="${a(assets.avatar)}" alt="" width="40" height="40">
<div><h1>${CHAT_TITLE}</h1><p>${escapeHtml(SUBTITLE)}</p></div>
</header>
<main class="chat-main">
<div id="chat-status" class="chat-status" role="status" aria-live="polite" hidden></div>
<div id="webchat" role="region" aria-label="Percakapan dengan ${CHAT_TITLE}"></div>
<noscript><p class="chat-noscript">Chat ini memerlukan JavaScript. Anda juga dapat menulis ke ${escapeHtml(options.supportEmail)}.</p></noscript>
</main>
</body>
</html>
`;
}

/** Origins (http(s) and the matching ws(s)) of a URL, for connect-src. */
function connectOrigins(url: string): string[] {
  const { protocol, host } = new URL(url);
  return [`${protocol}//${host}`, `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}`];
}

/**
 * The page's Content-Security-Policy: scripts from this origin only, framing only by the configured sites, and
 * connections only to this origin ('self' also covers its own ws:/wss: in CSP 3: the built-in Direct Line stream)
 * and, in Azure mode, to the configured Direct Line endpoint's origin (https and its wss stream).
 */
export function chatPageCsp(frameAncestors: readonly string[], directLineEndpoint?: string): string {
  const connect = new Set(["'self'"]);
  if (directLineEndpoint) for (const origin of connectOrigins(directLineEndpoint)) connect.add(origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${[...connect].join(' ')}`,
    "font-src 'self' data:",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'self'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
