import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  coverageOf,
  countNew,
  learnedCovers,
  learnedFileFor,
  learnedForCrate,
  learnedLines,
  learnedName,
  learnedPath,
  LearnedInputs,
  LearnedInputsError,
  mergeLearned,
  NOTHING_LEARNED,
  parseLearned,
  readLearned,
  recordLearned,
  serializeLearned,
} from './learned-inputs';
import { sha256 } from '../util/hash';

const SAMPLE: LearnedInputs = {
  reads: [
    { crate: 'b', gate: 'gate-test', kind: 'env', name: 'MODE' },
    { crate: 'a', gate: 'gate-test', kind: 'file', name: 'fixtures/outside.txt' },
    { crate: 'a', gate: 'gate-build', kind: 'dir', name: '~/data' },
  ],
  contradicted: [{ crate: 'a', gate: 'gate-test', key: '123' }],
};

describe('release-gates.lock text', () => {
  it('round-trips, sorted by crate, gate, kind and name, with the header and version', () => {
    const text = serializeLearned(SAMPLE);
    expect(text.startsWith('# Maintained by nx-release-gates')).toBe(true);
    expect(text).toContain('version = 1\n');
    expect(text.indexOf('crate = "a"\ngate = "gate-build"\ndir = "~/data"')).toBeGreaterThan(0);
    expect(text.indexOf('gate = "gate-build"')).toBeLessThan(text.indexOf('file = "fixtures/outside.txt"'));
    expect(text.indexOf('env = "MODE"')).toBeLessThan(text.indexOf('[[contradicted]]'));
    expect(text).toContain('[[contradicted]]\ncrate = "a"\ngate = "gate-test"\nkey = "123"\n');
    expect(parseLearned(text, 'release-gates.lock')).toEqual(mergeLearned(SAMPLE, NOTHING_LEARNED));
  });

  it('is the same text whatever order the entries came in (a stable diff)', () => {
    const reversed = { reads: [...SAMPLE.reads].reverse(), contradicted: [...SAMPLE.contradicted] };
    expect(serializeLearned(reversed)).toBe(serializeLearned(SAMPLE));
  });

  it('keeps names that need escaping intact', () => {
    const odd: LearnedInputs = { reads: [{ crate: 'a', gate: 'gate-test', kind: 'file', name: 'dir with "quotes"\\and\ttab' }], contradicted: [] };
    expect(parseLearned(serializeLearned(odd), 'x')).toEqual(odd);
  });

  it('refuses a broken file with one line naming it and the fix', () => {
    expect(() => parseLearned('[[read]\n', 'crates/a/release-gates.lock')).toThrow(/^crates\/a\/release-gates\.lock is not valid TOML .*take it back from git$/);
    expect(() => parseLearned('version = 2\n', 'f')).toThrow(LearnedInputsError);
    expect(() => parseLearned('[[read]]\ncrate = "a"\ngate = "gate-test"\n', 'f')).toThrow('f: [[read]] number 1 needs crate, gate and one of file, dir or env; fix or delete it');
    expect(() => parseLearned('[[contradicted]]\ncrate = "a"\n', 'f')).toThrow(/\[\[contradicted\]\] number 1 needs crate, gate and key/);
  });

  it('reads an empty or missing file as nothing learned', () => {
    expect(parseLearned('', 'f')).toEqual(NOTHING_LEARNED);
    expect(readLearned(path.join(os.tmpdir(), 'no-such-folder-nrg', 'release-gates.lock'))).toEqual(NOTHING_LEARNED);
  });
});

describe('mergeLearned', () => {
  it('adds, never drops, and holds each entry once', () => {
    const added = { reads: [SAMPLE.reads[0], { crate: 'c', gate: 'gate-doc', kind: 'file' as const, name: 'x' }] };
    const merged = mergeLearned(SAMPLE, added);
    expect(merged.reads).toHaveLength(4);
    expect(merged.contradicted).toEqual(SAMPLE.contradicted);
    expect(countNew(SAMPLE, added)).toBe(1);
    expect(countNew(SAMPLE, { contradicted: [{ crate: 'a', gate: 'gate-test', key: '123' }] })).toBe(0);
  });
});

