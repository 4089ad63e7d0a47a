// Warm: nothing changed since the last run; the script against release-dry-run with the Nx daemon off and on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goal } from '../lib/report.mjs';
import { originalScript, PROJECT } from '../lib/textlab.mjs';
import { log, median, ratioCell, secs, summary, timeCell } from '../lib/util.mjs';

const DAEMON_ON = { NX_DAEMON: 'true' };

function run(ctx) {
  const ws = ctx.single();
  // Fill the target directory and the Nx cache if the cold benchmark did not run.
  if (!fs.existsSync(path.join(ws.root, '.nx'))) ws.dryRun(PROJECT, { label: 'warm-up fill' });
  log('warm: one unmeasured run of each variant first');
  originalScript(ws, 'warm-up script');
  ws.dryRun(PROJECT, { label: 'warm-up nx' });
  ws.dryRun(PROJECT, { env: DAEMON_ON, label: 'warm-up nx daemon (starts it)' });
  const times = { script: [], off: [], on: [] };
  const ratios = { off: [], on: [] };
  const hits = [];
  for (let round = 1; round <= ctx.o.runs; round++) {
    const s = originalScript(ws, 'warm script');
    const since = Date.now();
    const off = ws.dryRun(PROJECT, { label: 'warm nx, daemon off' });
    hits.push(ws.gatesRunSince(since));
    const on = ws.dryRun(PROJECT, { env: DAEMON_ON, label: 'warm nx, daemon on' });
    times.script.push(s.ms);
    times.off.push(off.ms);
    times.on.push(on.ms);
    ratios.off.push(s.ms / off.ms);
    ratios.on.push(s.ms / on.ms);
    log(`warm round ${round}/${ctx.o.runs}: script ${secs(s.ms)}, nx daemon off ${secs(off.ms)}, on ${secs(on.ms)}`);
  }
  ws.stopDaemon();
  const best = Math.min(median(times.off), median(times.on));
  const last = hits.at(-1) ?? { ran: NaN, total: NaN };
  return {
    name: 'Warm, nothing changed',
    header: ['variant', 'time: median (min–max)', 'script ÷ variant (pairwise)'],
    rows: [
      ['original script (re-switches features, re-runs tests)', timeCell(summary(times.script)), '1×'],
      ['`nx run textlab:release-dry-run`, NX_DAEMON=false', timeCell(summary(times.off)), ratioCell(ratios.off)],
      ['`nx run textlab:release-dry-run`, daemon on', timeCell(summary(times.on)), ratioCell(ratios.on)],
    ],
    notes: [`gates that really ran in the last daemon-off run: ${last.ran} of ${last.total} (the rest replayed from the Nx cache; gates marked uncached in the plugin always run)`],
    goals: [
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon off)', ratioCell(ratios.off), median(ratios.off) >= 30),
      goal('warm: release-dry-run ≥ 30× faster than the script (daemon on)', ratioCell(ratios.on), median(ratios.on) >= 30),
      goal('warm: release-dry-run under 2 s', `daemon off ${secs(median(times.off))}, on ${secs(median(times.on))}`, best < 2000),
    ],
    data: { times, ratios, hits },
  };
}

export default {
  name: 'warm',
  description: 'nothing changed: the script against release-dry-run, Nx daemon off and on',
  run,
};
