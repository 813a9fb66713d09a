import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** Summary statistics for latency samples (any unit; the caller says which). */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of sorted values (p in 0..1). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Grows without copying on every push; samples stay numbers (no boxing). */
export class Samples {
  private data = new Float64Array(4096);
  private size = 0;

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size] = value;
    this.size += 1;
  }

  get length(): number {
    return this.size;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}

/** Machine-wide busy CPU time (all cores, all processes) at one moment; from os.cpus(), so it works beyond Linux. */
export interface CpuSnapshot {
  readonly busyMs: number;
  readonly atMs: number;
}

export function cpuSnapshot(): CpuSnapshot {
  let busyMs = 0;
  for (const cpu of os.cpus()) busyMs += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return { busyMs, atMs: performance.now() };
}

/**
 * Cores' worth of CPU that other processes (not this run) used between two snapshots: the noise indicator. Anything
 * well above 0 means the numbers of that phase are pessimistic. `ownCpuMs` is what this run's processes used.
 */
export function otherCores(before: CpuSnapshot, after: CpuSnapshot, ownCpuMs: number): number {
  const wall = after.atMs - before.atMs;
  return wall > 0 ? Math.max(0, (after.busyMs - before.busyMs - ownCpuMs) / wall) : 0;
}
