// Warm: nothing changed since the last run; the script and the raw cargo commands release-dry-run ran (both re-run
// from a warm target directory) against release-dry-run with the Nx daemon off and on, in alternation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goal } from '../lib/report.mjs';
import { crateDir, originalScript, PROJECT, rawScript } from '../lib/textlab.mjs';
import { log, median, ratioCell, secs, summary, timeCell, write } from '../lib/util.mjs';

const DAEMON_ON = { NX_DAEMON: 'true' };

function run(ctx) {
  const ws = ctx.single();
  // Fill the target directory and the Nx cache if the cold benchmark did not run.
  if (!fs.existsSync(path.join(ws.root, '.nx'))) ws.dryRun(PROJECT, { label: 'warm-up fill' });
  log('warm: one unmeasured run of each variant first');
  originalScript(ws, 'warm-up script');
  ws.dryRun(PROJECT, { label: 'warm-up nx' });
  // The commands the dry run's gates ran (their results hold them, replayed ones too), re-run as they are.
  const rawFile = path.join(ctx.work, 'raw-cargo-warm.sh');
  const { text, count } = rawScript(ws, PROJECT, ctx.scriptGates);
  write(rawFile, text);
  const rawCargo = (label) => ws.sh(`bash ${JSON.stringify(rawFile)}`, { cwd: crateDir(ws), label });
  rawCargo('warm-up raw cargo');
  ws.dryRun(PROJECT, { env: DAEMON_ON, label: 'warm-up nx daemon (starts it)' });
  const times = { script: [], off: [], on: [], raw: [] };
  const ratios = { off: [], on: [], offVsRaw: [], onVsRaw: [] };
  const hits = [];
  for (let round = 1; round <= ctx.o.runs; round++) {
    const s = originalScript(ws, 'warm script');
    const since = Date.now();
    const off = ws.dryRun(PROJECT, { label: 'warm nx, daemon off' });
    hits.push(ws.gatesRunSince(since));
    const on = ws.dryRun(PROJECT, { env: DAEMON_ON, label: 'warm nx, daemon on' });
    const raw = rawCargo('warm raw cargo');
    times.script.push(s.ms);
    times.off.push(off.ms);
    times.on.push(on.ms);
    times.raw.push(raw.ms);
    ratios.off.push(s.ms / off.ms);
    ratios.on.push(s.ms / on.ms);
    ratios.offVsRaw.push(off.ms / raw.ms);
    ratios.onVsRaw.push(on.ms / raw.ms);
    log(`warm round ${round}/${ctx.o.runs}: script ${secs(s.ms)}, nx daemon off ${secs(off.ms)}, on ${secs(on.ms)}, raw cargo ${secs(raw.ms)}`);
  }
  ws.stopDaemon();
  const best = Math.min(median(times.off), median(times.on));
  const last = hits.at(-1) ?? { ran: NaN, total: NaN };
  return {
    name: 'Warm, nothing changed',
    header: ['variant', 'time: median (min–max)', 'script ÷ variant (pairwise)', 'variant ÷ raw cargo (pairwise)'],
    rows: [
      ['original script (re-switches features, re-runs tests)', timeCell(summary(times.script)), '1×', ''],
      [`raw cargo: the ${count} commands the plugin ran, back to back, warm`, timeCell(summary(times.raw)), '', '1×'],
      ['`nx run textlab:release-dry-run`, NX_DAEMON=false', timeCell(summary(times.off)), ratioCell(ratios.off), ratioCell(ratios.offVsRaw)],
      ['`nx run textlab:release-dry-run`, daemon on', timeCell(summary(times.on)), ratioCell(ratios.on), ratioCell(ratios.onVsRaw)],
    ],
    notes: [`gates that really ran in the last daemon-off run: ${last.ran} of ${last.total} (the rest replayed from the Nx cache; gates marked uncached in the plugin always run)`],
    goals: [
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon off)', ratioCell(ratios.off), median(ratios.off) >= 30),
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon on)', ratioCell(ratios.on), median(ratios.on) >= 30),
      goal('warm: release-dry-run no slower than the raw cargo commands re-run (daemon off, ratio ≤ 1.0)', ratioCell(ratios.offVsRaw), median(ratios.offVsRaw) <= 1.0),
      goal('warm: release-dry-run no slower than the raw cargo commands re-run (daemon on, ratio ≤ 1.0)', ratioCell(ratios.onVsRaw), median(ratios.onVsRaw) <= 1.0),
      goal('warm: release-dry-run under 2 s', `daemon off ${secs(median(times.off))}, on ${secs(median(times.on))}`, best < 2000),
    ],
    data: { times, ratios, hits },
  };
}

export default {
  name: 'warm',
  description: 'nothing changed: the script and the raw cargo commands against release-dry-run, Nx daemon off and on',
  run,
};
