/**
 * A unified diff of two texts, line by line (longest common subsequence), with three lines of context: what
 * gate-workflows prints when a committed file differs from what the generator writes. `-` lines are the committed
 * file, `+` lines what the generator would write.
 */
export function unifiedDiff(before: string, after: string, fromLabel: string, toLabel: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change close to it.
    const start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      if (ops[end].kind !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run].kind === ' ') run++;
      if (run === ops.length || run - end > context * 2) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end = run;
    }
    const slice = ops.slice(start, end);
    const aStart = slice[0].aIndex;
    const bStart = slice[0].bIndex;
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    hunks.push(`@@ -${aCount ? aStart + 1 : aStart},${aCount} +${bCount ? bStart + 1 : bStart},${bCount} @@`);
    for (const op of slice) hunks.push(`${op.kind}${op.line}`);
    i = end;
  }
  if (hunks.length === 0) return '';
  return [`--- ${fromLabel}`, `+++ ${toLabel}`, ...hunks].join('\n');
}

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
  /** Index in `a` (or where the line would be) and in `b`, for hunk headers. */
  aIndex: number;
  bIndex: number;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  // Common prefix and suffix first: generated files usually differ in a few lines.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const am = a.slice(prefix, a.length - suffix);
  const bm = b.slice(prefix, b.length - suffix);
  const n = am.length;
  const m = bm.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) lcs[x][y] = am[x] === bm[y] ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
  }
  const ops: Op[] = [];
  for (let k = 0; k < prefix; k++) ops.push({ kind: ' ', line: a[k], aIndex: k, bIndex: k });
  let x = 0;
  let y = 0;
  while (x < n || y < m) {
    if (x < n && y < m && am[x] === bm[y]) {
      ops.push({ kind: ' ', line: am[x], aIndex: prefix + x, bIndex: prefix + y });
      x++;
      y++;
    } else if (x < n && (y === m || lcs[x + 1][y] >= lcs[x][y + 1])) {
      ops.push({ kind: '-', line: am[x], aIndex: prefix + x, bIndex: prefix + y });
      x++;
    } else {
      ops.push({ kind: '+', line: bm[y], aIndex: prefix + x, bIndex: prefix + y });
      y++;
    }
  }
  for (let k = 0; k < suffix; k++) ops.push({ kind: ' ', line: a[a.length - suffix + k], aIndex: a.length - suffix + k, bIndex: b.length - suffix + k });
  return ops;
}
