/**
 * Output kept in bounded memory: a test that prints a million lines must not make the plugin hold (or write into its
 * reports) a million lines. A run of lines keeps its first and last few, with one marker line saying how many were cut
 * and where the whole text is; very long lines are clipped. Pure: the caller feeds lines and reads them back.
 */

export interface LineBound {
  headLines: number;
  tailLines: number;
  /** Longer lines are clipped to this many characters (and marked with `…`). */
  maxLineChars: number;
}

/** Enough to read a panic and its context; the whole text is in the log file the marker names. */
export const DEFAULT_LINE_BOUND: LineBound = { headLines: 40, tailLines: 40, maxLineChars: 500 };

/** The marker that stands for the lines cut from a run (`where`: the log file that holds them, when there is one). */
export function cutMarker(count: number, where?: string): string {
  return `… ${count} line${count === 1 ? '' : 's'} cut${where ? `, full output in ${where}` : ''}`;
}

export function clipLine(line: string, maxChars: number): string {
  return line.length > maxChars ? `${line.slice(0, maxChars)}…` : line;
}

/** A run of lines with its first `headLines` and last `tailLines` kept. */
export class BoundedLines {
  private readonly head: string[] = [];
  private tail: string[] = [];
  private cut = 0;

  constructor(
    private readonly bound: LineBound = DEFAULT_LINE_BOUND,
    private readonly where?: string,
  ) {}

  push(line: string): void {
    const clipped = clipLine(line, this.bound.maxLineChars);
    if (this.head.length < this.bound.headLines) {
      this.head.push(clipped);
      return;
    }
    this.tail.push(clipped);
    // Trimmed in batches, so a long run costs no array shift per line.
    if (this.tail.length > this.bound.tailLines * 2 + 64) this.trimTail();
  }

  private trimTail(): void {
    const extra = this.tail.length - this.bound.tailLines;
    if (extra <= 0) return;
    this.cut += extra;
    this.tail = this.tail.slice(extra);
  }

  get empty(): boolean {
    return this.head.length === 0;
  }

  lines(): string[] {
    this.trimTail();
    return this.cut > 0 ? [...this.head, cutMarker(this.cut, this.where), ...this.tail] : [...this.head, ...this.tail];
  }
}

/**
 * A whole output kept bounded: lines matching `keep` (the ones a parser reads for structure, such as libtest's
 * `test x ... FAILED`) are always kept, and each run of other lines between them is bounded by BoundedLines.
 */
export class BoundedOutput {
  private readonly kept: string[] = [];
  private run: BoundedLines | null = null;

  constructor(
    private readonly keep: RegExp | null,
    private readonly bound: LineBound = DEFAULT_LINE_BOUND,
    private readonly where?: string,
  ) {}

  push(line: string): void {
    if (this.keep?.test(line)) {
      this.closeRun();
      this.kept.push(clipLine(line, this.bound.maxLineChars));
      return;
    }
    (this.run ??= new BoundedLines(this.bound, this.where)).push(line);
  }

  private closeRun(): void {
    if (this.run) this.kept.push(...this.run.lines());
    this.run = null;
  }

  text(): string {
    this.closeRun();
    return this.kept.join('\n');
  }
}

const MAX_PENDING_CHARS = 1 << 20;

/** Splits chunks of a stream into lines (the last, unfinished one waits for the next chunk or the end). */
export class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: string): void {
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    // A line that never ends (a progress bar redrawn with `\r`) is passed on in pieces rather than held whole.
    if (this.pending.length > MAX_PENDING_CHARS) {
      parts.push(this.pending);
      this.pending = '';
    }
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  end(): void {
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }
}
