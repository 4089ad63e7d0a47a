import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { directLookups, sharedLookups } from './file-lookups';

describe('file lookups', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookups-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('direct lookups ask the disk every time', () => {
    const file = path.join(dir, 'a.toml');
    expect(directLookups.isFile(file)).toBe(false);
    fs.writeFileSync(file, 'x = 1\n');
    expect(directLookups.isFile(file)).toBe(true);
    expect(directLookups.exists(dir)).toBe(true);
    expect(directLookups.isFile(dir)).toBe(false);
    expect(directLookups.parsed(file, (text, where) => `${where}:${text.trim()}`)).toBe(`${file}:x = 1`);
  });

  it('shared lookups answer each question once, for the batch they serve', () => {
    const file = path.join(dir, 'a.toml');
    fs.writeFileSync(file, 'one');
    const lookups = sharedLookups();
    let parses = 0;
    const parse = (text: string) => {
      parses++;
      return text.toUpperCase();
    };
    expect(lookups.isFile(file)).toBe(true);
    expect(lookups.parsed(file, parse)).toBe('ONE');
    fs.writeFileSync(file, 'two');
    fs.rmSync(file);
    // The batch keeps what it found: every crate of one hook call sees the same files.
    expect(lookups.isFile(file)).toBe(true);
    expect(lookups.readText(file)).toBe('one');
    expect(lookups.parsed(file, parse)).toBe('ONE');
    expect(parses).toBe(1);
    // Another parser of the same file parses it once too; a new batch looks again.
    expect(lookups.parsed(file, (text) => text.length)).toBe(3);
    expect(sharedLookups().isFile(file)).toBe(false);
  });

  it('shared lookups keep a failure as the same failure', () => {
    const missing = path.join(dir, 'missing.toml');
    const lookups = sharedLookups();
    const codeOf = (ask: () => unknown) => {
      try {
        ask();
        return 'no error';
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      }
    };
    expect(codeOf(() => lookups.readText(missing))).toBe('ENOENT');
    fs.writeFileSync(missing, 'now here');
    expect(codeOf(() => lookups.readText(missing))).toBe('ENOENT');
    expect(codeOf(() => lookups.parsed(missing, (t) => t))).toBe('ENOENT');
    expect(codeOf(() => lookups.realpath(path.join(dir, 'nowhere')))).toBe('ENOENT');
    const bad = path.join(dir, 'bad.toml');
    fs.writeFileSync(bad, 'x');
    let parses = 0;
    const failing = () => {
      parses++;
      throw new SyntaxError('bad');
    };
    expect(() => lookups.parsed(bad, failing)).toThrow('bad');
    expect(() => lookups.parsed(bad, failing)).toThrow('bad');
    expect(parses).toBe(1);
  });
});
