/**
 * A unified diff of two texts with three lines of context: what gate-workflows prints when a committed file differs
 * from what the generator writes. `-` lines are the committed file, `+` lines what the generator would write. The
 * `diff` package does the work (it marks a missing final newline with `\ No newline at end of file`, which a
 * hand-written line diff showed as an empty diff).
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

export function unifiedDiff(before: string, after: string, fromLabel: string, toLabel: string, context = 3): string {
  if (before === after) return '';
  return createTwoFilesPatch(fromLabel, toLabel, before, after, undefined, undefined, { context, headerOptions: FILE_HEADERS_ONLY }).trimEnd();
}
