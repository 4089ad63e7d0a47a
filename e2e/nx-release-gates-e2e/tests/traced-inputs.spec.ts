/**
 * Reads found by tracing (Linux, strace): a test that opens a file outside its crate that no input covers, and a
 * build script that reads a file without announcing it (no rerun-if-changed), are invisible to cargo's own records.
 * The gate's trace names them: listed under `warn`, failing the gate under `deny` (the default when CI=true). What a
 * test reads back from a temporary folder it made itself is no input (the crate's second test). A source file read
 * through a symbolic link is judged by the file it reaches, which Nx does not hash through the link; so are a sibling's
 * manifest a test reads (the rule that keys manifests is cargo's), a file opened to read and write, and a workspace
 * script a test runs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { crateFiles } from '../support/crates';
import { TestWorkspace } from '../support/workspace';

const hasStrace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'pipe' });
    return process.platform === 'linux';
  } catch {
    return false;
  }
})();

const TEST_READER = `//! Reads a fixture outside the crate in its test.
pub fn shout(s: &str) -> String {
    s.to_uppercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn shouts_the_fixture() {
        let text = std::fs::read_to_string("../shared-fixture.txt").unwrap();
        assert_eq!(super::shout(&text), "HELLO\\n");
    }

    // A folder the test makes, and a file and a link it puts there, are the test's own: never an input.
    #[test]
    fn reads_back_through_a_link_in_its_own_temporary_folder() {
        let dir = std::env::temp_dir().join(format!("fixture-reader-{}", std::process::id()));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("data"), "x").unwrap();
        std::os::unix::fs::symlink(dir.join("data"), dir.join("link")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("link")).unwrap(), "x");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
`;

/** A test that reads a sibling's manifest, updates a fixture in place (read and write) and runs a workspace script. */
const SNEAKY_TEST = `//! Reads in ways a name or a flag could hide.
pub fn nothing() {}

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek, Write};

    #[test]
    fn reads_a_sibling_manifest() {
        let manifest = std::fs::read_to_string("../sibling/Cargo.toml").unwrap();
        assert!(manifest.contains("version"));
    }

    #[test]
    fn updates_a_fixture_in_place() {
        let mut file = std::fs::OpenOptions::new().read(true).write(true).open("../rw-fixture.txt").unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        assert_eq!(text, "ok\\n");
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        file.write_all(b"ok\\n").unwrap();
    }

    #[test]
    fn runs_a_workspace_script() {
        let out = std::process::Command::new("../check.sh").output().unwrap();
        assert_eq!(out.stdout, b"ok\\n");
    }
}
`;

const SECRET_BUILD = `fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let flavour = std::fs::read_to_string("../flavour.txt").unwrap_or_default();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("flavour.rs");
    std::fs::write(out, format!("const FLAVOUR: &str = {:?};", flavour.trim())).unwrap();
}
`;

