/**
 * Closed-loop HTTP load generator: N keep-alive connections, each sending its next request as soon as the previous
 * response has been read. Loopback only. Latency is measured from request start to the end of the response body.
 */

import http from 'node:http';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Samples, type Summary, summarize } from './stats.ts';

export interface Response {
  readonly status: number;
  readonly body: string;
}

/** A correct response with a label to group latencies by (e.g. the kind of reply), or the reason it is wrong. */
export type Verdict = { readonly ok: true; readonly label: string } | { readonly ok: false; readonly problem: string };

export type Validate = (index: number, response: Response) => Verdict;

export interface LoadPhase {
  readonly agent: http.Agent;
  readonly port: number;
  readonly connections: number;
  readonly durationMs: number;
  /** Request body for the i-th request of the phase. */
  readonly body: (index: number) => string;
  readonly validate: Validate;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
  readonly rps: number;
  /** Milliseconds, successful requests only. */
  readonly latency: Summary;
  /** The same per label given by the validator. */
  readonly latencyByLabel: Readonly<Record<string, Summary>>;
  /** Load generator's own CPU time as a share of one core, and its event-loop utilisation (0..1). */
  readonly loaderCpu: number;
  readonly loaderElu: number;
  /** Longest GC pause of the load generator itself during the phase (it delays the responses it reads). */
  readonly loaderGcMaxMs: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

export const keepAliveAgent = (connections: number): http.Agent =>
  new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });

export function post(agent: http.Agent, port: number, body: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(phase: LoadPhase): Promise<LoadResult> {
  let loaderGcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) loaderGcMaxMs = Math.max(loaderGcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const latency = new Samples();
  const byLabel = new Map<string, Samples>();
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (reason: string): void => {
    errors += 1;
    firstError ??= reason;
  };

  const cpuBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  const start = performance.now();
  const deadline = start + phase.durationMs;

  const connection = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const index = next;
      next += 1;
      const body = phase.body(index);
      const sent = performance.now();
      try {
        const response = await post(phase.agent, phase.port, body);
        const took = performance.now() - sent;
        const verdict = phase.validate(index, response);
        if (!verdict.ok) fail(verdict.problem);
        else {
          latency.push(took);
          const samples = byLabel.get(verdict.label) ?? new Samples();
          samples.push(took);
          byLabel.set(verdict.label, samples);
        }
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: phase.connections }, connection));
  gc.disconnect();

  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const elu = performance.eventLoopUtilization(eluBefore);
  return {
    requests: latency.length + errors,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    elapsedMs,
    rps: (latency.length / elapsedMs) * 1000,
    latency: summarize(latency.values()),
    latencyByLabel: Object.fromEntries([...byLabel].map(([label, samples]) => [label, summarize(samples.values())])),
    loaderCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
    loaderElu: elu.utilization,
    loaderGcMaxMs,
  };
}
