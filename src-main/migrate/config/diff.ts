/**
 * A unified diff (the `diff -u` format) between two texts, line by line,
 * for showing what a config migration changes before it is written.
 * Longest common subsequence over lines; config files are a few hundred
 * lines, so the quadratic table is small. Beyond MAX_CELLS the whole file
 * is shown as replaced rather than spending seconds on it.
 */
const MAX_CELLS = 16_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(a: string, b: string, names: { from: string; to: string }, context = 3): string {
  if (a === b) return '';
  const x = splitLines(a);
  const y = splitLines(b);
  const ops = x.length * y.length > MAX_CELLS ? [...x.map((line) => ({ kind: '-' as const, line })), ...y.map((line) => ({ kind: '+' as const, line }))] : lcsOps(x, y);
  const out = [`--- ${names.from}`, `+++ ${names.to}`];
  // Group changes with `context` lines around them into hunks.
  let i = 0;
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const op of ops) {
    posA.push(la);
    posB.push(lb);
    if (op.kind !== '+') la++;
    if (op.kind !== '-') lb++;
  }
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    let quiet = 0;
    while (end < ops.length && (ops[end]!.kind !== ' ' || quiet < 2 * context)) {
      quiet = ops[end]!.kind === ' ' ? quiet + 1 : 0;
      end++;
    }
    end = Math.min(ops.length, end - Math.max(0, quiet - context));
    const hunk = ops.slice(start, end);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${countA ? posA[start] : posA[start]! - 1},${countA} +${countB ? posB[start] : posB[start]! - 1},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}

function splitLines(s: string): string[] {
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lcsOps(x: readonly string[], y: readonly string[]): Op[] {
  const n = x.length;
  const m = y.length;
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) t[i * w + j] = x[i] === y[j] ? t[(i + 1) * w + j + 1]! + 1 : Math.max(t[(i + 1) * w + j]!, t[i * w + j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      ops.push({ kind: ' ', line: x[i++]! });
      j++;
    } else if (t[(i + 1) * w + j]! >= t[i * w + j + 1]!) ops.push({ kind: '-', line: x[i++]! });
    else ops.push({ kind: '+', line: y[j++]! });
  }
  while (i < n) ops.push({ kind: '-', line: x[i++]! });
  while (j < m) ops.push({ kind: '+', line: y[j++]! });
  return ops;
}
