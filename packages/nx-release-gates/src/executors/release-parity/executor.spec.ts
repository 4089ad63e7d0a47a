import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import releaseParity from './executor';

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

  describe('another run\'s text, fetched from a URL', () => {
    // Every line break the runner splits a log on; a line whose trimmed start is `::` is a workflow command, and
    // `##[` anywhere is the older form.
    const LINE_BREAK = /\r\n|\r|\n/;
    // eslint-disable-next-line no-control-regex
    const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
    const expectInert = (text: string) => {
      for (const line of text.split(LINE_BREAK)) {
        expect(line.trimStart().startsWith('::')).toBe(false);
        expect(line).not.toContain('##[');
        expect(line).not.toMatch(CONTROL);
      }
    };
    const hostile = {
      schemaVersion: 1,
      project: 'tool',
      fingerprint: {
        ...fingerprint,
        rustc: '::error::x',
        cargo: '##[group]cargo',
        host: '\r\n::set-output name=shareable::true',
        target: '\u001b[31mred\u001b[0m\u0007\u0000::warning::t',
        commit: '::error::pwned\n::add-mask::x',
        emergency: { gates: ['::error::g'], reason: '\u2028::notice::r\u0085##[endgroup]' },
        env: { RUSTFLAGS: null, '::error file=x::e\n::stop-commands::t': 'ff' },
        files: ['config: ##[group]x\r::debug::y aa'],
      },
    };

    async function serve(body: unknown, run: (url: string) => Promise<void>) {
      const server = http.createServer((_req, res) => res.end(JSON.stringify(body)));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/release-dry-run.json`);
      } finally {
        server.close();
      }
    }

    it('prints the differences with no workflow command, ##[ or control character left in them', async () => {
      fs.writeFileSync(path.join(root, 'dist/release-gates/tool/release-dry-run.json'), JSON.stringify({ ...report(), fingerprint: { ...fingerprint, files: ['config: a aa'] } }));
      const summary = path.join(root, 'summary.md');
      process.env.GITHUB_STEP_SUMMARY = summary;
      try {
        await serve(hostile, async (url) => {
          expect(await releaseParity({ against: url }, context())).toEqual({ success: true });
        });
      } finally {
        delete process.env.GITHUB_STEP_SUMMARY;
      }
      // Every difference is printed, one line each, and the values stay readable.
      expect(logs).toHaveLength(1 + parityFile().differences.length);
      expect(parityFile().differences.length).toBeGreaterThanOrEqual(8);
      expect(logs).toContainEqual('  rustc: here rustc 1.95.0, there > ::error::x (another compiler: the toolchain is part of every gate\'s cache key, and its output differs)');
      for (const line of logs) {
        expect(line).not.toMatch(LINE_BREAK);
        expectInert(line);
      }
      expectInert(fs.readFileSync(summary, 'utf8'));
    });

    it('refuses another crate\'s report with its name made inert', async () => {
      await serve({ ...report(), project: '::error::p\r\n::add-mask::q ##[group]\u001b[2J' }, async (url) => {
        expect(await releaseParity({ against: url }, context())).toEqual({ success: false });
      });
      expect(logs).toEqual([expect.stringContaining('--against is the report of')]);
      expect(logs[0]).not.toMatch(LINE_BREAK);
      expectInert(logs[0]);
    });
  });
});
