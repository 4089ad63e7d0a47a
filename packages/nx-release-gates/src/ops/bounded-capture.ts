/**
 * A command's output written whole to a log file as it arrives, with only a bounded part of it kept in memory (see
 * util/bounded-lines.ts): a test run that prints a million lines neither fills the plugin's memory nor its reports,
 * and the log file keeps every line for the person who needs them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { BoundedOutput, DEFAULT_LINE_BOUND, LineBound, LineSplitter } from '../util/bounded-lines';

/** runCommand's `capture` option: where the whole output goes, and what of it stays in memory. */
export interface CaptureOptions {
  /** Absolute path of the log file (replaced): stdout and stderr, in the order they arrive. */
  logFile: string;
  /** How the cut marker names the log file (a path relative to the workspace); the file's path when absent. */
  shownAs?: string;
  /** Lines always kept (those a parser reads for structure); every run of other lines is bounded. */
  keep?: RegExp;
  bound?: LineBound;
}

/** Both streams of one command: `write` them as they come, `finish` for the kept text. */
export class BoundedCapture {
  private readonly fd: number;
  private readonly outputs: Record<'stdout' | 'stderr', { kept: BoundedOutput; lines: LineSplitter; decoder: StringDecoder }>;

  constructor(options: CaptureOptions) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    this.fd = fs.openSync(options.logFile, 'w');
    const where = options.shownAs ?? options.logFile;
    const stream = () => {
      const kept = new BoundedOutput(options.keep ?? null, options.bound ?? DEFAULT_LINE_BOUND, where);
      return { kept, lines: new LineSplitter((line) => kept.push(line)), decoder: new StringDecoder('utf8') };
    };
    this.outputs = { stdout: stream(), stderr: stream() };
  }

  write(stream: 'stdout' | 'stderr', chunk: string | Buffer): void {
    if (typeof chunk === 'string') fs.writeSync(this.fd, chunk);
    else fs.writeSync(this.fd, chunk);
    const output = this.outputs[stream];
    // A character split between two chunks is decoded once both have come.
    output.lines.write(typeof chunk === 'string' ? chunk : output.decoder.write(chunk));
  }

  /** Closes the log file; the bounded text of each stream. */
  finish(): { stdout: string; stderr: string } {
    fs.closeSync(this.fd);
    const text = (stream: 'stdout' | 'stderr') => {
      this.outputs[stream].lines.write(this.outputs[stream].decoder.end());
      this.outputs[stream].lines.end();
      return this.outputs[stream].kept.text();
    };
    return { stdout: text('stdout'), stderr: text('stderr') };
  }
}
