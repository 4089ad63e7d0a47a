/**
 * A program's output stream passed on as whole lines: a program may write one line in several pieces (cargo writes
 * its coloured status word and the rest apart), and whatever shows the pieces (Nx prefixes every piece it reads)
 * would cut the line in two.
 */
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './bounded-lines';

export class WholeLines {
  private readonly decoder = new StringDecoder('utf8');
  private readonly lines: LineSplitter;

  /** `onLine` gets each line without its line ending. */
  constructor(onLine: (line: string) => void) {
    this.lines = new LineSplitter(onLine);
  }

  push(chunk: string | Buffer): void {
    // A character split between two chunks is decoded once both have come.
    this.lines.write(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** The stream ended: an unfinished last line is passed on as it is. Safe to call more than once. */
  end(): void {
    this.lines.write(this.decoder.end());
    this.lines.end();
  }
}
