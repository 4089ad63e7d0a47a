import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import releaseParity, { inert } from './executor';

const fingerprint = {
  rustc: 'rustc 1.95.0',
  cargo: 'cargo 1.95.0',
  host: 'x86_64-unknown-linux-gnu',
  target: 'x86_64-unknown-linux-gnu',
  features: { features: [], noDefaultFeatures: false },
  cuda: { mode: 'cpu-fallback', toolkit: null },
  lockfileSha256: 'aa',
  commit: 'c1',
  env: { RUSTFLAGS: null },
  emergency: null,
};
const report = (change: Record<string, unknown> = {}) => ({ schemaVersion: 1, project: 'tool', fingerprint: { ...fingerprint, ...change } });

describe('release-parity executor', () => {
  let root: string;
  let logs: string[];
  const context = () => ({ root, projectName: 'tool', cwd: root, isVerbose: false }) as unknown as ExecutorContext;
  const parityFile = () => JSON.parse(fs.readFileSync(path.join(root, 'dist/release-gates/tool/release-parity.json'), 'utf8'));

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));
    fs.mkdirSync(path.join(root, 'dist/release-gates/tool'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist/release-gates/tool/release-dry-run.json'), JSON.stringify(report()));
    logs = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void logs.push(line));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void logs.push(line));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes no difference for the same fingerprint and passes', async () => {
    fs.writeFileSync(path.join(root, 'other.json'), JSON.stringify(report()));
    expect(await releaseParity({ against: 'other.json' }, context())).toEqual({ success: true });
    expect(parityFile()).toMatchObject({ shareable: true, differences: [] });
  });

  it('lists the differences; passes unless failOnDifference', async () => {
    fs.writeFileSync(path.join(root, 'other.json'), JSON.stringify(report({ rustc: 'rustc 1.96.0', env: { RUSTFLAGS: 'ff'.repeat(32) } })));
    expect(await releaseParity({ against: 'other.json' }, context())).toEqual({ success: true });
    expect(parityFile().differences.map((d: { field: string }) => d.field)).toEqual(['rustc', 'env RUSTFLAGS']);
    expect(await releaseParity({ against: 'other.json', failOnDifference: true }, context())).toEqual({ success: false });
  });

  it('reads the other report from an http URL', async () => {
    const server = http.createServer((_req, res) => res.end(JSON.stringify(report({ commit: 'c2' }))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/release-dry-run.json`;
      expect(await releaseParity({ against: url }, context())).toEqual({ success: true });
      expect(parityFile().differences).toEqual([expect.objectContaining({ field: 'commit', here: 'c1', there: 'c2' })]);
    } finally {
      server.close();
    }
  });

  it.each([
    ['no --against', {}, /no --against given/],
    ['a missing file', { against: 'nope.json' }, /nope\.json does not exist/],
    ['a file that is not JSON', { against: 'bad.json' }, /is not JSON/],
    ['another crate\'s report', { against: 'theirs.json' }, /report of other-crate, not of tool/],
    ['a report without a fingerprint', { against: 'bare.json' }, /not a release-dry-run\.json \(schemaVersion 1 with a project and a fingerprint\)/],
  ])('fails with one line on %s', async (_what, options, message) => {
    fs.writeFileSync(path.join(root, 'bad.json'), '{ not json');
    fs.writeFileSync(path.join(root, 'theirs.json'), JSON.stringify({ ...report(), project: 'other-crate' }));
    fs.writeFileSync(path.join(root, 'bare.json'), JSON.stringify({ schemaVersion: 1, project: 'tool' }));
    expect(await releaseParity(options, context())).toEqual({ success: false });
    expect(logs).toEqual([expect.stringMatching(message)]);
  });

  it('fails, saying what to run, when this crate has no report yet', async () => {
    fs.rmSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'other.json'), JSON.stringify(report()));
    expect(await releaseParity({ against: 'other.json' }, context())).toEqual({ success: false });
    expect(logs).toEqual([expect.stringContaining('run `nx run tool:release-dry-run` first')]);
  });

  it('makes workflow commands in another run\'s text inert', () => {
    expect(inert('::error::pwned\n::add-mask::x')).toBe(': :error: :pwned : :add-mask: :x');
  });
});
