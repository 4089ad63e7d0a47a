import { BoundedLines, BoundedOutput, clipLine, cutMarker, LineSplitter } from './bounded-lines';

const bound = { headLines: 3, tailLines: 2, maxLineChars: 10 };

describe('BoundedLines', () => {
  it('keeps a short run whole', () => {
    const lines = new BoundedLines(bound);
    for (const l of ['a', 'b', 'c', 'd', 'e']) lines.push(l);
    expect(lines.lines()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps the first and last lines of a long run, with a marker naming the count and the log', () => {
    const lines = new BoundedLines(bound, 'dist/x.log');
    for (let i = 0; i < 1000; i++) lines.push(`l${i}`);
    expect(lines.lines()).toEqual(['l0', 'l1', 'l2', '… 995 lines cut, full output in dist/x.log', 'l998', 'l999']);
  });

  it('clips long lines', () => {
    const lines = new BoundedLines(bound);
    lines.push('x'.repeat(50));
    expect(lines.lines()).toEqual([`${'x'.repeat(10)}…`]);
    expect(clipLine('short', 10)).toBe('short');
    expect(cutMarker(1)).toBe('… 1 line cut');
  });
});

describe('BoundedOutput', () => {
  it('keeps every line matching `keep` and bounds each run of other lines between them', () => {
    const out = new BoundedOutput(/^##/, bound, 'log');
    out.push('## one');
    for (let i = 0; i < 100; i++) out.push(`a${i}`);
    out.push('## two');
    out.push('b0');
    out.push('## three');
    expect(out.text().split('\n')).toEqual(['## one', 'a0', 'a1', 'a2', '… 95 lines cut, full output in log', 'a98', 'a99', '## two', 'b0', '## three']);
  });

  it('stays small for a million lines', () => {
    const out = new BoundedOutput(null);
    for (let i = 0; i < 1_000_000; i++) out.push(`noise line ${i}`);
    const text = out.text();
    expect(text.length).toBeLessThan(10_000);
    expect(text).toContain('noise line 0\n');
    expect(text.endsWith('noise line 999999')).toBe(true);
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops carriage returns before newlines', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.write('ab');
    splitter.write('c\r\nde');
    splitter.write('f\ng');
    splitter.end();
    expect(lines).toEqual(['abc', 'def', 'g']);
  });

  it('passes on a line that never ends in pieces instead of holding it whole', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    for (let i = 0; i < 5; i++) splitter.write('x'.repeat(512 * 1024));
    expect(lines.length).toBeGreaterThan(0);
    splitter.end();
    expect(lines.join('').length).toBe(5 * 512 * 1024);
  });
});
