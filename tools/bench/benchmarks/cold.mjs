// Cold: the original script, release-dry-run and the raw cargo commands the plugin ran, each from an empty target
// directory (and an empty Nx cache), in alternation. Beside each wall time, the CPU time its processes used: where the
// dry run's wall time differs from the raw commands' more than its CPU time does, the difference is in how the work
// was laid out on the cores (gates side by side, waits), not in work added. A fourth variant, release-dry-run with
// tracing off (NX_RELEASE_GATES_TRACE=0), shows how much of the difference is what tracing costs (figures only: the
// goals are the plugin's defaults).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goal } from '../lib/report.mjs';
import { coldDryRun, crateDir, originalScript, PROJECT, rawScript } from '../lib/textlab.mjs';
import { log, median, ratioCell, rm, secs, summary, timeCell, write } from '../lib/util.mjs';

function run(ctx) {
  const ws = ctx.single();
  const wsPg = ctx.singlePerGate();
  const crate = crateDir(ws);
  const raw = path.join(ctx.work, 'raw-cargo.sh');
  const times = { script: [], nx: [], raw: [], nxPerGate: [], untraced: [] };
  const status = { script: [], nx: [], raw: [], nxPerGate: [], untraced: [] };
  const ratios = { nxVsScript: [], nxVsRaw: [], cpuNxVsScript: [], cpuNxVsRaw: [], untracedVsScript: [], untracedVsRaw: [], cpuUntracedVsRaw: [] };
  const cpu = { script: [], nx: [], raw: [], untraced: [] };
  let rawCount = 0;
  for (let round = 1; round <= ctx.o.coldRuns; round++) {
    log(`cold round ${round}/${ctx.o.coldRuns}: release-dry-run (empty target, empty Nx cache)`);
    const n = coldDryRun(ws);
    times.nx.push(n.ms);
    status.nx.push(`${n.status}/${ws.dryRunStatus(PROJECT)}`);
    if (round === 1) {
      const s = rawScript(ws, PROJECT, ctx.scriptGates);
      write(raw, s.text);
      rawCount = s.count;
    }
    log(`  ${secs(n.ms)}; now the original script`);
    rm(path.join(crate, 'target'));
    const s = originalScript(ws, 'cold original script');
    times.script.push(s.ms);
    status.script.push(s.status);
    log(`  ${secs(s.ms)}; now the raw cargo commands (${rawCount})`);
    rm(path.join(crate, 'target'));
    const r = ws.sh(`bash ${JSON.stringify(raw)}`, { cwd: crate, label: 'cold raw cargo' });
    times.raw.push(r.ms);
    status.raw.push(r.status);
    ratios.nxVsScript.push(n.ms / s.ms);
    ratios.nxVsRaw.push(n.ms / r.ms);
    cpu.script.push(s.cpuMs);
    cpu.nx.push(n.cpuMs);
    cpu.raw.push(r.cpuMs);
    ratios.cpuNxVsScript.push(n.cpuMs / s.cpuMs);
    ratios.cpuNxVsRaw.push(n.cpuMs / r.cpuMs);
    log(`  ${secs(r.ms)}; now release-dry-run with tracing off`);
    const u = coldDryRun(ws, { env: { NX_RELEASE_GATES_TRACE: '0' }, label: 'cold release-dry-run, tracing off' });
    times.untraced.push(u.ms);
    status.untraced.push(`${u.status}/${ws.dryRunStatus(PROJECT)}`);
    cpu.untraced.push(u.cpuMs);
    ratios.untracedVsScript.push(u.ms / s.ms);
    ratios.untracedVsRaw.push(u.ms / r.ms);
    ratios.cpuUntracedVsRaw.push(u.cpuMs / r.cpuMs);
    log(`  ${secs(u.ms)}`);
    if (ctx.o.only.includes('parallel') && round === 1) {
      log('  release-dry-run with per-gate target directories (for the parallel benchmark)');
      const p = coldDryRun(wsPg);
      times.nxPerGate.push(p.ms);
      status.nxPerGate.push(`${p.status}/${wsPg.dryRunStatus(PROJECT)}`);
      log(`  ${secs(p.ms)}`);
    }
  }
  // The parallel benchmark's 1-crate cold case, so that it need not build cold again.
  ctx.coldSingle = { shared: times.nx, perGate: times.nxPerGate, sharedDisk: ws.targetBytes(PROJECT), perGateDisk: wsPg.targetBytes(PROJECT) };
  return {
    name: 'Cold (empty target directory and Nx cache)',
    rows: [
      ['original script (6 gates + pre-flight, bash)', timeCell(summary(times.script)), timeCell(summary(cpu.script)), `exit ${status.script.join(', ')}`],
      ['`nx run textlab:release-dry-run`', timeCell(summary(times.nx)), timeCell(summary(cpu.nx)), `exit/report ${status.nx.join(', ')}`],
      [`raw cargo: the ${rawCount} commands the plugin ran, back to back`, timeCell(summary(times.raw)), timeCell(summary(cpu.raw)), `exit ${status.raw.join(', ')}`],
      ['release-dry-run ÷ the script (pairwise)', ratioCell(ratios.nxVsScript), ratioCell(ratios.cpuNxVsScript), ''],
      ['release-dry-run ÷ the raw cargo commands (pairwise)', ratioCell(ratios.nxVsRaw), ratioCell(ratios.cpuNxVsRaw), ''],
      ['`nx run textlab:release-dry-run` with tracing off (`NX_RELEASE_GATES_TRACE=0`)', timeCell(summary(times.untraced)), timeCell(summary(cpu.untraced)), `exit/report ${status.untraced.join(', ')}`],
      ['release-dry-run with tracing off ÷ the script (pairwise)', ratioCell(ratios.untracedVsScript), '', ''],
      ['release-dry-run with tracing off ÷ the raw cargo commands (pairwise)', ratioCell(ratios.untracedVsRaw), ratioCell(ratios.cpuUntracedVsRaw), ''],
    ],
    header: ['variant', 'time: median (min–max)', 'CPU time, user + system: median (min–max)', 'status'],
    goals: [
      goal('cold: release-dry-run no slower than the script (ratio ≤ 1.0)', ratioCell(ratios.nxVsScript), median(ratios.nxVsScript) <= 1.0),
      goal('cold: release-dry-run within 5% of the raw cargo commands (ratio ≤ 1.05)', ratioCell(ratios.nxVsRaw), median(ratios.nxVsRaw) <= 1.05),
    ],
    data: { times, cpu, status, ratios, rawCount, rawScript: fs.readFileSync(raw, 'utf8') },
  };
}

export default {
  name: 'cold',
  description: 'the script, release-dry-run and raw cargo from an empty target directory and Nx cache',
  run,
};
