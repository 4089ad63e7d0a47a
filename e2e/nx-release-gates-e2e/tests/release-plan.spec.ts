/**
 * release-plan: the preview of a release before anything builds. One binary crate with generated-workflow options
 * recorded for two targets, and a local registry index without the crate: the plan lists the gates (a gate whose
 * hash Nx's local cache holds replays, and does when run; so does the whole dry run, under the key Nx then uses), the
 * archive per target, and the publish to that index.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const CRATE = 'plan-tool';
const INDEX = fs.mkdtempSync(path.join(os.tmpdir(), 'nrg-plan-index-'));
const TARGETS = ['x86_64-unknown-linux-gnu', 'aarch64-apple-darwin'];

describe('release-plan', () => {
  let ws: TestWorkspace;
  const plan = () => {
    const run = ws.nx(['run', `${CRATE}:release-plan`, `--registryIndex=${INDEX}`]);
    expect(run.exitCode).toBe(0);
    return { run, plan: ws.result(CRATE, 'release-plan') };
  };
  const gate = (p: Record<string, any>, target: string) => p.gates.find((g: any) => g.gate === target);

  beforeAll(() => {
    ws = TestWorkspace.create('plan', {
      files: {
        ...crateFiles({ name: CRATE, version: '0.4.0' }),
        '.github/nx-release-gates.json': `${JSON.stringify({ crates: [CRATE], targets: TARGETS }, null, 2)}\n`,
      },
    });
  });
  afterAll(() => {
    ws?.remove();
    fs.rmSync(INDEX, { recursive: true, force: true });
  });

  it('previews the gates, the archives per target and the publish, building nothing', () => {
    const { run, plan: first } = plan();
    expect(first).toMatchObject({ schemaVersion: 1, crate: CRATE, version: '0.4.0' });
    expect(gate(first, 'gate-lockfile')).toMatchObject({ plan: 'run', hash: expect.stringMatching(/^\d+$|^[0-9a-f]+$/) });
    expect(gate(first, 'gate-version')).toMatchObject({ plan: 'run', why: expect.stringContaining('no local cache entry') });
    expect(first.build).toMatchObject({ released: true, binaries: [CRATE] });
    expect(first.build.targets.map((t: any) => t.archive)).toEqual(TARGETS.map((t) => `${CRATE}-0.4.0-${t}.tar.gz`));
    expect(first.publish).toMatchObject({ publish: true, crate: CRATE, version: '0.4.0', alreadyPublished: false, index: INDEX });
    expect(first.dryRun).toMatchObject({ plan: 'run', why: expect.stringContaining('no local cache entry for its key') });
    expect(run.stdout).toContain(`Release plan of ${CRATE} 0.4.0`);
    // Nothing built: no gate wrote a result, and cargo left no target directory.
    expect(fs.existsSync(path.join(ws.root, 'dist/release-gates', CRATE, 'gate-build.json'))).toBe(false);
    expect(fs.existsSync(path.join(ws.root, CRATE, 'target', 'debug'))).toBe(false);
  });

  it('predicts the replay of a gate the local cache holds, and Nx replays it', () => {
    expect(ws.nx(['run', `${CRATE}:gate-lockfile`]).exitCode).toBe(0);
    const ran = ws.result(CRATE, 'gate-lockfile');
    const { plan: second } = plan();
    expect(gate(second, 'gate-lockfile')).toMatchObject({ plan: 'replay', why: expect.stringContaining('passed') });
    const again = ws.nx(['run', `${CRATE}:gate-lockfile`]);
    expect(again.exitCode).toBe(0);
    expect(ws.result(CRATE, 'gate-lockfile').startedAt).toBe(ran.startedAt);
  });

  it('predicts that the whole dry run replays after a passing one, under the key Nx then uses', () => {
    // Two quick gates, chosen where the dry run's outputs follow them (nx.json).
    const nxJson = JSON.parse(ws.read('nx.json'));
    nxJson.targetDefaults = { ...nxJson.targetDefaults, 'release-dry-run': { options: { gates: ['gate-lockfile', 'gate-fmt'] } } };
    ws.write('nx.json', JSON.stringify(nxJson, null, 2));
    expect(plan().plan.dryRun).toMatchObject({ plan: 'run' });
    expect(ws.nx(['run', `${CRATE}:release-dry-run`]).exitCode).toBe(0);
    const ran = ws.result(CRATE, 'release-dry-run');
    const { plan: predicted, run } = plan();
    expect(predicted.dryRun).toMatchObject({ plan: 'replay', hash: ran.run.taskHash, why: expect.stringContaining('passed') });
    expect(run.stdout).toContain('Dry run: will replay whole');
    expect(ws.nx(['run', `${CRATE}:release-dry-run`]).exitCode).toBe(0);
    expect(ws.result(CRATE, 'release-dry-run')).toMatchObject({ replayedFrom: 'local cache', run: ran.run });
  });
});