describe('recorded paths', () => {
  it('are workspace-relative inside the workspace, ~/ in the home, else absolute; and resolve back', () => {
    expect(learnedName('/w/ws/fixtures/a.txt', '/w/ws', '/home/me')).toBe('fixtures/a.txt');
    expect(learnedName('/home/me/.config/tool.toml', '/w/ws', '/home/me')).toBe('~/.config/tool.toml');
    expect(learnedName('/opt/data/x', '/w/ws', '/home/me')).toBe('/opt/data/x');
    expect(learnedName('shared/data.txt', '/w/ws', '/home/me')).toBe('shared/data.txt');
    expect(learnedPath('~/.config/tool.toml', '/w/ws', '/home/me')).toBe('/home/me/.config/tool.toml');
    expect(learnedPath('fixtures/a.txt', '/w/ws', '/home/me')).toBe('/w/ws/fixtures/a.txt');
    expect(learnedPath('/opt/data/x', '/w/ws', '/home/me')).toBe('/opt/data/x');
  });

  it('cover a learned file, and files inside a learned folder', () => {
    const coverage = coverageOf(SAMPLE, 'a');
    expect(coverage).toEqual({ files: ['fixtures/outside.txt'], dirs: ['~/data'], envNames: [] });
    expect(learnedCovers(coverage, 'fixtures/outside.txt')).toBe(true);
    expect(learnedCovers(coverage, '~/data/x.bin')).toBe(true);
    expect(learnedCovers(coverage, '~/database')).toBe(false);
    expect(learnedCovers(coverageOf(SAMPLE, 'b'), 'fixtures/outside.txt')).toBe(false);
    expect(coverageOf(SAMPLE, 'b').envNames).toEqual(['MODE']);
  });
});

describe('the file on disk', () => {
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'learned-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  function clone(name: string): string {
    const ws = path.join(base, name);
    fs.mkdirSync(path.join(ws, 'crates', 'app', 'src'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'fixtures', 'set'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'home'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crates', 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\n');
    fs.writeFileSync(path.join(ws, 'fixtures', 'outside.txt'), 'hello');
    fs.writeFileSync(path.join(ws, 'fixtures', 'set', 'one'), '1');
    return ws;
  }

  it('is the nearest release-gates.lock up from the crate, else a new one in the fallback folder', () => {
    const ws = clone('a');
    expect(learnedFileFor(ws, 'crates/app', '.')).toBe(path.join(ws, 'release-gates.lock'));
    expect(learnedFileFor(ws, 'crates/app')).toBe(path.join(ws, 'crates', 'app', 'release-gates.lock'));
    fs.writeFileSync(path.join(ws, 'crates', 'release-gates.lock'), '');
    expect(learnedFileFor(ws, 'crates/app', '.')).toBe(path.join(ws, 'crates', 'release-gates.lock'));
  });

  it('gives one line per entry of the crate, the same in two clones, changing with a learned input', async () => {
    const lines: string[][] = [];
    for (const name of ['one', 'two']) {
      const ws = clone(name);
      const file = learnedFileFor(ws, 'crates/app', '.');
      await recordLearned(file, {
        reads: [
          { crate: 'app', gate: 'gate-test', kind: 'file', name: 'fixtures/outside.txt' },
          { crate: 'app', gate: 'gate-test', kind: 'file', name: 'fixtures/gone.txt' },
          { crate: 'app', gate: 'gate-test', kind: 'dir', name: 'fixtures/set' },
          { crate: 'app', gate: 'gate-build', kind: 'env', name: 'MODE' },
          { crate: 'app', gate: 'gate-build', kind: 'env', name: 'UNSET_ONE' },
          { crate: 'other', gate: 'gate-build', kind: 'env', name: 'OTHER' },
        ],
        contradicted: [{ crate: 'app', gate: 'gate-test', key: '42' }],
      }, 'test');
      const found = learnedForCrate(ws, 'crates/app')!;
      expect(found.crate).toBe('app');
      lines.push(learnedLines(found.learned, found.crate, ws, { MODE: 'fast' }, path.join(ws, 'home')));
    }
    expect(lines[0]).toEqual(lines[1]);
    expect(lines[0]).toEqual([
      'contradicted gate-test 42',
      `learned dir fixtures/set ${sha256('one')}`,
      `learned env MODE ${sha256('fast').slice(0, 16)}`,
      'learned env UNSET_ONE unset',
      'learned file fixtures/gone.txt absent',
      expect.stringMatching(/^learned file fixtures\/outside\.txt [0-9a-f]{64}$/),
    ]);
    const ws = path.join(base, 'one');
    fs.writeFileSync(path.join(ws, 'fixtures', 'outside.txt'), 'changed');
    const found = learnedForCrate(ws, 'crates/app')!;
    expect(learnedLines(found.learned, 'app', ws, { MODE: 'fast' })).not.toEqual(lines[0]);
    expect(lines[0].join('\n')).not.toContain(base);
  });

  it('keeps every entry when two gates record at once, and leaves an unchanged file alone', async () => {
    const ws = clone('c');
    const file = path.join(ws, 'release-gates.lock');
    const entries = Array.from({ length: 8 }, (_, i) => ({ crate: 'app', gate: `gate-${i}`, kind: 'env' as const, name: `V${i}` }));
    const added = await Promise.all(entries.map((entry) => recordLearned(file, { reads: [entry] }, 'test')));
    expect(added).toEqual(entries.map(() => 1));
    expect(readLearned(file).reads).toHaveLength(8);
    const before = fs.statSync(file).mtimeMs;
    expect(await recordLearned(file, { reads: [entries[0]] }, 'test')).toBe(0);
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });
});
