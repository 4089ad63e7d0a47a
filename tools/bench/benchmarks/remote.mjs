// The tag release replaying the private dry run: the e2e suite's self-hosted cache server (Nx's published API) runs in
// a child process (the benchmark times with spawnSync, which would block a server in its own process); clone A, cold,
// fills it; clone B, another folder with the same files, an empty local cache and an empty target directory, runs the
// same release-dry-run. Goal: B at most 10% of A's time.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REPO } from '../lib/paths.mjs';
import { goal } from '../lib/report.mjs';
import { PROJECT, textlabWorkspace } from '../lib/textlab.mjs';
import { log, rm, secs, sleep, write } from '../lib/util.mjs';

function startCacheServer(ctx) {
  const ts = createRequire(import.meta.url)('typescript');
  const source = fs.readFileSync(path.join(REPO, 'e2e', 'nx-release-gates-e2e', 'support', 'remote-cache-server.ts'), 'utf8');
  const dir = path.join(ctx.work, 'cache-server');
  fs.mkdirSync(dir, { recursive: true });
  write(path.join(dir, 'server.cjs'), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText);
  const urlFile = path.join(dir, 'url');
  rm(urlFile);
  write(
    path.join(dir, 'run.cjs'),
    `const fs = require('node:fs');\nrequire('./server.cjs').RemoteCacheServer.start({ token: 'bench' }).then((s) => fs.writeFileSync(${JSON.stringify(urlFile)}, s.url));\n`,
  );
  const child = spawn(process.execPath, [path.join(dir, 'run.cjs')], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !fs.existsSync(urlFile); i++) sleep(100);
  if (!fs.existsSync(urlFile)) throw new Error('the cache server did not start');
  return { url: fs.readFileSync(urlFile, 'utf8'), stop: () => child.kill() };
}

/** A cold release-dry-run in one clone; returns its time and how many gates came from the remote cache. */
function coldClone(ws, url) {
  ws.clean(`${PROJECT}/target`, 'dist', '.nx', '.nx-local-cache');
  const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'bench', NX_CACHE_DIRECTORY: path.join(ws.root, '.nx-local-cache') };
  const r = ws.dryRun(PROJECT, { env, label: `cold release-dry-run ${path.basename(ws.root)}` });
  const report = ws.dryRunReport(PROJECT);
  if (!report) throw new Error(`${path.basename(ws.root)}: release-dry-run wrote no report; see ${ws.logTo}`);
  const rows = report.rows ?? [];
  const replayed = `${rows.filter((row) => row.source === 'remote cache').length} of ${rows.length}`;
  log(`  ${path.basename(ws.root)}: ${secs(r.ms)}, gates from the remote cache: ${replayed}`);
  return { ms: r.ms, replayed };
}

/** Clone A fills the cache cold, clone B (same commit, another folder) replays; `everyGate` runs all 14 gates. */
function pair(ctx, server, everyGate) {
  const suffix = everyGate ? '-all' : '';
  const [a, b] = [`remote-a${suffix}`, `remote-b${suffix}`].map((name) => textlabWorkspace(ctx, name, 'shared', { everyGate }));
  // The same commit, as a release job's checkout of the tag the dry run ran on (gate-version's key holds HEAD).
  b.git(['fetch', '-q', a.root, 'HEAD']);
  b.git(['reset', '-q', '--hard', 'FETCH_HEAD']);
  const clones = [a, b].map((ws) => coldClone(ws, server.url));
  return { times: clones.map((c) => c.ms), replayed: clones.map((c) => c.replayed) };
}

function run(ctx) {
  const server = startCacheServer(ctx);
  try {
    const rows = [];
    const goals = [];
    const data = {};
    for (const [label, everyGate] of [['the script\'s gates', false], ['every gate', true]]) {
      const { times, replayed } = pair(ctx, server, everyGate);
      const ratio = times[1] / times[0];
      rows.push(
        [`${label}: clone A, cold release-dry-run, fills the remote cache`, secs(times[0]), replayed[0]],
        [`${label}: clone B, same commit, other folder, empty local cache and target directory`, secs(times[1]), replayed[1]],
        [`${label}: clone B ÷ clone A`, `${ratio.toFixed(2)}×`, ''],
      );
      goals.push(goal(`remote: clone B at most 10% of clone A (cold, benchmark crate, ${label})`, `${(ratio * 100).toFixed(1)}%`, ratio <= 0.1));
      data[everyGate ? 'everyGate' : 'scriptGates'] = { times, replayed };
    }
    return { name: 'Tag release replaying the private dry run (remote cache, cold clones)', header: ['variant', 'time', 'gates replayed from the remote cache'], rows, goals, data };
  } finally {
    server.stop();
  }
}

export default {
  name: 'remote',
  description: 'a second cold clone replaying the first one\'s release-dry-run from a remote cache',
  run,
};
