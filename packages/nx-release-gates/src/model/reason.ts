/**
 * A gate's reason is one sentence a maintainer reads in a table: bounded, so a failure with hundreds of test names or
 * a page of compiler output still shows its cause. Gates write short reasons themselves (a count, the first few
 * names, the first failure's message); `boundReason` is the safety net that keeps the rest in `details.fullReason`.
 */
export const MAX_REASON_LENGTH = 300;

/** The first `shown` items and how many more: `a, b, c and 384 more`. */
export function firstFew(items: readonly string[], shown = 3): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

/** One line of at most `max` characters: whitespace runs folded, the end replaced by an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

/** The reason as shown (under MAX_REASON_LENGTH characters) and, when it had to be cut, the whole text. */
export function boundReason(reason: string): { reason: string; fullReason?: string } {
  const line = reason.replace(/\s+/g, ' ').trim();
  if (line.length < MAX_REASON_LENGTH) return { reason: line };
  return { reason: clip(line, MAX_REASON_LENGTH - 1), fullReason: reason };
}
