import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashDryRun } from './dry-run-hasher';
import { DRY_RUN_GATES } from '../../cache-key/dry-run-key';
import { GATE_TARGETS } from '../../model/catalog';
import { fingerprintCheck, FINGERPRINT_CHECK_VARIABLE } from '../../cache-key/fingerprint-env';

describe('the release-dry-run hasher', () => {
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  const env = { PATH: '/usr/bin', [FINGERPRINT_CHECK_VARIABLE]: fingerprintCheck({ PATH: '/usr/bin' }, [], []) };
  /** What Nx's hasher gives each gate task for its declared inputs; a test changes one to stand for an edit. */
  let gateHashes: Record<string, string>;
  const hashed: string[][] = [];
  const hasher = {
    hashTasks: jest.fn(async (tasks: Array<{ id: string }>) => {
      hashed.push(tasks.map((t) => t.id));
      return tasks.map((t) => ({ value: gateHashes[t.id] ?? 'none', details: { command: '', nodes: {}, runtime: {} } }));
    }),
    hashTask: jest.fn(async () => ({ value: 'own', details: { command: '', nodes: {}, runtime: {} } })),
  };
  const targets = {
    'gate-build': { executor: 'nx-release-gates:gate-build', options: {} },
    'gate-size': { executor: 'nx-release-gates:gate-size', options: {}, dependsOn: ['gate-build'] },
    'gate-fmt': { executor: 'nx-release-gates:gate-fmt', options: {} },
    'release-dry-run': { executor: 'nx-release-gates:release-dry-run', options: { gates: ['gate-size', 'gate-fmt'] }, metadata: { [DRY_RUN_GATES]: ['gate-size', 'gate-fmt'] } },
  };
  const projectGraph = { nodes: { tool: { name: 'tool', type: 'app', data: { root: 'tool', targets } } }, dependencies: { tool: [] }, externalNodes: {} };
  const task = (overrides: Record<string, unknown> = {}) => ({ id: 'tool:release-dry-run', target: { project: 'tool', target: 'release-dry-run' }, overrides, outputs: [], parallelism: true }) as never;
  const context = (taskEnv: NodeJS.ProcessEnv = env) =>
    ({ env: taskEnv, hasher, projectGraph, taskGraph: { tasks: { 'tool:release-dry-run': task() }, dependencies: {}, roots: [] }, projectsConfigurations: { version: 2, projects: { tool: { root: 'tool', targets } } } }) as never;
  const key = async (taskEnv?: NodeJS.ProcessEnv, overrides?: Record<string, unknown>) => (await hashDryRun(task(overrides), context(taskEnv), root)).value;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dry-run-hasher-'));
    git('init', '-q');
    fs.writeFileSync(path.join(root, 'a.txt'), 'a');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(() => {
    gateHashes = { 'tool:gate-build': 'b1', 'tool:gate-size': 's1', 'tool:gate-fmt': 'f1' };
    hashed.length = 0;
  });

  it('gives the same key while nothing it holds changed, and hashes the gates with what they depend on', async () => {
    expect(await key()).toBe(await key());
    expect(hashed[0].sort()).toEqual(['tool:gate-build', 'tool:gate-fmt', 'tool:gate-size']);
  });

  it('changes with the key of any gate it runs, the one a gate depends on included', async () => {
    const before = await key();
    gateHashes['tool:gate-build'] = 'b2';
    expect(await key()).not.toBe(before);
  });

  it('changes with the tree state and the commit', async () => {
    const before = await key();
    fs.writeFileSync(path.join(root, 'a.txt'), 'edited');
    const dirty = await key();
    expect(dirty).not.toBe(before);
    git('commit', '-q', '-am', 'two');
    const committed = await key();
    expect(committed).not.toBe(dirty);
    expect(committed).not.toBe(before);
  });

  it('takes every gate when the gates option is unset, and hashes those the crate has', async () => {
    const all = { ...targets, 'release-dry-run': { executor: 'nx-release-gates:release-dry-run', options: {}, metadata: { [DRY_RUN_GATES]: [...GATE_TARGETS] } } };
    const graph = { ...projectGraph, nodes: { tool: { ...projectGraph.nodes.tool, data: { root: 'tool', targets: all } } } };
    const unset = { ...(context() as object), projectGraph: graph, projectsConfigurations: { version: 2, projects: { tool: { root: 'tool', targets: all } } } } as never;
    const first = await hashDryRun(task(), unset, root);
    expect(first.details.runtime?.['release-dry-run key']?.match(/^gate \S+/gm)).toEqual(['gate tool:gate-build', 'gate tool:gate-fmt', 'gate tool:gate-size']);
    expect((await hashDryRun(task(), unset, root)).value).toBe(first.value);
  });

  it('never matches twice when a gate writes a file the dry run does not name as an output', async () => {
    const moved = { ...targets, 'gate-fmt': { ...targets['gate-fmt'], outputs: ['{workspaceRoot}/dist/release-gates/tool/aarch64-apple-darwin/gate-fmt.json'] } };
    const graph = { ...projectGraph, nodes: { tool: { ...projectGraph.nodes.tool, data: { root: 'tool', targets: moved } } } };
    const uncovered = { ...(context() as object), projectGraph: graph, projectsConfigurations: { version: 2, projects: { tool: { root: 'tool', targets: moved } } } } as never;
    const first = await hashDryRun(task(), uncovered, root);
    expect(first.details.runtime?.['release-dry-run replays whole']).toMatch(/tool:gate-fmt writes dist\/release-gates\/tool\/aarch64-apple-darwin\/gate-fmt\.json/);
    expect((await hashDryRun(task(), uncovered, root)).value).not.toBe(first.value);
  });

  it('changes with a fingerprinted variable', async () => {
    expect(await key({ ...env, RUSTFLAGS: '-Copt-level=1' })).not.toBe(await key());
  });

  it('never matches twice, and leaves the task uncached, when the dry run must run: a trusted key, or other gates than its outputs cover', async () => {
    const trusted = { ...env, NX_RELEASE_GATES_TRUSTED_KEY: 'keys/release.pub' };
    expect(await key(trusted)).not.toBe(await key(trusted));
    expect(await key(env, { gates: ['gate-fmt'] })).not.toBe(await key(env, { gates: ['gate-fmt'] }));
    expect(hashed).toEqual([]);
    const refused = { ...(task() as object), cache: true } as never;
    await hashDryRun(refused, context(trusted), root);
    expect((refused as { cache: boolean }).cache).toBe(false);
    const replayable = { ...(task() as object), cache: true } as never;
    await hashDryRun(replayable, context(), root);
    expect((replayable as { cache: boolean }).cache).toBe(true);
  });
});
