// The plugin under test, built from this checkout (or a committed revision) and installed with Nx once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NX_VERSION, REPO } from './paths.mjs';
import { log, readJson, rm, run, write } from './util.mjs';

/** Builds and packs the plugin, then installs it with nx once; workspaces link that install. */
export function installPlugin(work, env, rev) {
  const out = path.join(work, 'plugin');
  let source = REPO;
  if (rev) {
    // A committed revision instead of the working tree (which may hold someone's unfinished edit). Unpacked under
    // the repository so the build finds the repository's node_modules.
    source = path.join(REPO, 'tmp', `bench-source-${process.pid}`);
    rm(source);
    fs.mkdirSync(source, { recursive: true });
    run('bash', ['-c', `git archive ${JSON.stringify(rev)} | tar -x -C ${JSON.stringify(source)}`], { cwd: REPO, env });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  }
  log(`building the plugin (tools/build.mjs) from ${rev ? `revision ${rev}` : 'the working tree'}`);
  try {
    run(process.execPath, [path.join(source, 'tools', 'build.mjs')], { cwd: source, env: { ...env, NX_RELEASE_GATES_OUT: out } });
  } catch (error) {
    throw new Error(`the plugin did not build: ${String(error.stdout ?? '').trim() || error.message}`);
  } finally {
    if (rev) rm(source);
  }
  const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: out, env }).trim().split('\n').pop());
  const install = path.join(work, 'install');
  rm(install);
  write(path.join(install, 'package.json'), JSON.stringify({ name: 'bench-install', private: true, devDependencies: { nx: NX_VERSION, 'nx-release-gates': `file:${tarball}` } }, null, 2));
  log('installing nx and the packed plugin (npm install)');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: install, env });
  const executors = readJson(path.join(out, 'executors.json')).executors;
  return { install, gates: Object.keys(executors).filter((e) => e.startsWith('gate-')) };
}
