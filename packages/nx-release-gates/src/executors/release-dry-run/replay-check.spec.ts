import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { signGateOutputs } from '../../report/result-signature';
import type { TableRow } from '../../report/table';
import { firstFailureStands, gatesToRerun, mergeRerun, untrustedReplays } from './replay-check';

const trusted = crypto.generateKeyPairSync('ed25519');
const other = crypto.generateKeyPairSync('ed25519');

const row = (gate: string, overrides: Partial<TableRow> = {}): TableRow => ({ project: 'app', gate, status: 'passed', source: 'remote cache', durationMs: 5, figure: 'ok', reason: 'fine', ...overrides });

describe('untrustedReplays', () => {
  let root: string;
  const write = (gate: string, runId: string) => {
    fs.mkdirSync(path.join(root, 'dist/release-gates/app'), { recursive: true });
    fs.writeFileSync(path.join(root, `dist/release-gates/app/${gate}.json`), JSON.stringify({ gate, status: 'passed', run: { taskHash: `h-${gate}`, runId } }));
  };
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-replays-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('checks only results another run wrote, against this run’s task hashes', () => {
    write('gate-fmt', 'this-run');
    write('gate-lockfile', 'writer');
    signGateOutputs(root, 'app', 'gate-lockfile', 'h-gate-lockfile', trusted.privateKey);
    write('gate-doc', 'writer');
    signGateOutputs(root, 'app', 'gate-doc', 'h-gate-doc', other.privateKey);
    write('gate-semver', 'writer');
    // A result no JSON reader takes (a tampered replay) is not this run's either.
    fs.writeFileSync(path.join(root, 'dist/release-gates/app/gate-test.json'), '{"status": "pas');
    const taskHashes = { 'app:gate-lockfile': 'h-gate-lockfile', 'app:gate-doc': 'h-gate-doc' };
    const untrusted = untrustedReplays(root, 'app', ['gate-fmt', 'gate-lockfile', 'gate-doc', 'gate-semver', 'gate-test', 'gate-size'], { runId: 'this-run', taskHashes }, trusted.publicKey);
    expect([...untrusted.keys()]).toEqual(['gate-doc', 'gate-semver', 'gate-test']);
    expect(untrusted.get('gate-doc')).toMatch(/^signed by another key/);
    expect(untrusted.get('gate-semver')).toBe('the nested run recorded no task hash for it');
  });
});

describe('gatesToRerun', () => {
  it('adds the gates whose targets depend on an untrusted one, as the project configures them', () => {
    const context = { projectsConfigurations: { projects: { app: { targets: { 'gate-size': { dependsOn: ['gate-build'] }, 'gate-version': { dependsOn: [{ target: 'gate-build' }] } } } } } } as unknown as ExecutorContext;
    expect(gatesToRerun(context, 'app', ['gate-build', 'gate-size', 'gate-test', 'gate-version'], new Map([['gate-build', 'no signature']]))).toEqual(['gate-build', 'gate-size', 'gate-version']);
  });
});

describe('mergeRerun', () => {
  const notRun = { status: 'failed' as const, reason: 'no record of this gate from the nested Nx run' };

  it('takes the re-run’s rows and says why each ran again', () => {
    const first = new Map([['gate-build', row('gate-build')], ['gate-size', row('gate-size', { source: 'ran' })], ['gate-test', row('gate-test')]]);
    const second = new Map([['gate-build', row('gate-build', { source: 'ran', status: 'failed', reason: 'could not compile' })], ['gate-size', row('gate-size', { source: 'ran' })]]);
    const merged = mergeRerun(first, second, { gates: ['gate-build', 'gate-size'], untrusted: new Map([['gate-build', 'no signature']]), resultIsTheRerun: () => true, notRun });
    expect(merged.get('gate-build')).toMatchObject({ status: 'failed', source: 'ran', reason: 'could not compile', replayTrust: 'replay not signed by a trusted run (no signature): re-ran' });
    expect(merged.get('gate-size')?.replayTrust).toBe('it reads the outputs of a gate whose replay not signed by a trusted run: re-ran');
    expect(merged.get('gate-test')).toEqual(row('gate-test'));
  });

  it('never keeps the untrusted pass: a gate the re-run did not run, or replayed again, fails', () => {
    const first = new Map([['gate-build', row('gate-build')], ['gate-doc', row('gate-doc')]]);
    const second = new Map([['gate-doc', row('gate-doc')]]);
    const merged = mergeRerun(first, second, { gates: ['gate-build', 'gate-doc'], untrusted: new Map([['gate-build', 'no signature'], ['gate-doc', 'no signature']]), resultIsTheRerun: () => false, notRun });
    expect(merged.get('gate-build')).toMatchObject({ status: 'failed', source: 'not run', reason: notRun.reason });
    expect(merged.get('gate-doc')).toMatchObject({ status: 'failed', reason: 'replay not signed by a trusted run (no signature), and the re-run did not write its own result; run it again' });
  });
});

describe('firstFailureStands', () => {
  it('lets the re-run decide when every failing row of the first run was run again', () => {
    expect(firstFailureStands({ nxFailed: true, rows: new Map([['gate-size', row('gate-size', { status: 'failed' })]]) }, ['gate-build', 'gate-size'])).toBe(false);
    expect(firstFailureStands({ nxFailed: true, rows: new Map([['gate-test', row('gate-test', { status: 'failed' })]]) }, ['gate-build'])).toBe(true);
    expect(firstFailureStands({ nxFailed: true, rows: new Map() }, ['gate-build'])).toBe(true);
    expect(firstFailureStands({ nxFailed: false, rows: new Map() }, [])).toBe(false);
  });
});
