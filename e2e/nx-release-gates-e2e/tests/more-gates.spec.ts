/**
 * gate-lockfile, gate-fmt, gate-version, gate-publish and gate-docker in one fresh workspace (packed plugin, real
 * cargo, real git, real crates.io for the publish dry run, a real container engine). Three dependency-free crates:
 *  - nrg-good-tool: formatted, committed lockfile, `--version` prints its version, a FROM scratch Dockerfile;
 *  - nrg-bad-tool: unformatted, prints the wrong version, excludes a file its code reads (the packaged crate cannot
 *    build), a Dockerfile copying a folder the context lacks;
 *  - nrg-quiet-lib: a library without Cargo.lock, a Dockerfile and no container engine allowed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const GOOD_MAIN = `//! A small command-line tool.

/// Adds two numbers.
pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

fn main() {
    if std::env::args().any(|a| a == "--version") {
        println!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
        return;
    }
    println!("{}", add(1, 2));
}
`;

const BAD_MAIN = `fn main() {
    if std::env::args().any(|a| a=="--version") { println!("nrg-bad-tool 9.9.9"); return; }
    println!("{}", include_str!("../data/greeting.txt"));
}
`;

const GOOD = 'nrg-good-tool';
const BAD = 'nrg-bad-tool';
const LIB = 'nrg-quiet-lib';

/** Whether a Docker daemon answers here: then the default engine order builds with docker instead of buildah. */
function engineAnswers(file: string, args: string[]): boolean {
  const probe = spawnSync(file, args, { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.trim() !== '';
}

describe('the remaining gates: lockfile, fmt, version, publish, docker', () => {
  let ws: TestWorkspace;
  const status = (project: string, target: string) => ws.result(project, target).status as string;

  beforeAll(() => {
    ws = TestWorkspace.create('more-gates', {
      files: {
        ...crateFiles({
          name: GOOD,
          main: GOOD_MAIN,
          releaseGates: 'version-command = ["--version"]\ndockerfile = "templates/docker/Dockerfile"',
          files: {
            'templates/docker/Dockerfile': 'FROM scratch\nCOPY templates/docker/hello.txt /hello.txt\n',
            'templates/docker/Broken.Dockerfile': 'FROM scratch\nCOPY templates/docker/hello.txt /hello.txt\nRUN ["/bin/false"]\n',
            'templates/docker/hello.txt': 'hello\n',
          },
        }),
        ...crateFiles({
          name: BAD,
          main: BAD_MAIN,
          packageExtra: 'exclude = ["data"]',
          releaseGates: 'version-command = ["--version"]\ndockerfile = "templates/docker/Dockerfile"',
          files: {
            'data/greeting.txt': 'hello\n',
            'templates/docker/Dockerfile': 'FROM scratch\nCOPY templates/docker/app/ /app/\nCOPY --from=busybox /bin/sh /bin/sh\n',
          },
        }),
        ...crateFiles({
          name: LIB,
          lib: '//! A library.\n\n/// One.\npub fn one() -> u8 {\n    1\n}\n',
          lockfile: false,
          releaseGates: 'dockerfile = "Dockerfile"\ncontainer-engines = []',
          files: { Dockerfile: 'FROM scratch\nCOPY ["src/lib.rs", "Cargo.toml", "/src/"]\n' },
        }),
      },
    });
  });
  afterAll(() => ws.remove());

  it('gate-fmt passes on formatted code and lists the files that need formatting', () => {
    const run = ws.nx(['run-many', '-t', 'gate-fmt', '-p', GOOD, BAD, LIB]);
    expect(run.exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-fmt')).toMatchObject({ status: 'passed', details: { unformatted: [] } });
    expect(ws.result(LIB, 'gate-fmt').status).toBe('passed');
    expect(ws.result(BAD, 'gate-fmt')).toMatchObject({ status: 'failed', details: { unformatted: [`${BAD}/src/main.rs`] } });
  });

  it('gate-lockfile: a committed matching lockfile passes; missing, modified or stale ones fail, never from cache', () => {
    const first = ws.nx(['run-many', '-t', 'gate-lockfile', '-p', GOOD, LIB]);
    expect(first.exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-lockfile')).toMatchObject({ status: 'passed', details: { gitState: 'clean' } });
    expect(ws.result(LIB, 'gate-lockfile').status).toBe('failed');
    expect(ws.result(LIB, 'gate-lockfile').details.lockfile).toBe(`${LIB}/Cargo.lock`);

    // An uncommitted lockfile edit right after a pass: the gate runs again and fails.
    const lock = `${GOOD}/Cargo.lock`;
    ws.write(lock, `${ws.read(lock)}\n`);
    expect(ws.nx(['run', `${GOOD}:gate-lockfile`]).exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-lockfile')).toMatchObject({ status: 'failed', details: { gitState: 'modified' } });
    ws.git(['checkout', '--', lock]);

    // A version bump without updating Cargo.lock: cargo would rewrite it.
    const manifest = `${GOOD}/Cargo.toml`;
    const original = ws.read(manifest);
    ws.write(manifest, original.replace('version = "0.1.0"', 'version = "0.1.1"'));
    ws.commitAll('bump without lockfile');
    expect(ws.nx(['run', `${GOOD}:gate-lockfile`]).exitCode).not.toBe(0);
    const stale = ws.result(GOOD, 'gate-lockfile');
    expect(stale.status).toBe('failed');
    expect(stale.details.wouldChange).toEqual([expect.stringMatching(new RegExp(`^Updating ${GOOD} v0\\.1\\.0 .*-> v0\\.1\\.1`))]);
    ws.write(manifest, original);
    ws.commitAll('restore version');
    expect(ws.nx(['run', `${GOOD}:gate-lockfile`]).exitCode).toBe(0);
    expect(status(GOOD, 'gate-lockfile')).toBe('passed');
  });

  it('gate-version checks the tag, its existence and the binary --version output', () => {
    // No tag: the version is semver and the built binary prints it (gate-build runs first).
    expect(ws.nx(['run', `${GOOD}:gate-version`]).exitCode).toBe(0);
    expect(ws.result(GOOD, 'gate-version')).toMatchObject({ status: 'passed', details: { version: '0.1.0', tag: null, binary: GOOD } });
    expect(ws.exists(`dist/release-gates/${GOOD}/gate-build.json`)).toBe(true);

    // A matching tag; a tag of another crate; a mismatching tag; a tag that is not semver.
    expect(ws.nx(['run-many', '-t', 'gate-version', '-p', GOOD, LIB], { RELEASE_TAG: `${LIB}-v0.1.0` }).exitCode).toBe(0);
    expect(ws.result(GOOD, 'gate-version')).toMatchObject({ status: 'skipped', details: { tagCrate: LIB } });
    expect(ws.result(LIB, 'gate-version')).toMatchObject({ status: 'passed', details: { tag: `${LIB}-v0.1.0`, tagExists: false } });
    expect(ws.nx(['run', `${GOOD}:gate-version`], { RELEASE_TAG: `${GOOD}-v0.1.0` }).exitCode).toBe(0);
    expect(status(GOOD, 'gate-version')).toBe('passed');
    expect(ws.nx(['run', `${GOOD}:gate-version`], { RELEASE_TAG: 'v0.2.0' }).exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-version')).toMatchObject({ status: 'failed', details: { tagVersion: '0.2.0' } });
    expect(ws.nx(['run', `${GOOD}:gate-version`], { RELEASE_TAG: 'v1.7' }).exitCode).not.toBe(0);
    const notSemver = ws.result(GOOD, 'gate-version');
    expect(notSemver.status).toBe('failed');
    expect(notSemver.reason.split('\n')).toHaveLength(1);
    expect(notSemver.details.tagVersion).toBeUndefined();

    // The tag exists already: taken for a dry run, expected on the tag push that builds it.
    ws.git(['tag', 'v0.1.0']);
    expect(ws.nx(['run', `${GOOD}:gate-version`], { RELEASE_TAG: 'v0.1.0' }).exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-version')).toMatchObject({ status: 'failed', details: { tagExists: true } });
    expect(ws.nx(['run', `${GOOD}:gate-version`], { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v0.1.0' }).exitCode).toBe(0);
    expect(ws.result(GOOD, 'gate-version')).toMatchObject({ status: 'passed', details: { tagExists: true, tagSource: 'GITHUB_REF_NAME (tag push)' } });
    ws.git(['tag', '-d', 'v0.1.0']);

    // The binary prints another version.
    expect(ws.nx(['run', `${BAD}:gate-version`]).exitCode).not.toBe(0);
    expect(ws.result(BAD, 'gate-version')).toMatchObject({ status: 'failed', details: { binary: BAD, binaryOutput: 'nrg-bad-tool 9.9.9' } });
  });

  it('gate-publish passes against crates.io, fails when the packaged crate cannot build, and is skipped without a registry', () => {
    const run = ws.nx(['run-many', '-t', 'gate-publish', '-p', GOOD, BAD]);
    expect(run.exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-publish')).toMatchObject({ status: 'passed' });
    expect(ws.result(GOOD, 'gate-publish').commands).toEqual([expect.stringContaining('cargo publish --dry-run --allow-dirty --locked')]);
    expect(ws.result(BAD, 'gate-publish')).toMatchObject({ status: 'failed' });
    expect(ws.result(BAD, 'gate-publish').details.registryUnreachable).toBeUndefined();

    // Every request to the registry goes to a closed port.
    const offline = ws.nx(['run', `${GOOD}:gate-publish`], { CARGO_HTTP_PROXY: 'http://127.0.0.1:9', CARGO_NET_RETRY: '0' });
    expect(offline.exitCode).toBe(0);
    expect(ws.result(GOOD, 'gate-publish')).toMatchObject({ status: 'skipped', details: { registryUnreachable: true } });
  });

  it('gate-docker checks COPY sources, builds with a real engine, and reports a missing source or a failing build', () => {
    const run = ws.nx(['run-many', '-t', 'gate-docker', '-p', GOOD, BAD, LIB]);
    expect(run.exitCode).not.toBe(0);

    const good = ws.result(GOOD, 'gate-docker');
    expect(good).toMatchObject({ status: 'passed', details: { checkedSources: 1, missing: [], build: { status: 'passed' } } });
    const docker = engineAnswers('docker', ['version', '--format', '{{.Server.Version}}']);
    const podman = engineAnswers('podman', ['info', '--format', '{{.Version.Version}}']);
    if (!docker && !podman) {
      // The case of this repository's CI (.ci/run installs buildah; no daemon): docker is probed and passed over.
      expect(good.details.engine).toBe('buildah');
      expect(good.details.engines[0]).toMatchObject({ engine: 'docker', usable: false });
    }

    expect(ws.result(BAD, 'gate-docker')).toMatchObject({
      status: 'failed',
      details: {
        missing: [{ line: 2, source: 'templates/docker/app/', why: 'not in the build context' }],
        unchecked: [{ line: 3, source: '/bin/sh' }],
        build: { status: 'skipped' },
      },
    });
    expect(ws.result(LIB, 'gate-docker')).toMatchObject({ status: 'fallback', details: { checkedSources: 2, build: { status: 'skipped' } } });

    // A Dockerfile whose sources exist but whose build fails: the engine's failure fails the gate.
    expect(ws.nx(['run', `${GOOD}:gate-docker`, '--dockerfile=templates/docker/Broken.Dockerfile']).exitCode).not.toBe(0);
    expect(ws.result(GOOD, 'gate-docker')).toMatchObject({ status: 'failed', details: { missing: [], build: { status: 'failed' } } });

    // A Dockerfile path that does not exist: one line, nothing built.
    expect(ws.nx(['run', `${GOOD}:gate-docker`, '--dockerfile=templates/nope/Dockerfile']).exitCode).not.toBe(0);
    const missingFile = ws.result(GOOD, 'gate-docker');
    expect(missingFile.status).toBe('failed');
    expect(missingFile.reason).toContain('templates/nope/Dockerfile');
    expect(missingFile.commands).toEqual([]);
  });

  it('gate-lockfile and gate-version say so when the crate is not in a git repository', () => {
    fs.rmSync(ws.path('.git'), { recursive: true, force: true });
    const run = ws.nx(['run-many', '-t', 'gate-lockfile', 'gate-version', '-p', GOOD], { RELEASE_TAG: 'v0.1.0' });
    expect(run.exitCode).not.toBe(0);
    for (const target of ['gate-lockfile', 'gate-version']) {
      const result = ws.result(GOOD, target);
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(/not in a git repository/);
      expect(result.reason.split('\n')).toHaveLength(1);
    }
  });
});
