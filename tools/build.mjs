// Builds the publishable package into dist/packages/nx-release-gates: compiles TypeScript, then writes
// executors.json and every executor's schema.json from the gate registry and option definitions (one source of
// truth), and copies package.json, README and the generators' templates and partials.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'packages', 'nx-release-gates');
// NX_RELEASE_GATES_OUT lets several builds (e.g. parallel test runs) write to their own folders.
const out = process.env.NX_RELEASE_GATES_OUT
  ? path.resolve(process.env.NX_RELEASE_GATES_OUT)
  : path.join(root, 'dist', 'packages', 'nx-release-gates');

fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(source, 'tsconfig.lib.json'), '--outDir', out], {
  stdio: 'inherit',
});

const require = createRequire(import.meta.url);
const { executorManifest, generatorManifest } = require(path.join(out, 'src', 'plugin', 'manifest.js'));

const writeJson = (file, value) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

const executors = {};
for (const [name, entry] of Object.entries(executorManifest())) {
  // Every executor keeps its own schema file; the gates share one implementation module (a named export each).
  const schema = `./src/executors/${name}/schema.json`;
  writeJson(path.join(out, schema), entry.schema);
  executors[name] = { implementation: entry.implementation, schema, description: entry.description, ...(entry.hasher ? { hasher: entry.hasher } : {}) };
}
writeJson(path.join(out, 'executors.json'), { executors });

const generators = {};
for (const [name, entry] of Object.entries(generatorManifest())) {
  const dir = `./src/generators/${name}`;
  generators[name] = { factory: `${dir}/generator`, schema: `${dir}/schema.json`, description: entry.description, ...(entry.aliases ? { aliases: entry.aliases } : {}) };
  fs.copyFileSync(path.join(source, dir, 'schema.json'), path.join(out, dir, 'schema.json'));
  // files/ holds the templates generateFiles writes out; partials/ the EJS parts those templates include (outside
  // files/, so that generateFiles does not write them as files of their own).
  for (const folder of ['files', 'partials']) {
    const from = path.join(source, dir, folder);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(out, dir, folder), { recursive: true });
  }
}
writeJson(path.join(out, 'generators.json'), { generators });

for (const extra of ['schemas']) {
  const from = path.join(source, extra);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(out, extra), { recursive: true });
}
fs.copyFileSync(path.join(source, 'package.json'), path.join(out, 'package.json'));
fs.copyFileSync(path.join(root, 'README.md'), path.join(out, 'README.md'));
// README is a front page that links into docs/: the reference ships with it.
fs.cpSync(path.join(root, 'docs'), path.join(out, 'docs'), { recursive: true });
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
console.log(`built ${path.relative(root, out)}: ${Object.keys(executors).length} executors, ${Object.keys(generators).length} generators`);
