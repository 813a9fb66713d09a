/**
 * Child process for the HTTP benchmark: starts one server (the real assistant or the echo baseline) on an ephemeral
 * loopback port and reports its port, then answers "stats" requests over IPC (CPU time, event-loop utilisation, GC,
 * memory) so the parent can tell whether the server or the load generator was the bottleneck.
 * Usage (from bench/run.ts only): fork('bench/target.ts', ['assistant' | 'echo', dataDir]).
 */

import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createApp } from '../bot/app.ts';
import { loadConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log/logger.ts';
import { createEchoServer } from './echoBot.ts';

export type TargetKind = 'assistant' | 'echo';

export interface TargetStats {
  readonly cpuUs: number;
  readonly eluActiveMs: number;
  readonly eluIdleMs: number;
  readonly gcMs: number;
  readonly gcCount: number;
  /** Longest single GC pause since the previous stats request. */
  readonly gcMaxMs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export type TargetMessage =
  | { readonly type: 'ready'; readonly port: number; readonly startMs: number }
  | { readonly type: 'stats'; readonly stats: TargetStats }
  | { readonly type: 'failed'; readonly error: string };

const send = (message: TargetMessage): void => {
  process.send?.(message);
};

let gcMs = 0;
let gcCount = 0;
let gcMaxMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount += 1;
    gcMaxMs = Math.max(gcMaxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

function stats(): TargetStats {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const memory = process.memoryUsage();
  const longest = gcMaxMs;
  gcMaxMs = 0;
  return {
    cpuUs: cpu.user + cpu.system,
    eluActiveMs: elu.active,
    eluIdleMs: elu.idle,
    gcMs,
    gcCount,
    gcMaxMs: longest,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}

async function start(kind: TargetKind, dataDir: string): Promise<{ port: number; close: () => Promise<void> }> {
  if (kind === 'echo') {
    const echo = createEchoServer();
    return { port: await echo.listen(0, '127.0.0.1'), close: echo.close };
  }
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const app = await createApp(config, createLogger('silent'));
  // createApp binds 0.0.0.0 (product code); the benchmark only ever connects to 127.0.0.1.
  return { port: await app.listen(config.port), close: app.close };
}

async function main(): Promise<void> {
  const [kind, dataDir = ''] = process.argv.slice(2);
  if (kind !== 'assistant' && kind !== 'echo') throw new Error(`unknown target "${kind}" (assistant | echo)`);
  const t = performance.now();
  const server = await start(kind, dataDir);
  process.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'stats')
      send({ type: 'stats', stats: stats() });
  });
  // The parent going away (normally or not) ends this process: never leave a server behind.
  process.once('disconnect', () => {
    const exit = setTimeout(() => process.exit(0), 1000);
    server.close().then(
      () => {
        clearTimeout(exit);
        process.exit(0);
      },
      () => process.exit(0),
    );
  });
  send({ type: 'ready', port: server.port, startMs: performance.now() - t });
}

main().catch((err: unknown) => {
  send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
