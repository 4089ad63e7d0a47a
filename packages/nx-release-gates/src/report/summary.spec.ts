import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GATE_SPECS as GATES, gateTarget, RESULTS_FOLDER } from '../model/catalog';
import { buildSummary, explainNotRun, githubAnnotations, dropProjectRows, mergeSummaries, orderRows, RunSummary, sourceOfStatus, summaryMarkdown, summaryText, withoutProject, writeSummaryFiles } from './summary';
import type { TableRow } from './table';

const row = (project: string, gate: string, status: TableRow['status'], reason = `${gate} ${status}`, extra: Partial<TableRow> = {}): TableRow => ({
  project,
  gate,
  status,
  source: 'ran',
  durationMs: 1500,
  figure: '',
  reason,
  emergency: false,
  ...extra,
});

const order = GATES.map((g) => gateTarget(g));
const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));

describe('orderRows', () => {
  it('puts emergency rows first, then crates alphabetically, each in gate order', () => {
    // The registry order this test relies on.
    before('gate-build', 'gate-size');
    before('gate-size', 'gate-test');
    before('gate-test', 'gate-doc');
    const rows = [
      row('zeta', 'gate-doc', 'passed'),
      row('alpha', 'gate-test', 'passed'),
      row('alpha', 'gate-build', 'passed'),
      row('zeta', 'gate-size', 'skipped', 'emergency: hotfix', { emergency: true }),
      row('alpha', 'gate-doc', 'skipped', 'emergency: hotfix', { emergency: true }),
      row('alpha', 'gate-size', 'failed'),
      row('alpha', 'gate-unknown', 'passed'),
    ];
    expect(orderRows(rows).map((r) => `${r.project}:${r.gate}`)).toEqual([
      'alpha:gate-doc',
      'zeta:gate-size',
      'alpha:gate-build',
      'alpha:gate-size',
      'alpha:gate-test',
      'alpha:gate-unknown',
      'zeta:gate-doc',
    ]);
  });

  it('does not change the array it was given', () => {
    const rows = [row('b', 'gate-build', 'passed'), row('a', 'gate-build', 'passed')];
    orderRows(rows);
    expect(rows.map((r) => r.project)).toEqual(['b', 'a']);
  });
});

describe('sourceOfStatus', () => {
  it.each([
    ['local-cache', 'local cache'],
    ['local-cache-kept-existing', 'local cache'],
    ['remote-cache', 'remote cache'],
    ['skipped', 'not run'],
    ['stopped', 'not run'],
    ['success', 'ran'],
    ['failure', 'ran'],
  ])('%s -> %s', (status, source) => expect(sourceOfStatus(status)).toBe(source));
});

describe('explainNotRun', () => {
  it('names the failed gate a gate Nx did not run depends on, in that crate only', () => {
    const notRun = { source: 'not run', durationMs: null, reason: 'not run (it needs gate-build)' };
    const rows = [
      row('shimmy', 'gate-build', 'failed'),
      row('shimmy', 'gate-size', 'failed', '', notRun),
      row('other', 'gate-build', 'passed'),
      row('other', 'gate-size', 'failed', '', notRun),
    ];
    const explained = explainNotRun(rows);
    expect(explained[1].reason).toBe('not run: gate-build failed, and gate-size needs its result');
    expect(explained[3].reason).toBe('not run (it needs gate-build)');
    expect(explained[0]).toBe(rows[0]);
  });
});

describe('buildSummary', () => {
  it('fails when any gate failed, passes otherwise (fallback and skipped included), and lists emergency skips', () => {
    const failed = buildSummary([row('a', 'gate-build', 'passed'), row('a', 'gate-size', 'failed')]);
    expect(failed.status).toBe('failed');
    const passed = buildSummary([
      row('a', 'gate-cuda', 'fallback'),
      row('a', 'gate-doc', 'skipped', 'CVE-2026-1234 hotfix', { emergency: true }),
    ]);
    expect(passed.status).toBe('passed');
    expect(passed.emergency).toEqual([{ project: 'a', gate: 'gate-doc', reason: 'CVE-2026-1234 hotfix' }]);
    expect(passed.rows[0].gate).toBe('gate-doc');
    expect(Number.isNaN(Date.parse(passed.generatedAt))).toBe(false);
  });
});

