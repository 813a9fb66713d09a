/**
 * How the staff command reaches a running assistant: a Unix socket in DATA_DIR (`control.sock`, mode 0600, in the
 * 0700 folder: only the account that runs the assistant, which can read the database anyway, can use it). One JSON
 * request per connection, one JSON answer; the assistant runs the command on its own store, so nothing the command
 * writes can be overwritten by the assistant's next write, or the other way round.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describeError } from '../log/describeError.ts';
import type { Logger } from '../log/logger.ts';
import type { CommandResult, StaffRequest } from './staffCommand.ts';

export const CONTROL_SOCKET = 'control.sock';
/** A request is a few hundred bytes; anything much larger is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;
/** sockaddr_un holds 108 bytes on Linux (104 on macOS), the final NUL included. */
const MAX_SOCKET_PATH = 103;

export const controlSocketPath = (dataDir: string): string => join(dataDir, CONTROL_SOCKET);

function isStaffRequest(value: unknown): value is StaffRequest {
  if (typeof value !== 'object' || value === null || !('args' in value)) return false;
  const { args } = value;
  const password = 'password' in value ? value.password : undefined;
  return (
    Array.isArray(args) &&
    args.length <= 16 &&
    args.every((a) => typeof a === 'string' && a.length <= 400) &&
    (password === undefined || typeof password === 'string')
  );
}

/** Reads one newline-ended JSON value from the socket (bounded in size and time). */
function readMessage(socket: Socket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('no request in time')), TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REQUEST_BYTES) {
        clearTimeout(timer);
        reject(new Error('request too large'));
        return;
      }
      const end = text.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text.slice(0, end)));
      } catch {
        reject(new Error('not JSON'));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      reject(new Error('closed before a request'));
    });
  });
}

/** The assistant's end: runs each request with `run` and answers with its result. */
export class ControlSocket {
  #server: Server | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly run: (request: StaffRequest) => Promise<CommandResult>,
    private readonly logger: Logger,
  ) {}

  /** Listens (a socket file left by an assistant that died is replaced: this process holds the DATA_DIR lock). */
  async start(): Promise<void> {
    const path = controlSocketPath(this.dataDir);
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      this.logger.warn(
        { path },
        'DATA_DIR path too long for the control socket: the staff command cannot reach this assistant (stop it to run the command)',
      );
      return;
    }
    await unlink(path).catch(() => undefined);
    const server = createServer((socket) => void this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    await chmod(path, 0o600);
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await unlink(controlSocketPath(this.dataDir)).catch(() => undefined);
  }

  async #serve(socket: Socket): Promise<void> {
    let result: CommandResult;
    try {
      const request = await readMessage(socket);
      result = isStaffRequest(request) ? await this.run(request) : { code: 2, lines: ['not a staff command'] };
      this.logger.info(
        { command: isStaffRequest(request) ? request.args[0] : '?', code: result.code },
        'staff command',
      );
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'staff command failed');
      result = { code: 1, lines: ['the command could not be run; see the assistant log'] };
    }
    socket.end(`${JSON.stringify(result)}\n`);
  }
}

/** The command's end: sends the request to the assistant listening on DATA_DIR, and its answer. */
export function sendToAssistant(dataDir: string, request: StaffRequest): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(controlSocketPath(dataDir));
    let text = '';
    const timer = setTimeout(() => socket.destroy(new Error('the assistant did not answer in time')), TIMEOUT_MS * 3);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value === 'object' && value !== null && 'code' in value && 'lines' in value) {
          const { code, lines } = value;
          if (typeof code === 'number' && Array.isArray(lines)) {
            resolve({ code, lines: lines.map(String) });
            return;
          }
        }
        reject(new Error('the assistant gave an answer this command does not understand'));
      } catch {
        reject(new Error('the assistant gave an answer this command does not understand'));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
