import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BoundedCapture } from './bounded-capture';

describe('BoundedCapture', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-capture-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes both streams whole to the log file and keeps a bounded part of each, the structure lines whole', () => {
    const logFile = path.join(dir, 'sub', 'run.log');
    const capture = new BoundedCapture({ logFile, shownAs: 'run.log', keep: /^test result:/ });
    capture.write('stderr', Buffer.from('   Running unittests\n'));
    for (let i = 0; i < 200_000; i++) capture.write('stdout', Buffer.from(`line ${i}\n`));
    capture.write('stdout', 'test result: FAILED.\n');
    const kept = capture.finish();
    expect(kept.stderr).toBe('   Running unittests');
    expect(kept.stdout.length).toBeLessThan(5000);
    expect(kept.stdout).toContain('line 0\n');
    expect(kept.stdout).toContain('lines cut, full output in run.log');
    expect(kept.stdout).toContain('line 199999\ntest result: FAILED.');
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log.split('\n').length).toBe(200_003);
    expect(log.startsWith('   Running unittests\nline 0\n')).toBe(true);
  });

  it('decodes a character split between two chunks', () => {
    const capture = new BoundedCapture({ logFile: path.join(dir, 'x.log') });
    const bytes = Buffer.from('é\n');
    capture.write('stdout', bytes.subarray(0, 1));
    capture.write('stdout', bytes.subarray(1));
    expect(capture.finish().stdout).toBe('é');
  });
});
