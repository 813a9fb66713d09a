import { randomInt } from 'node:crypto';
import { dayStamp } from './time.ts';

/**
 * A readable, practically unique id such as PRV-20261127-4821: prefix, the day (WIB) and a random number that is
 * re-drawn while `taken` says it is in use. Not a secret: links never rely on it.
 */
export async function readableId(prefix: string, now: Date, taken: (id: string) => Promise<boolean>): Promise<string> {
  const day = dayStamp(now);
  for (let digits = 4; ; digits += 1) {
    for (let i = 0; i < 20; i += 1) {
      const id = `${prefix}-${day}-${String(randomInt(0, 10 ** digits)).padStart(digits, '0')}`;
      if (!(await taken(id))) return id;
    }
  }
}
