/**
 * gate-docker: the crate's Docker image still builds from what the release ships. When the crate configures
 * `dockerfile` (relative to the crate, e.g. templates/docker/Dockerfile) and optionally `dockerContext` (default the
 * crate folder):
 *  1. a static check that every COPY/ADD source exists in the build context and is not excluded by .dockerignore
 *     (dockerfile.ts);
 *  2. a real build with the first engine that works (container-engine.ts). With none, the gate reports `fallback`:
 *     the static check passed, the build part is `skipped` with each engine's reason.
 * No `dockerfile`: `skipped`. A static-check failure fails the gate without building (the build could only fail).
 *
 * Cached by the engines the search finds (each probe's answer, versions included: cache-key/outside-state.ts) and by
 * the Dockerfile and build context as files. Base images are not in the key: a moved tag (`rust:1`) shows up after
 * the next change; the engines' own layer caches keep a rebuild fast.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildArgs, buildError, CONTAINER_ENGINES, ContainerEngine, dryRunTag, EngineProbe, findEngine } from '../../ops/containers';
import { checkDockerfile, MissingSource, StaticCheck } from './dockerfile';
import { failed, GateDefinition, GateOutcome, passed, skipped } from '../types';
import { gateSpec } from '../../model/catalog';

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/') || '.';

export interface DockerStaticFacts {
  /** The options as given (relative to the crate folder); no dockerfile: the gate is skipped. */
  dockerfile: string | undefined;
  dockerContext: string | undefined;
  containerEngines: readonly string[];
  crateRoot: string;
  /** The Dockerfile and the build context relative to the workspace root, for reasons. */
  shownDockerfile: string;
  shownContext: string;
  dockerfileIsFile: boolean;
  contextIsFolder: boolean;
  /** The COPY/ADD check (its dockerignore relative to the workspace root); null when it was not run. */
  check: StaticCheck | null;
}

/**
 * The static half's verdict. `passed` means only that the build may be attempted: its reason and details are what
 * judgeDockerBuild builds on.
 */
export function judgeDockerStatic(facts: DockerStaticFacts): GateOutcome {
  const { dockerfile, dockerContext, check } = facts;
  if (!dockerfile) return skipped('no dockerfile configured (set dockerfile, e.g. "templates/docker/Dockerfile")', {});
  const unknown = facts.containerEngines.filter((e) => !(CONTAINER_ENGINES as readonly string[]).includes(e));
  if (unknown.length) {
    return failed(`containerEngines ${JSON.stringify(unknown)} unknown; use any of ${CONTAINER_ENGINES.join(', ')} (or [] to skip the build)`, {});
  }
  const details: Record<string, unknown> = { dockerfile: facts.shownDockerfile, context: facts.shownContext };
  if (!facts.dockerfileIsFile) {
    return failed(`dockerfile "${dockerfile}" does not exist (looked for ${details.dockerfile}; the path is relative to the crate folder ${facts.crateRoot})`, details);
  }
  if (!facts.contextIsFolder) {
    return failed(`dockerContext "${dockerContext}" is not a folder (looked for ${details.context}; the path is relative to the crate folder ${facts.crateRoot})`, details);
  }
  if (!check) return failed(`${details.dockerfile}: the COPY/ADD sources were not checked`, details);
  Object.assign(details, {
    checkedSources: check.checked,
    checked: check.checked,
    missing: check.missing,
    unchecked: check.unchecked,
    dockerignore: check.dockerignore,
  });
  if (check.problems.length) return failed(`${details.dockerfile}: ${check.problems.join('; ')}`, details);
  if (check.missing.length) {
    const list = check.missing.map((m: MissingSource) => `line ${m.line} ${m.instruction} ${m.source} (${m.why})`).join('; ');
    details.build = { status: 'skipped', reason: 'not attempted: the static check failed' };
    return failed(`${details.dockerfile}: ${check.missing.length} source${check.missing.length === 1 ? '' : 's'} missing from the build context (${details.context}/): ${list}`, details);
  }
  return passed(`${check.checked} COPY/ADD source${check.checked === 1 ? '' : 's'} present in the build context (${details.context}/)`, details);
}

