/**
 * The build half of gate-docker: the first container engine that works, in the order `containerEngines` gives
 * (default docker, podman, buildah), and its build command.
 * - docker counts only when its daemon answers (`docker version` reports a server version).
 * - podman counts when `podman info` succeeds (its storage is usable).
 * - buildah runs with `--storage-driver vfs` and `--isolation chroot`: it then needs neither fuse-overlayfs nor
 *   user namespaces, so it also builds inside unprivileged CI containers.
 */
import { stripAnsi } from '../parsers/cargo-errors';
import type { CommandResult, CommandRunner } from './process';

export const CONTAINER_ENGINES = ['docker', 'podman', 'buildah'] as const;
export type ContainerEngine = (typeof CONTAINER_ENGINES)[number];

export interface EngineProbe {
  engine: string;
  usable: boolean;
  /** Version, or why the engine is not usable. */
  note: string;
}

const firstLine = (text: string) => stripAnsi(text).trim().split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** Pure: what one probe's result says about an engine. */
export function judgeProbe(engine: ContainerEngine, result: Pick<CommandResult, 'exitCode' | 'stdout' | 'stderr' | 'notFound'>): EngineProbe {
  if (result.notFound) return { engine, usable: false, note: 'not installed' };
  const version = firstLine(result.stdout);
  if (result.exitCode === 0 && version) return { engine, usable: true, note: version };
  const why = firstLine(result.stderr) || `exit code ${result.exitCode}`;
  return { engine, usable: false, note: engine === 'docker' ? `daemon not reachable (${why})` : `not usable (${why})` };
}

const PROBES: Record<ContainerEngine, string[]> = {
  docker: ['version', '--format', '{{.Server.Version}}'],
  podman: ['info', '--format', '{{.Version.Version}}'],
  buildah: ['version', '--json'],
};

/** Probes the engines in order and stops at the first usable one. */
export async function findEngine(context: CommandRunner, order: readonly ContainerEngine[]): Promise<{ engine: ContainerEngine | null; probes: EngineProbe[] }> {
  const probes: EngineProbe[] = [];
  for (const engine of order) {
    const result = await context.run(engine, PROBES[engine], { live: 'none' });
    const probe = judgeProbe(engine, engine === 'buildah' && result.exitCode === 0 ? { ...result, stdout: buildahVersion(result.stdout) } : result);
    probes.push(probe);
    if (probe.usable) return { engine, probes };
  }
  return { engine: null, probes };
}

function buildahVersion(json: string): string {
  try {
    return `buildah ${(JSON.parse(json) as { version?: string }).version ?? ''}`.trim();
  } catch {
    return firstLine(json) || 'buildah';
  }
}

/** The image tag a dry-run build gets: `nx-release-gates-dry-run/<crate>:<version>`, sanitized for registries. */
export function dryRunTag(crate: string, version: string): string {
  const repo = crate.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'crate';
  const tag = version.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 128) || 'latest';
  return `nx-release-gates-dry-run/${repo}:${tag}`;
}

/** Arguments of the build command for one engine. */
export function buildArgs(engine: ContainerEngine, dockerfile: string, contextDir: string, tag: string): string[] {
  const common = ['-f', dockerfile, '-t', tag, contextDir];
  if (engine === 'buildah') return ['--storage-driver', 'vfs', 'build', '--isolation', 'chroot', ...common];
  return ['build', ...common];
}

/** The line of a failed build that says what went wrong (engines print the failing step last). */
export function buildError(output: string): string {
  const lines = stripAnsi(output)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((l) => /error|failed|no such file|not found/i.test(l));
  return (error ?? lines[lines.length - 1] ?? 'the build failed without a message').slice(0, 400);
}
