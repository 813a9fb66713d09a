/**
 * Static files of the website chat, served from memory: each is read and hashed once at start, compressed once per
 * process (gzip level 9 and brotli quality 11, off the event loop), and sent in the best encoding the client accepts
 * (br > gzip > identity) with `Vary: Accept-Encoding`, a strong ETag per encoding and 304 on If-None-Match.
 *
 * Compression is lazy (it starts with the first request of the chat page or of the file) because brotli quality 11
 * of the 3.9 MB Web Chat bundle costs seconds of CPU: that would delay every start of the assistant, and bench and
 * tests start it often. Until a variant is ready the next best one is sent (a request never waits for brotli; it
 * waits for gzip, a fraction of a second, rather than sending the file uncompressed). Compressed bytes are shared per
 * content hash, so several app instances in one process (tests) compress a file once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotliCompress = promisify(zlib.brotliCompress);
const gzipCompress = promisify(zlib.gzip);

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** A year: for files whose URL carries their content hash (a new version gets a new URL). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Compressions {
  /** Undefined when compressing failed or did not make the file smaller (then it is sent as it is). */
  readonly gzip: Promise<Buffer | undefined>;
  readonly br: Promise<Buffer | undefined>;
}

/** Per content hash, for the whole process: every file is compressed once. */
const compressions = new Map<string, Compressions>();

function compressionsOf(hash: string, bytes: Buffer): Compressions {
  let found = compressions.get(hash);
  if (!found) {
    const smaller = (compressed: Buffer): Buffer | undefined =>
      compressed.length < bytes.length ? compressed : undefined;
    const gzip = gzipCompress(bytes, { level: 9 }).then(smaller, () => undefined);
    // After gzip: the first clients get gzip quickly; brotli follows when ready.
    const br = gzip
      .then(() =>
        brotliCompress(bytes, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
      )
      .then(smaller, () => undefined);
    found = { gzip, br };
    compressions.set(hash, found);
  }
  return found;
}

/** Resolves when every compression started so far has finished (for tests and benchmarks). */
export async function whenCompressed(): Promise<void> {
  await Promise.all([...compressions.values()].flatMap((c) => [c.gzip, c.br]));
}

export interface AssetOptions {
  /** The file on disk (read once, now). */
  readonly file: string;
  /** Its URL path, given the first 16 hex digits of its SHA-256, e.g. (h) => `/webchat/webchat.${h}.js`. */
  readonly urlPath: (hash: string) => string;
  readonly contentType: string;
  /** Default: IMMUTABLE (right only when urlPath includes the hash). */
  readonly cacheControl?: string;
  /** Extra response headers (e.g. Cross-Origin-Resource-Policy). */
  readonly headers?: Readonly<Record<string, string>>;
}

export class StaticAsset {
  readonly path: string;
  /** First 16 hex digits of the SHA-256 of the file. */
  readonly hash: string;
  readonly bytes: Buffer;
  readonly #headers: Readonly<Record<string, string>>;
  #compressions: Compressions | undefined;
  #gzip: Buffer | undefined;
  #br: Buffer | undefined;

  constructor(options: AssetOptions) {
    this.bytes = readFileSync(options.file);
    this.hash = createHash('sha256').update(this.bytes).digest('hex').slice(0, 16);
    this.path = options.urlPath(this.hash);
    this.#headers = {
      'Content-Type': options.contentType,
      'Cache-Control': options.cacheControl ?? IMMUTABLE,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      ...options.headers,
    };
  }

  /** Starts compressing (once); resolves when both compressed variants are ready (or known to be useless). */
  compress(): Promise<void> {
    if (!this.#compressions) {
      const compressions = compressionsOf(this.hash, this.bytes);
      this.#compressions = compressions;
      void compressions.gzip.then((gzip) => {
        this.#gzip = gzip;
      });
      void compressions.br.then((br) => {
        this.#br = br;
      });
    }
    const { gzip, br } = this.#compressions;
    return Promise.all([gzip, br]).then(() => undefined);
  }

  /** The strong ETag of one encoding (the bytes differ, so the tags must). */
  etag(encoding: ContentEncoding): string {
    return encoding === 'identity' ? `"${this.hash}"` : `"${this.hash}-${encoding === 'br' ? 'br' : 'gz'}"`;
  }

  /** The encoding and body to send to a client with this Accept-Encoding header. */
  async variant(acceptEncoding: string | undefined): Promise<{ encoding: ContentEncoding; body: Buffer }> {
    const accepted = acceptedEncodings(acceptEncoding);
    if (!this.#compressions) void this.compress();
    if (accepted.br && this.#br) return { encoding: 'br', body: this.#br };
    if (accepted.gzip) {
      const gzip = this.#gzip ?? (await this.#compressions?.gzip);
      if (gzip) return { encoding: 'gzip', body: gzip };
    }
    if (accepted.br) {
      // A client without gzip: brotli if it is ready by now, else the plain file.
      const br = this.#br;
      if (br) return { encoding: 'br', body: br };
    }
    return { encoding: 'identity', body: this.bytes };
  }

  /** Whether If-None-Match names a version of this file the client already has (any encoding: same content). */
  matches(ifNoneMatch: string | undefined): boolean {
    if (!ifNoneMatch) return false;
    const tags = new Set([this.etag('identity'), this.etag('gzip'), this.etag('br')]);
    return ifNoneMatch.split(',').some((raw) => {
      const tag = raw.trim().replace(/^W\//, '');
      return tag === '*' || tags.has(tag);
    });
  }

  /** Answers GET (or HEAD) for this file. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.matches(req.headers['if-none-match'])) {
      const encoding = (await this.variant(req.headers['accept-encoding'])).encoding;
      res.writeHead(304, { ...this.#headers, ETag: this.etag(encoding) });
      res.end();
      return;
    }
    const { encoding, body } = await this.variant(req.headers['accept-encoding']);
    res.writeHead(200, {
      ...this.#headers,
      ...(encoding === 'identity' ? {} : { 'Content-Encoding': encoding }),
      'Content-Length': String(body.length),
      ETag: this.etag(encoding),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** Which of br and gzip an Accept-Encoding header allows (q=0 refuses; `*` stands for codings not named). */
export function acceptedEncodings(header: string | undefined): { br: boolean; gzip: boolean } {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(value) ? value : 0);
  }
  const allowed = (name: string): boolean => (q.get(name) ?? q.get('*') ?? 0) > 0;
  return { br: allowed('br'), gzip: allowed('gzip') };
}

/** The Web Chat standalone bundle (botframework-webchat/dist/webchat.js) of the installed package. */
export function webChatBundlePath(): string {
  // The package's exports map does not expose dist/webchat.js: resolve its entry point, then find the package root.
  // (createRequire rather than import.meta.resolve, which the tsx loader does not provide in every mode.)
  const entry = createRequire(import.meta.url).resolve('botframework-webchat');
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'webchat.js');
    if (dirname(dir) === dir) throw new Error(`botframework-webchat: no package root above ${entry}`);
  }
}