export interface DockerBuildFacts {
  /** The first usable engine, and every probe made to find it. */
  engine: ContainerEngine | null;
  probes: EngineProbe[];
  /** The image tag the build gets. */
  tag: string;
  /** The build's exit code and output (stdout then stderr); null when no engine was found. */
  build: { exitCode: number; output: string; durationMs: number } | null;
}

/** The gate's verdict after a passed static check (`statics`, from judgeDockerStatic). */
export function judgeDockerBuild(statics: GateOutcome, facts: DockerBuildFacts): GateOutcome {
  const staticNote = statics.reason;
  const details: Record<string, unknown> = { ...statics.details, engines: facts.probes };
  const { engine, build, tag } = facts;
  if (!engine || !build) {
    const why = facts.probes.length ? facts.probes.map((p) => `${p.engine}: ${p.note}`).join(', ') : 'containerEngines is empty';
    details.build = { status: 'skipped', reason: `no container engine: ${why}` };
    return { status: 'fallback', reason: `static check passed (${staticNote}); build skipped, no container engine (${why})`, details };
  }
  details.engine = engine;
  details.image = tag;
  if (build.exitCode !== 0) {
    const error = buildError(build.output);
    details.build = { status: 'failed', engine, reason: error };
    return failed(`${engine} build of ${details.dockerfile} failed: ${error}`, details);
  }
  details.build = { status: 'passed', engine, durationMs: build.durationMs };
  return passed(`${staticNote}; ${engine} built ${tag}`, details);
}

export const dockerGate: GateDefinition = {
  ...gateSpec('docker'),
  async run(context) {
    const { dockerfile, dockerContext, containerEngines } = context.options;
    const file = path.resolve(context.crateDir, dockerfile ?? '.');
    const contextDir = path.resolve(context.crateDir, dockerContext ?? '.');
    const dockerfileIsFile = !!dockerfile && !!fs.statSync(file, { throwIfNoEntry: false })?.isFile();
    const contextIsFolder = !!fs.statSync(contextDir, { throwIfNoEntry: false })?.isDirectory();
    const known = containerEngines.every((e) => (CONTAINER_ENGINES as readonly string[]).includes(e));
    const check = known && dockerfileIsFile && contextIsFolder ? checkDockerfile(file, contextDir) : null;
    const statics = judgeDockerStatic({
      dockerfile,
      dockerContext,
      containerEngines,
      crateRoot: context.crate.root,
      shownDockerfile: rel(context.workspaceRoot, file),
      shownContext: rel(context.workspaceRoot, contextDir),
      dockerfileIsFile,
      contextIsFolder,
      check: check && { ...check, dockerignore: check.dockerignore ? rel(context.workspaceRoot, check.dockerignore) : null },
    });
    if (statics.status !== 'passed') return statics;

    const { engine, probes } = await findEngine(context, containerEngines as ContainerEngine[]);
    const tag = dryRunTag(context.crate.name, context.crate.version);
    const result = engine ? await context.run(engine, buildArgs(engine, file, contextDir, tag), { live: 'all' }) : null;
    return judgeDockerBuild(statics, {
      engine,
      probes,
      tag,
      build: result && { exitCode: result.exitCode, output: `${result.stdout}\n${result.stderr}`, durationMs: result.durationMs },
    });
  },
  keyFigure: (r) => {
    const missing = (r.details.missing as MissingSource[] | undefined) ?? [];
    if (missing.length) return `missing: ${missing.map((m) => m.source).join(', ')}`;
    const build = r.details.build as { status: string; engine?: string } | undefined;
    if (!build) return '';
    return build.engine ? `${build.engine} build ${build.status}` : `build ${build.status}`;
  },
};