describe('githubAnnotations', () => {
  it('writes one ::error line per failed gate, with newlines and percent signs escaped', () => {
    const summary = buildSummary([
      row('llm-cli', 'gate-build', 'passed'),
      row('llm-cli', 'gate-size', 'failed', 'llm is 21.0 MiB (105% of the limit)\nstrip the binary\r\nor raise maxBinarySize'),
      row('llm-core', 'gate-doc', 'failed', '3 items undocumented'),
      row('llm-core', 'gate-cuda', 'fallback', 'nvcc absent'),
    ]);
    const lines = githubAnnotations(summary);
    expect(lines).toEqual([
      '::error title=llm-cli gate-size failed::llm is 21.0 MiB (105%25 of the limit)%0Astrip the binary%0D%0Aor raise maxBinarySize',
      '::error title=llm-core gate-doc failed::3 items undocumented',
    ]);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  it('puts a warning per emergency skip first, and nothing for a passing run', () => {
    const summary = buildSummary([
      row('a', 'gate-build', 'failed', 'boom'),
      row('a', 'gate-doc', 'skipped', 'CVE-2026-1234\nhotfix', { emergency: true }),
    ]);
    expect(githubAnnotations(summary)).toEqual(['::warning title=Emergency skip a gate-doc::CVE-2026-1234%0Ahotfix', '::error title=a gate-build failed::boom']);
    expect(githubAnnotations(buildSummary([row('a', 'gate-build', 'passed')]))).toEqual([]);
  });
});

describe('summaryMarkdown', () => {
  const summary = buildSummary([
    row('llm-cli', 'gate-build', 'passed', 'ok', { figure: '2 binaries', source: 'local cache', durationMs: 250, checked: 3 }),
    row('llm-cli', 'gate-size', 'failed', 'llm is 21.0 MiB > 20.0 MiB', { figure: 'llm 21.0 MiB | llm-server 3.0 MiB', durationMs: 65_000 }),
    row('llm-cli', 'gate-doc', 'skipped', 'CVE-2026-1234 hotfix', { emergency: true, durationMs: null }),
  ]);
  const markdown = summaryMarkdown(summary);
  const tableRows = markdown.split('\n').filter((l) => l.startsWith('| '));

  it('has a header row and one table row per gate', () => {
    expect(tableRows).toHaveLength(1 + 3);
    expect(tableRows[0]).toBe('| Crate | Gate | Status | Source | Time | Checked | Key figure |');
    expect(markdown).toContain('|---|---|---|---|---|---|---|');
    // The Checked column shows details.checked, `-` when the gate gave none.
    expect(tableRows).toContain('| llm-cli | gate-build | PASSED | local cache | replayed, saved 250ms | 3 | 2 binaries |');
    expect(tableRows).toContain('| llm-cli | gate-size | FAILED | ran | 1m5s | - | llm 21.0 MiB \\| llm-server 3.0 MiB |');
    expect(tableRows[1]).toBe('| llm-cli | gate-doc | SKIPPED (EMERGENCY) | ran | - | - | - |');
  });

  it('states the overall result, flags the emergency and lists the problems', () => {
    expect(markdown).toContain('### Release gates: ❌ failed');
    // The skipped result records no expiry: the banner says the skip never expires.
    expect(markdown).toContain('> [!CAUTION]\n> **EMERGENCY RELEASE: 1 gate(s) skipped by RELEASE_GATES_SKIP, no expiry (set RELEASE_GATES_SKIP_UNTIL=YYYY-MM-DD to make it expire)**');
    expect(markdown).toContain('> - llm-cli:gate-doc CVE-2026-1234 hotfix');
    expect(markdown).toContain('- ✖ llm-cli:gate-size: llm is 21.0 MiB > 20.0 MiB');
  });

  it('says passed without a banner when every gate passed', () => {
    const ok = summaryMarkdown(buildSummary([row('a', 'gate-build', 'passed')]));
    expect(ok).toContain('### Release gates: ✅ passed');
    expect(ok).not.toContain('CAUTION');
    expect(ok.split('\n').filter((l) => l.startsWith('| '))).toHaveLength(2);
  });
});

describe('summaryText', () => {
  it('prints the status line and one table line per gate', () => {
    const text = summaryText(buildSummary([row('a', 'gate-build', 'passed'), row('a', 'gate-size', 'failed', 'too big')]));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Release gates: FAILED');
    expect(lines.filter((l) => /^a\s+gate-/.test(l))).toHaveLength(2);
    expect(text).toContain('✖ a:gate-size: too big');
  });
});

describe('text from tools and users in the summary', () => {
  // A figure, a reason and an emergency reason trying to forge workflow commands and to leave the CAUTION block.
  const hostile = 'boom\n::error file=src/main.rs::forged\n::stop-commands::off';
  const summary = buildSummary([
    row('app', 'gate-test', 'failed', `app:gate-test: test ${hostile}`, { figure: `1 failed\n::add-mask::x` }),
    row('app', 'gate-doc', 'skipped', `emergency: ${hostile}`, { emergency: true }),
  ]);
  const startsCommand = (l: string) => l.trimStart().startsWith('::');

  it('prints no line that starts a workflow command in the text table', () => {
    expect(summaryText(summary).split('\n').filter(startsCommand)).toEqual([]);
  });

  it('keeps the banner inside the CAUTION block and every problem on one list line', () => {
    const lines = summaryMarkdown(summary).split('\n');
    expect(lines.filter(startsCommand)).toEqual([]);
    const caution = lines.indexOf('> [!CAUTION]');
    const blockEnd = lines.indexOf('', caution);
    expect(lines.slice(caution, blockEnd).every((l) => l.startsWith('> '))).toBe(true);
    expect(lines.slice(caution, blockEnd)).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('- ')).length).toBe(1);
  });

  it('emits only its own annotations, one line each', () => {
    const annotations = githubAnnotations(summary);
    expect(annotations).toHaveLength(2);
    expect(annotations.every((l) => !l.includes('\n') && /^::(error|warning) title=[^:]*::/.test(l))).toBe(true);
  });
});

