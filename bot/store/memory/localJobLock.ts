import type { JobLock } from '../store.ts';

/** The JobLock of the embedded store: the file belongs to one process, so a job only has to wait for itself. */
export class LocalJobLock implements JobLock {
  readonly #running = new Set<string>();

  async runAlone(name: string, job: () => Promise<void>): Promise<boolean> {
    if (this.#running.has(name)) return false;
    this.#running.add(name);
    try {
      await job();
      return true;
    } finally {
      this.#running.delete(name);
    }
  }
}
