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
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Jump to the quote that ends the string (one not escaped by an odd number of backslashes): most of a chat
      // message's body is string, and indexOf scans it far faster than a character loop.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false;
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth -= 1;
  }
  return false;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; text.charCodeAt(i) === 0x5c; i -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/** One decoder for every body: decode() without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(bytes: Buffer, maxDepth: number): { value: unknown } | Refusal {
  let text: string;
  try {
    text = UTF8.decode(bytes);
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
    text = UTF8.decode(bytes);
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

/** Refuses the request with a JSON reason (logged), closing the connection after the answer. */
function refuseRequest(
  logger: Logger,
  req: restify.Request,
  res: restify.Response,
  next: restify.Next,
  refusal: Refusal,
  discard: boolean,
): void {
  logger.warn(
    { method: req.method, path: loggablePath(pathOf(req)), status: refusal.status, reason: refusal.message },
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
}

const pathOf = (req: restify.Request): string => new URL(req.url ?? '/', 'http://localhost').pathname;

/** The body reader, as a restify `pre` handler (it runs for every request, routed or not). */
export function bodyReader(options: BodyReaderOptions): restify.RequestHandler {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const allowForm = options.allowForm ?? (() => false);
  const { logger } = options;
  const tooLarge = refuse(413, 'payload_too_large', `the body may be at most ${maxBytes} bytes`);
  const answer = (
    req: restify.Request,
    res: restify.Response,
    next: restify.Next,
    refusal: Refusal,
    discard: boolean,
  ): void => refuseRequest(logger, req, res, next, refusal, discard);

  // Per request only the three listeners below are made (the refusals and the path are worked out only when needed).
  return (req: restify.Request, res: restify.Response, next: restify.Next) => {
    if (!hasBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    const { type, utf8 } = mediaTypeOf(req.headers['content-type']);
    const kind = type === 'application/json' ? 'json' : type === 'application/x-www-form-urlencoded' ? 'form' : '';
    if (!kind) {
      answer(req, res, next, refuse(415, 'unsupported_media_type', 'the body must be application/json'), true);
      return;
    }
    if (kind === 'form' && !allowForm(pathOf(req))) {
      answer(
        req,
        res,
        next,
        refuse(400, 'bad_request', 'this route accepts only application/json (forms only on the consent page)'),
        true,
      );
      return;
    }
    if (!utf8) {
      answer(req, res, next, refuse(415, 'unsupported_media_type', 'the body must be UTF-8'), true);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      answer(req, res, next, tooLarge, true);
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
      onGone();
      answer(req, res, next, tooLarge, true);
    };
    const onEnd = () => {
      if (done) return;
      const bytes = Buffer.concat(chunks, size);
      onGone();
      const parsed = kind === 'json' ? parseJson(bytes, maxDepth) : parseForm(bytes);
      if ('status' in parsed) {
        answer(req, res, next, parsed, false);
        return;
      }
      req.body = parsed.value;
      next();
    };
    // Also when the client went away (or the request timed out): nobody to answer, nothing kept.
    const onGone = () => {
      done = true;
      chunks.length = 0;
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
