import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashWithState, prefetchGateStates, probeState, stateProbesOf, STATE_PROBES, workspaceReadsAfter } from './state-hasher';
import { sha256 } from '../util/hash';
import { fingerprintCheck, FINGERPRINT_CHECK_VARIABLE } from './fingerprint-env';

describe('the state hasher', () => {
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  const task = { id: 'tool:gate-version', target: { project: 'tool', target: 'gate-version' }, overrides: {}, outputs: [], parallelism: true } as never;
  const base = { value: 'base', details: { command: 'c', nodes: {}, runtime: { guard: 'g' } } };
  const hasher = { hashTasks: jest.fn(async (tasks: unknown[]) => tasks.map(() => base)) };
  /** The task's environment as the fingerprint hook leaves it (fingerprint-env.ts). */
  const hooked = { PATH: '/usr/bin', [FINGERPRINT_CHECK_VARIABLE]: fingerprintCheck({ PATH: '/usr/bin' }, [], []) };
  // Nx hands every custom hasher call of one run the same task graph.
  const runGraph = { tasks: {}, dependencies: {}, roots: [] };
  const context = (probes: unknown, env: NodeJS.ProcessEnv = hooked, taskGraph: object = runGraph) =>
    ({
      env,
      hasher,
      taskGraph,
      projectsConfigurations: { version: 2, projects: { tool: { root: 'tool', targets: { 'gate-version': { metadata: { [STATE_PROBES]: probes } } } } } },
    }) as never;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'state-hasher-'));
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'one');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('adds the fingerprint check to Nx\'s hash of every gate, and each probe\'s state to the key of one with probes', async () => {
    const plain = await hashWithState(task, context(undefined), root);
    expect(plain.value).not.toBe('base');
    expect(Object.keys(plain.details.runtime ?? {})).toEqual(['guard', 'fingerprints']);
    expect((await hashWithState(task, context(undefined), root)).value).toBe(plain.value);
    const before = await hashWithState(task, context([['tags', 'tool']]), root);
    expect(before.value).not.toBe(plain.value);
    expect(Object.keys(before.details.runtime ?? {})).toEqual(['guard', 'fingerprints', 'state tags tool']);
    // The same state, asked again later, gives the same key.
    expect((await hashWithState(task, context([['tags', 'tool']]), root)).value).toBe(before.value);
  });

  it('changes the key when the state changes (a new release tag), once the shared answer is stale', async () => {
    const now = Date.now() + 600_000;
    const before = await probeState(root, ['tags', 'tool'], now);
    git('tag', 'v0.1.0');
    expect(await probeState(root, ['tags', 'tool'], now + 1_000)).toEqual(before);
    expect(await probeState(root, ['tags', 'tool'], now + 60_000)).not.toEqual(before);
  });

  it('hands the answers a prefetch started to the hashing that follows within the window, and no later', async () => {
    const now = Date.now() + 1_200_000;
    git('tag', 'v0.2.0');
    const [before] = await Promise.all([probeState(root, ['tags', 'tool'], now - 60_000), prefetchGateStates([undefined, { metadata: {} }, { metadata: { [STATE_PROBES]: [['tags', 'tool']] } }], root, now)]);
    git('tag', 'v0.3.0');
    // The key is the state as the prefetch read it (before v0.3.0), as if the hashing had asked at that moment.
    expect(await probeState(root, ['tags', 'tool'], now + 500)).toEqual(before);
    expect(await probeState(root, ['tags', 'tool'], now + 60_000)).not.toEqual(before);
  });

  it('takes a prefetched answer from the other thread, and probes here what that thread could not answer', async () => {
    const now = Date.now() + 1_800_000;
    const asked: string[][][] = [];
    const answered = (lines: string[][]) => async (work: { probes: string[][] }) => {
      asked.push(work.probes);
      return lines;
    };
    prefetchGateStates([{ metadata: { [STATE_PROBES]: [['tags', 'tool'], ['tags', 'tool']] } }], root, now, answered([['from the thread']]));
    expect(asked).toEqual([[['tags', 'tool']]]); // one probe asked once, however many targets name it
    expect(await probeState(root, ['tags', 'tool'], now + 100)).toEqual(['from the thread']);
    // A probe still shared from the window is not asked again.
    prefetchGateStates([{ metadata: { [STATE_PROBES]: [['tags', 'tool']] } }], root, now + 200, answered([['again']]));
    expect(asked).toHaveLength(1);
    const later = now + 60_000;
    prefetchGateStates([{ metadata: { [STATE_PROBES]: [['tags', 'tool']] } }], root, later, () => Promise.reject(new Error('no thread')));
    expect(await probeState(root, ['tags', 'tool'], later + 100)).toEqual(await probeState(root, ['tags', 'tool'], later + 60_000));
  });

  it('asks Nx for the declared inputs of the tasks hashed together in one batch (their runtime inputs run once)', async () => {
    hasher.hashTasks.mockClear();
    const other = { ...(task as object), id: 'tool:gate-publish', target: { project: 'tool', target: 'gate-publish' } } as never;
    await Promise.all([hashWithState(task, context([]), root), hashWithState(other, context([]), root)]);
    expect(hasher.hashTasks).toHaveBeenCalledTimes(1);
    expect((hasher.hashTasks.mock.calls[0][0] as Array<{ id: string }>).map((t) => t.id)).toEqual(['tool:gate-version', 'tool:gate-publish']);
  });

  it('hashes tasks of another task graph (release-dry-run\'s gates) in a batch of their own, against that graph', async () => {
    hasher.hashTasks.mockClear();
    const gateGraph = { tasks: {}, dependencies: {}, roots: [] };
    const other = { ...(task as object), id: 'tool:gate-publish', target: { project: 'tool', target: 'gate-publish' } } as never;
    await Promise.all([hashWithState(task, context([]), root), hashWithState(other, context([], hooked, gateGraph), root)]);
    expect((hasher.hashTasks.mock.calls as unknown[][]).map(([tasks, graph]) => [(tasks as Array<{ id: string }>).map((t) => t.id), graph])).toEqual([
      [['tool:gate-version'], runGraph],
      [['tool:gate-publish'], gateGraph],
    ]);
  });

  it('never replays a gate with probes when the fingerprint hook did not run for its environment', async () => {
    const a = await hashWithState(task, context([['tags', 'tool']], { PATH: '/usr/bin' }), root);
    const b = await hashWithState(task, context([['tags', 'tool']], { PATH: '/usr/bin' }), root);
    expect(a.value).not.toBe(b.value);
    expect((await hashWithState(task, context([['tags', 'tool']], { ...hooked, PATH: '/elsewhere' }), root)).value).not.toBe((await hashWithState(task, context([['tags', 'tool']]), root)).value);
  });

  it('never lets an unknown probe match a cached key', async () => {
    const [a] = await probeState(root, ['no-such-kind'], 0);
    const [b] = await probeState(root, ['no-such-kind'], 60_000);
    expect(a).toMatch(/^unknown state kind no-such-kind /);
    expect(a).not.toBe(b);
  });

  it('with the daemon on, reads the workspace only once Nx\'s hashes are in, whatever they were', async () => {
    expect(workspaceReadsAfter([Promise.resolve()], false)).toBeUndefined();
    await expect(workspaceReadsAfter([Promise.reject(new Error('daemon gone')), Promise.resolve()], true)).resolves.toBeUndefined();
    let nxHashesIn!: () => void;
    const readsAfter = new Promise<void>((resolve) => (nxHashesIn = resolve));
    const pending = hashWithState(task, context([['tags', 'later']]), root, { readsAfter });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A tag made after the call, before Nx's hashes are in: the probe, which reads git, has not started yet.
    git('tag', 'later-v0.2.0');
    nxHashesIn();
    const hash = await pending;
    const fresh = await probeState(root, ['tags', 'later'], Date.now() + 3_600_000);
    expect(fresh.join('\n')).toContain('later-v0.2.0');
    expect(hash.details.runtime?.['state tags later']).toBe(sha256(fresh.join('\n')));
  });

  it('reads only well-formed probes from metadata', () => {
    expect(stateProbesOf({ [STATE_PROBES]: [['tags', 'x'], [], [1], 'tags'] })).toEqual([['tags', 'x']]);
    expect(stateProbesOf(null)).toEqual([]);
  });
});
