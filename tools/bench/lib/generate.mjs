// Generated Cargo workspaces for the benchmark: tiny crates with path dependencies (affected, inference) and the
// 5-crate suite around the textlab fixture (parallel gates).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyTree, run, write } from './util.mjs';

export const crateName = (i, width) => `c${String(i).padStart(width, '0')}`;

/**
 * A Cargo workspace of `count` tiny library crates under `<dir>/crates`, crate i depending by path on the crates
 * `parentsOf(i)` returns, with its Cargo.lock (cargo runs with `env`). Returns the dependency map (name -> names it
 * depends on).
 */
export function tinyWorkspace(dir, count, parentsOf, env) {
  const width = String(count).length < 2 ? 2 : String(count).length;
  const deps = {};
  write(path.join(dir, 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n');
  for (let i = 1; i <= count; i++) {
    const name = crateName(i, width);
    const parents = parentsOf(i).filter((p) => p >= 1 && p < i);
    deps[name] = parents.map((p) => crateName(p, width));
    const depLines = parents.map((p) => `${crateName(p, width)} = { path = "../${crateName(p, width)}", version = "0.1.0" }`).join('\n');
    write(
      path.join(dir, 'crates', name, 'Cargo.toml'),
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\ndescription = "Benchmark crate ${name}"\nlicense = "MIT"\n\n[dependencies]\n${depLines}\n`,
    );
    const calls = parents.map((p) => ` + ${crateName(p, width)}::value()`).join('');
    write(
      path.join(dir, 'crates', name, 'src', 'lib.rs'),
      `//! Crate ${name} of the benchmark workspace.\n\n/// This crate's value: its number plus its dependencies' values.\npub fn value() -> u64 {\n    ${i}${calls}\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn value_is_positive() {\n        assert!(super::value() >= ${i});\n    }\n}\n`,
    );
  }
  run('cargo', ['generate-lockfile', '--offline'], { cwd: dir, env });
  return deps;
}

/** Every crate that depends on `name`, directly or through others, plus `name` itself. */
export function dependentsClosure(deps, name) {
  const out = new Set([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [crate, parents] of Object.entries(deps)) {
      if (!out.has(crate) && parents.some((p) => out.has(p))) {
        out.add(crate);
        grew = true;
      }
    }
  }
  return [...out].sort();
}

/** textlab's Cargo.toml as a member of a Cargo workspace: the release profile moves to the workspace root. */
function asMember(manifest) {
  return manifest.replace(/\n\[profile\.release\][^[]*/, '\n');
}

const TOOLS = [
  ['tl-count', 'Counts the words of text files.', 'report.words.to_string()'],
  ['tl-hash', 'Prints the fingerprint of each text file.', 'report.documents.iter().map(|d| d.fingerprint.clone()).collect::<Vec<_>>().join("\\n")'],
  ['tl-score', 'Scores text files against a query.', 'report.documents.iter().map(|d| format!("{:.3} {}", d.score, d.name)).collect::<Vec<_>>().join("\\n")'],
  ['tl-top', 'Lists the most frequent words of text files.', 'report.top.iter().map(|(w, n)| format!("{n} {w}")).collect::<Vec<_>>().join("\\n")'],
];

/** A tool's manifest: the same feature switches as textlab and the same release-gates metadata. */
const toolManifest = (name, description) => `[package]
name = "${name}"
version = "0.4.2"
edition = "2021"
description = "${description}"
license = "MIT OR Apache-2.0"

[features]
default = ["core"]
core = ["textlab/core"]
gpu = ["core", "textlab/gpu"]
gpu-cuda = ["gpu", "textlab/gpu-cuda"]

[dependencies]
anyhow = "1"
clap = { version = "4.5", features = ["derive"] }
textlab = { path = "../textlab", version = "0.4.2", default-features = false }

[package.metadata.release-gates]
no-default-features = true
features = ["core"]
`;

/** A tool's main.rs: prints `output`, a Rust expression over textlab's report. */
const toolMain = (description, output) => `//! ${description}
use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;

/// ${description}
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Text files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Query to score against.
    #[arg(short, long, default_value = "")]
    query: String,
}

#[cfg(feature = "core")]
fn main() -> Result<()> {
    let args = Args::parse();
    let mut documents = Vec::new();
    for file in &args.files {
        documents.push((file.display().to_string(), std::fs::read_to_string(file)?));
    }
    let report = textlab::analyse(&documents, &args.query, 10)?;
    println!("{}", ${output});
    Ok(())
}

#[cfg(not(feature = "core"))]
fn main() -> Result<()> {
    let _ = Args::parse();
    anyhow::bail!("built without the core feature")
}
`;

/** A tool's CLI test: the binary end to end on a file. */
const toolTest = (name) => `//! The binary end to end.
#[test]
fn runs_on_a_file() {
    let file = std::env::temp_dir().join(format!("${name}-{}.txt", std::process::id()));
    std::fs::write(&file, "alpha beta alpha").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_${name}")).arg(&file).output().unwrap();
    std::fs::remove_file(&file).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
`;

/**
 * The 5-crate suite: textlab plus four binaries built on its library (one Cargo workspace, so they share a target
 * directory, as crates of one repository do). Each tool has the same feature switches and release-gates metadata.
 */
export function suiteWorkspace(dir, fixture) {
  write(
    path.join(dir, 'Cargo.toml'),
    `[workspace]\nresolver = "2"\nmembers = ["textlab", ${TOOLS.map(([n]) => `"${n}"`).join(', ')}]\n\n[profile.release]\nlto = true\ncodegen-units = 1\n`,
  );
  copyTree(fixture, path.join(dir, 'textlab'));
  fs.rmSync(path.join(dir, 'textlab', 'Cargo.lock'), { force: true });
  const manifest = path.join(dir, 'textlab', 'Cargo.toml');
  fs.writeFileSync(manifest, asMember(fs.readFileSync(manifest, 'utf8')));
  fs.copyFileSync(path.join(fixture, 'Cargo.lock'), path.join(dir, 'Cargo.lock'));
  for (const [name, description, output] of TOOLS) {
    write(path.join(dir, name, 'Cargo.toml'), toolManifest(name, description));
    write(path.join(dir, name, 'src', 'main.rs'), toolMain(description, output));
    write(path.join(dir, name, 'tests', 'cli.rs'), toolTest(name));
  }
}