describe('the summary files of runs at once', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-summary-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const read = () => JSON.parse(fs.readFileSync(path.join(root, RESULTS_FOLDER, 'summary.json'), 'utf8')) as RunSummary;
  const keys = (summary: RunSummary) => summary.rows.map((r) => `${r.project}:${r.gate}:${r.status}`);
  const started = new Date(Date.now() - 60_000);

  it('two writers with different projects: both projects’ rows are in every file', async () => {
    await Promise.all([
      writeSummaryFiles(root, buildSummary([row('alpha', 'gate-build', 'passed'), row('alpha', 'gate-test', 'failed')]), started),
      writeSummaryFiles(root, buildSummary([row('beta', 'gate-build', 'passed')]), started),
    ]);
    const summary = read();
    expect(keys(summary)).toEqual(['alpha:gate-build:passed', 'alpha:gate-test:failed', 'beta:gate-build:passed']);
    expect(summary.status).toBe('failed');
    expect(summary.runs?.map((r) => r.projects)).toEqual(expect.arrayContaining([['alpha'], ['beta']]));
    expect(fs.readFileSync(path.join(root, RESULTS_FOLDER, 'summary.md'), 'utf8')).toContain('| beta | gate-build |');
    const junit = fs.readFileSync(path.join(root, RESULTS_FOLDER, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="alpha"');
    expect(junit).toContain('<testsuite name="beta"');
  });

  it('the same project twice: the later run’s rows replace the earlier’s', async () => {
    await writeSummaryFiles(root, buildSummary([row('alpha', 'gate-build', 'failed'), row('alpha', 'gate-test', 'passed')]), started);
    await writeSummaryFiles(root, buildSummary([row('alpha', 'gate-build', 'passed')]), started);
    expect(keys(read())).toEqual(['alpha:gate-build:passed']);
    expect(read().status).toBe('passed');
  });

  it('rows of a run that had finished before this one started are an earlier run’s, and go', async () => {
    await writeSummaryFiles(root, buildSummary([row('alpha', 'gate-build', 'failed')]), started);
    await writeSummaryFiles(root, buildSummary([row('beta', 'gate-build', 'passed')]), new Date(Date.now() + 1000));
    expect(keys(read())).toEqual(['beta:gate-build:passed']);
  });

  it('mergeSummaries reads a summary written before runs were recorded as one run, and starts afresh without one', () => {
    const old = { ...buildSummary([row('alpha', 'gate-build', 'passed')]), generatedAt: new Date().toISOString() };
    const merged = mergeSummaries(old, buildSummary([row('beta', 'gate-build', 'passed')]), started);
    expect(keys(merged)).toEqual(['alpha:gate-build:passed', 'beta:gate-build:passed']);
    expect(keys(mergeSummaries(null, buildSummary([row('beta', 'gate-build', 'passed')]), started))).toEqual(['beta:gate-build:passed']);
  });
});

describe('dropProjectRows', () => {
  const passed = (project: string, gate: string) => row(project, gate, 'passed', 'ok');
  const folder = (root: string) => path.join(root, RESULTS_FOLDER);
  const started = new Date(Date.now() - 60_000);
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'drop-rows-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keeps other crates\' rows and takes out every row of the crate, in all three files', async () => {
    await writeSummaryFiles(root, buildSummary([passed('alpha', 'gate-build'), passed('beta', 'gate-build')]), started);
    await dropProjectRows(root, 'beta');
    const summary = JSON.parse(fs.readFileSync(path.join(folder(root), 'summary.json'), 'utf8'));
    expect(summary.rows.map((r: TableRow) => r.project)).toEqual(['alpha']);
    expect(fs.readFileSync(path.join(folder(root), 'summary.md'), 'utf8')).not.toContain('beta');
    expect(fs.readFileSync(path.join(folder(root), 'junit.xml'), 'utf8')).not.toContain('beta');
  });

  it('keeps the other runs and when they ran, so a later run still tells concurrent runs from earlier ones', async () => {
    await writeSummaryFiles(root, buildSummary([passed('alpha', 'gate-build'), passed('beta', 'gate-build')]), started);
    const before = JSON.parse(fs.readFileSync(path.join(folder(root), 'summary.json'), 'utf8')) as RunSummary;
    await dropProjectRows(root, 'beta');
    const after = JSON.parse(fs.readFileSync(path.join(folder(root), 'summary.json'), 'utf8')) as RunSummary;
    expect(after.generatedAt).toBe(before.generatedAt);
    expect(after.runs).toEqual([{ ...before.runs![0], projects: ['alpha'] }]);
    const legacy = { ...buildSummary([passed('alpha', 'gate-build'), passed('beta', 'gate-test')]), generatedAt: '2020-01-01T00:00:00.000Z' };
    expect(withoutProject(legacy, 'beta')?.runs).toEqual([{ startedAt: legacy.generatedAt, finishedAt: legacy.generatedAt, projects: ['alpha'] }]);
  });

  it('removes the summary when only the crate was in it, or when it cannot be read', async () => {
    await writeSummaryFiles(root, buildSummary([passed('beta', 'gate-build')]), started);
    await dropProjectRows(root, 'beta');
    expect(fs.readdirSync(folder(root)).filter((f) => !f.startsWith('.'))).toEqual([]);
    fs.writeFileSync(path.join(folder(root), 'summary.json'), '{not json');
    fs.writeFileSync(path.join(folder(root), 'summary.md'), 'Release gates: PASSED');
    await dropProjectRows(root, 'alpha');
    expect(fs.readdirSync(folder(root)).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('leaves a summary without the crate untouched, and no summary at all alone', async () => {
    await dropProjectRows(root, 'beta');
    expect(fs.existsSync(folder(root))).toBe(false);
    await writeSummaryFiles(root, buildSummary([passed('alpha', 'gate-build')]), started);
    const before = fs.readFileSync(path.join(folder(root), 'summary.json'), 'utf8');
    await dropProjectRows(root, 'beta');
    expect(fs.readFileSync(path.join(folder(root), 'summary.json'), 'utf8')).toBe(before);
  });
});
