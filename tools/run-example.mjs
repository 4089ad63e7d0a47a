// `npm run example`: builds and packs the plugin, installs the tarball into a fresh Nx workspace at tmp/example
// with the example crate from examples/release-gates-demo, and runs its release dry run (the gate table prints at
// the end). Exits with the dry run's status. Extra arguments go to nx, e.g. `npm run example -- --skip-nx-cache`.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.join(repo, 'tmp', 'example');
const packageDir = path.join(repo, 'dist', 'packages', 'nx-release-gates');
const step = (text) => console.log(`\n== ${text}`);

step('build the plugin');
execFileSync(process.execPath, [path.join(repo, 'tools', 'build.mjs')], { stdio: 'inherit' });

step(`fresh workspace in ${path.relative(repo, workspace)}`);
fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(workspace, { recursive: true });
const tarball = execFileSync('npm', ['pack', '--pack-destination', workspace], { cwd: packageDir, encoding: 'utf8' }).trim().split('\n').pop();
const writeJson = (file, value) => fs.writeFileSync(path.join(workspace, file), `${JSON.stringify(value, null, 2)}\n`);
writeJson('package.json', { name: 'release-gates-example', private: true, devDependencies: { nx: '23.2.1', 'nx-release-gates': `file:./${tarball}` } });
// analytics: false answers Nx's usage-data question up front, so the example never stops at a prompt.
writeJson('nx.json', { analytics: false, plugins: [{ plugin: 'nx-release-gates', options: {} }] });
fs.writeFileSync(path.join(workspace, '.gitignore'), 'node_modules\ndist\ntarget\n.nx\n');
fs.cpSync(path.join(repo, 'examples', 'release-gates-demo'), path.join(workspace, 'release-gates-demo'), {
  recursive: true,
  filter: (source) => !source.includes(`${path.sep}target`),
});
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: workspace, stdio: 'inherit' });
for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['-c', 'user.name=example', '-c', 'user.email=example@example.com', 'commit', '-q', '-m', 'example']]) {
  execFileSync('git', args, { cwd: workspace, stdio: 'inherit' });
}

step('nx run release-gates-demo:release-dry-run');
const nxPackage = path.join(workspace, 'node_modules', 'nx');
const nxBin = path.join(nxPackage, JSON.parse(fs.readFileSync(path.join(nxPackage, 'package.json'), 'utf8')).bin.nx);
const run = spawnSync(process.execPath, [nxBin, 'run', 'release-gates-demo:release-dry-run', ...process.argv.slice(2)], {
  cwd: workspace,
  stdio: 'inherit',
  env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
});
console.log(`\nResults: ${path.relative(repo, path.join(workspace, 'dist', 'release-gates', 'release-gates-demo'))}/`);
process.exit(run.status ?? 1);
