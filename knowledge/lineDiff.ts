/** One line of a diff: kept, removed (only in the old text) or added (only in the new one), with line numbers. */
export interface DiffLine {
  readonly op: 'same' | 'del' | 'add';
  readonly text: string;
  readonly oldLine?: number;
  readonly newLine?: number;
}

/** Above this many changed lines on each side the middle is compared greedily (a full table would be too large). */
const MAX_TABLE = 4_000_000;

/**
 * A line diff (longest common subsequence) of two texts: the common start and end are cut first, so the usual edit
 * of a few lines costs next to nothing.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ op: 'same', text: a[i] ?? '', oldLine: i + 1, newLine: i + 1 });
  const n = endA - start;
  const m = endB - start;
  if (n * m <= MAX_TABLE) {
    // lcs[i][j]: length of the common subsequence of a[start+i..endA) and b[start+j..endB).
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        (lcs[i] as Uint32Array)[j] =
          a[start + i] === b[start + j]
            ? ((lcs[i + 1] as Uint32Array)[j + 1] ?? 0) + 1
            : Math.max((lcs[i + 1] as Uint32Array)[j] ?? 0, (lcs[i] as Uint32Array)[j + 1] ?? 0);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ op: 'same', text: a[start + i] ?? '', oldLine: start + i + 1, newLine: start + j + 1 });
        i++;
        j++;
      } else if (j < m && (i === n || ((lcs[i] as Uint32Array)[j + 1] ?? 0) > ((lcs[i + 1] as Uint32Array)[j] ?? 0))) {
        out.push({ op: 'add', text: b[start + j] ?? '', newLine: start + j + 1 });
        j++;
      } else {
        out.push({ op: 'del', text: a[start + i] ?? '', oldLine: start + i + 1 });
        i++;
      }
    }
  } else {
    for (let i = start; i < endA; i++) out.push({ op: 'del', text: a[i] ?? '', oldLine: i + 1 });
    for (let j = start; j < endB; j++) out.push({ op: 'add', text: b[j] ?? '', newLine: j + 1 });
  }
  for (let k = 0; endA + k < a.length; k++)
    out.push({ op: 'same', text: a[endA + k] ?? '', oldLine: endA + k + 1, newLine: endB + k + 1 });
  return out;
}

/** Only the changes, each with `context` kept lines around it; a run of skipped lines becomes one `null`. */
export function diffHunks(lines: readonly DiffLine[], context = 3): (DiffLine | null)[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, i) => {
    if (line.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: (DiffLine | null)[] = [];
  lines.forEach((line, i) => {
    if (keep[i]) out.push(line);
    else if (out.at(-1) !== null) out.push(null);
  });
  return out;
}
