import type { StaticCheck } from './dockerfile';
import { DockerBuildFacts, DockerStaticFacts, judgeDockerBuild, judgeDockerStatic } from './docker';

const check = (overrides: Partial<StaticCheck> = {}): StaticCheck => ({ checked: 2, missing: [], unchecked: [], problems: [], dockerignore: null, ...overrides });
const statics = (overrides: Partial<DockerStaticFacts> = {}): DockerStaticFacts => ({
  dockerfile: 'templates/docker/Dockerfile',
  dockerContext: undefined,
  containerEngines: ['docker', 'podman', 'buildah'],
  crateRoot: 'crates/tool',
  shownDockerfile: 'crates/tool/templates/docker/Dockerfile',
  shownContext: 'crates/tool',
  dockerfileIsFile: true,
  contextIsFolder: true,
  check: check(),
  ...overrides,
});

describe('judgeDockerStatic', () => {
  it('lets the build go ahead when every COPY/ADD source is in the context', () => {
    const outcome = judgeDockerStatic(statics());
    expect(outcome).toMatchObject({ status: 'passed', reason: '2 COPY/ADD sources present in the build context (crates/tool/)', details: { checked: 2, missing: [] } });
  });

  it('is skipped without a dockerfile option', () => {
    expect(judgeDockerStatic(statics({ dockerfile: undefined, check: null })).status).toBe('skipped');
  });

  it('fails on unknown engines and on paths that are not there', () => {
    expect(judgeDockerStatic(statics({ containerEngines: ['docker', 'nerdctl'], check: null })).reason).toMatch(/^containerEngines \["nerdctl"\] unknown; /);
    expect(judgeDockerStatic(statics({ dockerfileIsFile: false, check: null })).reason).toMatch(/^dockerfile "templates\/docker\/Dockerfile" does not exist \(looked for crates\/tool\/templates\/docker\/Dockerfile; /);
    expect(judgeDockerStatic(statics({ dockerContext: 'ctx', contextIsFolder: false, check: null })).reason).toMatch(/^dockerContext "ctx" is not a folder/);
    expect(judgeDockerStatic(statics({ check: null })).status).toBe('failed');
  });

  it('fails on a Dockerfile problem, and on a missing source without building', () => {
    expect(judgeDockerStatic(statics({ check: check({ problems: ['line 3: COPY needs a source and a destination'] }) })).reason).toBe(
      'crates/tool/templates/docker/Dockerfile: line 3: COPY needs a source and a destination',
    );
    const missing = judgeDockerStatic(statics({ check: check({ missing: [{ line: 4, instruction: 'COPY', source: 'dist/app', why: 'excluded by .dockerignore' }] }) }));
    expect(missing.status).toBe('failed');
    expect(missing.reason).toBe('crates/tool/templates/docker/Dockerfile: 1 source missing from the build context (crates/tool/): line 4 COPY dist/app (excluded by .dockerignore)');
    expect(missing.details).toMatchObject({ build: { status: 'skipped' } });
  });
});

describe('judgeDockerBuild', () => {
  const passedStatic = judgeDockerStatic(statics());
  const docker = { engine: 'docker', usable: true, note: '27.1.0' };
  const built = (overrides: Partial<DockerBuildFacts> = {}): DockerBuildFacts => ({
    engine: 'docker',
    probes: [docker],
    tag: 'nx-release-gates-dry-run/tool:0.1.0',
    build: { exitCode: 0, output: 'done', durationMs: 1200 },
    ...overrides,
  });

  it('passes a build that succeeded', () => {
    const outcome = judgeDockerBuild(passedStatic, built());
    expect(outcome).toMatchObject({ status: 'passed', reason: '2 COPY/ADD sources present in the build context (crates/tool/); docker built nx-release-gates-dry-run/tool:0.1.0' });
    expect(outcome.details).toMatchObject({ checked: 2, engine: 'docker', image: 'nx-release-gates-dry-run/tool:0.1.0', build: { status: 'passed', durationMs: 1200 } });
  });

  it('fails a build that failed, with the engine\'s error line', () => {
    const outcome = judgeDockerBuild(passedStatic, built({ build: { exitCode: 1, output: 'step 2\nERROR: failed to compute cache key: "/app" not found', durationMs: 5 } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^docker build of crates\/tool\/templates\/docker\/Dockerfile failed: ERROR: failed to compute cache key/);
    expect(outcome.details).toMatchObject({ build: { status: 'failed', engine: 'docker' } });
  });

  it('falls back without a usable engine, with each engine\'s reason', () => {
    const probes = [{ engine: 'docker', usable: false, note: 'not installed' }, { engine: 'podman', usable: false, note: 'not installed' }];
    const outcome = judgeDockerBuild(passedStatic, built({ engine: null, probes, build: null }));
    expect(outcome.status).toBe('fallback');
    expect(outcome.reason).toBe('static check passed (2 COPY/ADD sources present in the build context (crates/tool/)); build skipped, no container engine (docker: not installed, podman: not installed)');
    expect(judgeDockerBuild(passedStatic, built({ engine: null, probes: [], build: null })).reason).toMatch(/no container engine \(containerEngines is empty\)$/);
  });
});
