/**
 * gate-docker: the Docker build check of the original template-packaging gate, made real. When the crate configures
 * `dockerfile` (relative to the crate, e.g. templates/docker/Dockerfile) and optionally `dockerContext` (default the
 * crate folder):
 *  1. a static check that every COPY/ADD source exists in the build context and is not excluded by .dockerignore
 *     (dockerfile.ts);
 *  2. a real build with the first engine that works (container-engine.ts). With none, the gate reports `fallback`:
 *     the static check passed, the build part is `skipped` with each engine's reason.
 * No `dockerfile`: `skipped`. A static-check failure fails the gate without building (the build could only fail).
 *
 * Never cached (`cacheable: false`): the build depends on which engines are present and on base images, which no Nx
 * input sees; the engines' own layer caches keep an unchanged rebuild fast.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildArgs, buildError, CONTAINER_ENGINES, ContainerEngine, dryRunTag, findEngine } from './container-engine';
import { checkDockerfile, MissingSource } from './dockerfile';
import { failed, GateDefinition, passed, skipped } from './types';

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/') || '.';

export const dockerGate: GateDefinition = {
  name: 'docker',
  cacheable: false,
  description:
    'Dockerfile: every COPY/ADD source exists in the build context (static), then a real build with docker, podman or buildah; no engine reports `fallback`. Skipped without a `dockerfile` option. Never cached.',
  async run(context) {
    const { dockerfile, dockerContext, containerEngines } = context.options;
    if (!dockerfile) return skipped('no dockerfile configured (set dockerfile, e.g. "templates/docker/Dockerfile")', {});
    const unknown = containerEngines.filter((e) => !(CONTAINER_ENGINES as readonly string[]).includes(e));
    if (unknown.length) {
      return failed(`containerEngines ${JSON.stringify(unknown)} unknown; use any of ${CONTAINER_ENGINES.join(', ')} (or [] to skip the build)`, {});
    }
    const file = path.resolve(context.crateDir, dockerfile);
    const contextDir = path.resolve(context.crateDir, dockerContext ?? '.');
    const details: Record<string, unknown> = { dockerfile: rel(context.workspaceRoot, file), context: rel(context.workspaceRoot, contextDir) };
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return failed(`dockerfile "${dockerfile}" does not exist (looked for ${details.dockerfile}; the path is relative to the crate folder ${context.crate.root})`, details);
    }
    if (!fs.statSync(contextDir, { throwIfNoEntry: false })?.isDirectory()) {
      return failed(`dockerContext "${dockerContext}" is not a folder (looked for ${details.context}; the path is relative to the crate folder ${context.crate.root})`, details);
    }

    const check = checkDockerfile(file, contextDir);
    Object.assign(details, {
      checkedSources: check.checked,
      checked: check.checked,
      missing: check.missing,
      unchecked: check.unchecked,
      dockerignore: check.dockerignore ? rel(context.workspaceRoot, check.dockerignore) : null,
    });
    if (check.problems.length) return failed(`${details.dockerfile}: ${check.problems.join('; ')}`, details);
    if (check.missing.length) {
      const list = check.missing.map((m: MissingSource) => `line ${m.line} ${m.instruction} ${m.source} (${m.why})`).join('; ');
      details.build = { status: 'skipped', reason: 'not attempted: the static check failed' };
      return failed(`${details.dockerfile}: ${check.missing.length} source${check.missing.length === 1 ? '' : 's'} missing from the build context (${details.context}/): ${list}`, details);
    }
    const staticNote = `${check.checked} COPY/ADD source${check.checked === 1 ? '' : 's'} present in the build context (${details.context}/)`;

    const { engine, probes } = await findEngine(context, containerEngines as ContainerEngine[]);
    details.engines = probes;
    if (!engine) {
      const why = probes.length ? probes.map((p) => `${p.engine}: ${p.note}`).join(', ') : 'containerEngines is empty';
      details.build = { status: 'skipped', reason: `no container engine: ${why}` };
      return { status: 'fallback', reason: `static check passed (${staticNote}); build skipped, no container engine (${why})`, details };
    }
    const tag = dryRunTag(context.crate.name, context.crate.version);
    const result = await context.run(engine, buildArgs(engine, file, contextDir, tag), { live: 'all' });
    details.engine = engine;
    details.image = tag;
    if (result.exitCode !== 0) {
      const error = buildError(`${result.stdout}\n${result.stderr}`);
      details.build = { status: 'failed', engine, reason: error };
      return failed(`${engine} build of ${details.dockerfile} failed: ${error}`, details);
    }
    details.build = { status: 'passed', engine, durationMs: result.durationMs };
    return passed(`${staticNote}; ${engine} built ${tag}`, details);
  },
  keyFigure: (r) => {
    const missing = (r.details.missing as MissingSource[] | undefined) ?? [];
    if (missing.length) return `missing: ${missing.map((m) => m.source).join(', ')}`;
    const build = r.details.build as { status: string; engine?: string } | undefined;
    if (!build) return '';
    return build.engine ? `${build.engine} build ${build.status}` : `build ${build.status}`;
  },
};
