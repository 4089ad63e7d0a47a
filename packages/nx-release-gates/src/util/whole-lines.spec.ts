import { WholeLines } from './whole-lines';

describe('WholeLines', () => {
  it('joins a line written in pieces and passes on each line once it is whole', () => {
    const seen: string[] = [];
    const lines = new WholeLines((line) => seen.push(line));
    lines.push('  Downloaded');
    expect(seen).toEqual([]);
    lines.push(' log v0.4.29\n   Compiling lo');
    expect(seen).toEqual(['  Downloaded log v0.4.29']);
    lines.push(Buffer.from('g v0.4.29\r\nwarning: x\n'));
    expect(seen).toEqual(['  Downloaded log v0.4.29', '   Compiling log v0.4.29', 'warning: x']);
  });

  it('decodes a character split between chunks, and passes an unfinished last line on at the end, once', () => {
    const seen: string[] = [];
    const lines = new WholeLines((line) => seen.push(line));
    const bytes = Buffer.from('größe\nlast');
    lines.push(bytes.subarray(0, 3));
    lines.push(bytes.subarray(3));
    lines.end();
    lines.end();
    expect(seen).toEqual(['größe', 'last']);
  });
});
