/**
 * The request body reader for every route (instead of restify's bodyParser, which writes multipart uploads to the
 * temp folder and lets them past the size limit). It reads the body into memory, never to disk, and only:
 *
 * - `application/json` (UTF-8), nested at most MAX_JSON_DEPTH levels, parsed into `req.body`;
 * - `application/x-www-form-urlencoded` where `allowForm(path)` says so (the consent form), into `req.body` as an
 *   object (a repeated name gives a list); elsewhere a form is refused with 400.
 *
 * Anything else with a body (multipart above all) is refused with 415, a body over MAX_BODY_BYTES with 413 (by its Content-Length before
 * reading, or as soon as it grows past the limit), malformed JSON or form data with 400; always a JSON reason.
 */
import type restify from 'restify';
import type { Logger } from '../log/logger.ts';
import { loggablePath } from './loggablePath.ts';

/** Bodies are at most 256 KB on every route. */
export const MAX_BODY_BYTES = 256 * 1024;
/** JSON nested deeper than this is refused before it is parsed (nothing we accept needs more than a few levels). */
export const MAX_JSON_DEPTH = 64;
/**
 * After a refusal the rest of a body is read and thrown away (so the client sees the answer instead of a reset
 * connection), up to this much; beyond it the connection is cut. The request timeout bounds the time it may take.
 */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

export interface BodyReaderOptions {
  readonly logger: Logger;
  /** Paths whose POST may be an HTML form (application/x-www-form-urlencoded). */
  readonly allowForm?: (path: string) => boolean;
  readonly maxBytes?: number;
  readonly maxDepth?: number;
}

type Refusal = { readonly status: 400 | 413 | 415; readonly error: string; readonly message: string };

const refuse = (status: Refusal['status'], error: string, message: string): Refusal => ({ status, error, message });

/** The media type (lower case, without parameters) and whether its charset, if any, is UTF-8. */
function mediaTypeOf(header: string | undefined): { type: string; utf8: boolean } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  return { type: type.trim().toLowerCase(), utf8: charset === undefined || charset === 'utf-8' || charset === 'utf8' };
}

/**
 * The deepest nesting of arrays and objects in a JSON text, or Infinity as soon as it passes `limit` (a linear scan
 * that skips strings, so a deep document never reaches JSON.parse or anything recursive after it).
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth -= 1;
  }
  return false;
}

function parseJson(bytes: Buffer, maxDepth: number): { value: unknown } | Refusal {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse(400, 'bad_request', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') return { value: undefined };
  if (jsonDepthExceeds(text, maxDepth))
    return refuse(400, 'bad_request', `the JSON body is nested deeper than ${maxDepth} levels`);
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message.slice(0, 200)}` : '';
    return refuse(400, 'bad_request', `the body is not valid JSON${detail}`);
  }
}

/** A form as an object: one value per name, a list for a repeated name (as restify's parser gave it). */
function parseForm(bytes: Buffer): { value: Record<string, string | string[]> } | Refusal {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse(400, 'bad_request', 'the form is not valid UTF-8');
  }
  const value = Object.create(null) as Record<string, string | string[]>;
  for (const [name, field] of new URLSearchParams(text)) {
    const previous = value[name];
    value[name] = previous === undefined ? field : [...(Array.isArray(previous) ? previous : [previous]), field];
  }
  return { value };
}

const hasBody = (req: restify.Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** The body reader, as a restify `pre` handler (it runs for every request, routed or not). */
export function bodyReader(options: BodyReaderOptions): restify.RequestHandler {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const allowForm = options.allowForm ?? (() => false);
  const { logger } = options;

  return (req: restify.Request, res: restify.Response, next: restify.Next) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const answer = (refusal: Refusal, discard: boolean) => {
      logger.warn(
        { method: req.method, path: loggablePath(path), status: refusal.status, reason: refusal.message },
        'request body refused',
      );
      res.setHeader('Connection', 'close');
      if (discard) {
        // Read the rest and throw it away (bounded), so the answer is seen; never kept.
        let discarded = 0;
        req.on('data', (chunk: Buffer) => {
          discarded += chunk.length;
          if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
        });
        req.resume();
      }
      res.send(refusal.status, { error: refusal.error, message: refusal.message });
      next(false);
    };

    if (!hasBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    const { type, utf8 } = mediaTypeOf(req.headers['content-type']);
    const kind = type === 'application/json' ? 'json' : type === 'application/x-www-form-urlencoded' ? 'form' : '';
    if (!kind) {
      answer(refuse(415, 'unsupported_media_type', 'the body must be application/json'), true);
      return;
    }
    if (kind === 'form' && !allowForm(path)) {
      answer(
        refuse(400, 'bad_request', 'this route accepts only application/json (forms only on the consent page)'),
        true,
      );
      return;
    }
    if (!utf8) {
      answer(refuse(415, 'unsupported_media_type', 'the body must be UTF-8'), true);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      answer(refuse(413, 'payload_too_large', `the body may be at most ${maxBytes} bytes`), true);
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      finish();
      chunks.length = 0;
      answer(refuse(413, 'payload_too_large', `the body may be at most ${maxBytes} bytes`), true);
    };
    const onEnd = () => {
      if (done) return;
      finish();
      const bytes = Buffer.concat(chunks, size);
      const parsed = kind === 'json' ? parseJson(bytes, maxDepth) : parseForm(bytes);
      if ('status' in parsed) {
        answer(parsed, false);
        return;
      }
      req.body = parsed.value;
      next();
    };
    const onGone = () => {
      // The client went away (or the request timed out): nobody to answer.
      finish();
      chunks.length = 0;
    };
    const finish = () => {
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onGone);
      req.off('error', onGone);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onGone);
    req.on('error', onGone);
  };
}