(hasStrace ? describe : describe.skip)('undeclared inputs found by tracing', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = TestWorkspace.create('traced', {
      files: {
        ...crateFiles({ name: 'fixture-reader', dir: 'crates/fixture-reader', lib: TEST_READER }),
        ...crateFiles({
          name: 'flavoured',
          dir: 'crates/flavoured',
          main: '//! Prints its flavour.\ninclude!(concat!(env!("OUT_DIR"), "/flavour.rs"));\nfn main() {\n    println!("{}", FLAVOUR);\n}\n',
          packageExtra: 'build = "build.rs"',
          files: { 'build.rs': SECRET_BUILD },
        }),
        // src/shared.rs is a symbolic link (made below) to a file of no project: Nx hashes the link, not that file.
        ...crateFiles({ name: 'linked-source', dir: 'crates/linked-source', lib: '//! Shares a module through a link.\npub mod shared;\n' }),
        'crates/elsewhere/shared.rs': '//! Shared.\n\n/// Two.\npub fn two() -> i32 {\n    2\n}\n',
        ...crateFiles({ name: 'sneaky', dir: 'crates/sneaky', lib: SNEAKY_TEST }),
        // Stamps whether the tree is dirty, as vergen does: git reads and lists the whole working tree.
        ...crateFiles({
          name: 'stamped',
          dir: 'crates/stamped',
          main: '//! Prints whether its tree was dirty.\nfn main() {\n    println!("{}", env!("DIRTY"));\n}\n',
          packageExtra: 'build = "build.rs"',
          files: { 'build.rs': 'fn main() {\n    let out = std::process::Command::new("git").args(["status", "--porcelain"]).output().unwrap();\n    println!("cargo:rustc-env=DIRTY={}", !out.stdout.is_empty());\n}\n' },
        }),
        'crates/sibling/Cargo.toml': '[package]\nname = "sibling"\nversion = "0.1.0"\nedition = "2021"\n',
        'crates/sibling/src/lib.rs': '//! A sibling.\n',
        'crates/rw-fixture.txt': 'ok\n',
        'crates/check.sh': '#!/bin/sh\necho ok\n',
        'crates/shared-fixture.txt': 'hello\n',
        'crates/flavour.txt': 'vanilla\n',
      },
    });
    fs.symlinkSync('../../elsewhere/shared.rs', ws.path('crates/linked-source/src/shared.rs'));
    fs.chmodSync(ws.path('crates/check.sh'), 0o755);
    ws.commitAll('a module through a link');
  });
  afterAll(() => ws?.remove());

  const run = (project: string, target: string, env: Record<string, string> = {}) => {
    const nx = ws.nx(['run', `${project}:${target}`, '--skip-nx-cache'], env);
    return { nx, result: ws.result(project, target) };
  };
  const named = (result: Record<string, any>, name: string) => ((result.details.undeclaredInputs ?? []) as any[]).find((u) => u.name === name);

  it('under warn, gate-test passes and lists the fixture its test binary read, found by tracing', () => {
    const { nx, result } = run('fixture-reader', 'gate-test', { CI: 'false' });
    expect(result.status).toBe('passed');
    expect(result.details.tracing).toEqual(expect.objectContaining({ mode: 'strace', unaccounted: 1 }));
    expect(result.details.tracing.reads).toBeGreaterThan(10);
    expect(named(result, 'crates/shared-fixture.txt')).toEqual(
      expect.objectContaining({ kind: 'file', readBy: 'test binary fixture_reader', why: 'in no input of fixture-reader:gate-test', fix: expect.stringContaining('{workspaceRoot}/crates/shared-fixture.txt') }),
    );
    expect(nx.output).toContain('crates/shared-fixture.txt');
  });

  it('under CI=true (deny by default), gate-test fails naming the file', () => {
    const { nx, result } = run('fixture-reader', 'gate-test');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/undeclared input \(undeclaredInputs: deny\).*crates\/shared-fixture\.txt/);
    expect(nx.exitCode).not.toBe(0);
  });

  it('gate-build finds what a build script read without rerun-if-changed', () => {
    const warned = run('flavoured', 'gate-build', { CI: 'false' });
    expect(warned.result.status).toBe('passed');
    expect(named(warned.result, 'crates/flavour.txt')).toEqual(expect.objectContaining({ readBy: 'flavoured (build script)' }));
    // Tracing sees what ran: cargo re-runs the build script only from a target directory without its output.
    fs.rmSync(ws.path('crates/flavoured/target'), { recursive: true, force: true });
    const denied = run('flavoured', 'gate-build');
    expect(denied.result.status).toBe('failed');
    expect(denied.result.reason).toContain('crates/flavour.txt');
  });

  it('judges a source file read through a symbolic link by the file it reaches', () => {
    const { nx, result } = run('linked-source', 'gate-build');
    expect(result.status).toBe('failed');
    expect(named(result, 'crates/linked-source/src/shared.rs')).toEqual(
      expect.objectContaining({ why: 'a symbolic link to crates/elsewhere/shared.rs, which is in no input of linked-source:gate-build', fix: expect.stringContaining('{workspaceRoot}/crates/elsewhere/shared.rs') }),
    );
    expect(nx.exitCode).not.toBe(0);
  });

  it('lists a sibling\'s manifest a test reads, a fixture it opens to read and write, and a workspace script it runs', () => {
    const { result } = run('sneaky', 'gate-test', { CI: 'false' });
    expect(result.status).toBe('passed');
    const listed = Object.fromEntries(((result.details.undeclaredInputs ?? []) as any[]).map((u) => [u.name, u.readBy]));
    expect(listed).toEqual({ 'crates/sibling/Cargo.toml': 'test binary sneaky', 'crates/rw-fixture.txt': 'test binary sneaky', 'crates/check.sh': 'test binary sneaky' });
  });

  it('leaves what git reads for a build script that stamps the tree\'s state unjudged: gate-build passes under deny', () => {
    const { result } = run('stamped', 'gate-build');
    expect(result.status).toBe('passed');
    expect(result.details.tracing).toEqual(expect.objectContaining({ mode: 'strace', unaccounted: 0 }));
  });

  it('once declared, the file is accounted for and the gate passes under deny', () => {
    ws.write('crates/fixture-reader/project.json', JSON.stringify({ name: 'fixture-reader', targets: { 'gate-test': { inputs: ['rust-crate', '{workspaceRoot}/crates/shared-fixture.txt', { env: 'CI' }] } } }));
    const { result } = run('fixture-reader', 'gate-test');
    expect(result.status).toBe('passed');
    expect(result.details.tracing).toEqual(expect.objectContaining({ mode: 'strace', unaccounted: 0 }));
  });

  it('says so when tracing is off, never silently', () => {
    const { nx, result } = run('fixture-reader', 'gate-test', { NX_RELEASE_GATES_TRACE: '0', CI: 'false' });
    expect(result.details.tracing).toEqual(expect.objectContaining({ mode: 'unavailable', reason: expect.stringContaining('NX_RELEASE_GATES_TRACE=0') }));
    expect(nx.output).toContain('reads were not traced');
  });
});
