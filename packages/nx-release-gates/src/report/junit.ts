/** JUnit XML, the format CI dashboards read: per crate the Rust tests (gate-test), per workspace the gates. */
import type { TestCase } from '../parsers/test-output';
import type { TableRow } from './table';
import { isFailure } from './result';
import { escapeXml } from '../util/xml-text';


interface JunitCase {
  classname: string;
  name: string;
  timeSeconds?: number;
  failure?: string;
  skipped?: string;
}

function suiteXml(name: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((sum, c) => sum + (c.timeSeconds ?? 0), 0);
  const body = cases.map((c) => {
    const attrs = `classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${(c.timeSeconds ?? 0).toFixed(3)}"`;
    if (c.failure !== undefined) {
      const first = c.failure.split('\n')[0] ?? '';
      return `    <testcase ${attrs}>\n      <failure message="${escapeXml(first)}">${escapeXml(c.failure)}</failure>\n    </testcase>`;
    }
    if (c.skipped !== undefined) return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(c.skipped)}"/>\n    </testcase>`;
    return `    <testcase ${attrs}/>`;
  });
  return [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

function document(suites: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

/** One testsuite per test binary of the crate, one testcase per Rust test. */
export function testsJunit(crate: string, cases: TestCase[]): string {
  const bySuite = new Map<string, JunitCase[]>();
  for (const c of cases) {
    const list = bySuite.get(c.suite) ?? [];
    list.push({
      classname: `${crate}.${c.suite}`,
      name: c.name,
      failure: c.outcome === 'failed' ? c.message || 'test failed' : undefined,
      skipped: c.outcome === 'ignored' ? 'ignored' : undefined,
    });
    bySuite.set(c.suite, list);
  }
  return document([...bySuite.entries()].map(([suite, list]) => suiteXml(`${crate} ${suite}`, list)));
}

/** One testsuite per crate, one testcase per gate: CI dashboards list the gates. */
export function gatesJunit(rows: TableRow[]): string {
  const byProject = new Map<string, JunitCase[]>();
  for (const row of rows) {
    const list = byProject.get(row.project) ?? [];
    list.push({
      classname: `release-gates.${row.project}`,
      name: row.gate,
      timeSeconds: (row.durationMs ?? 0) / 1000,
      failure: isFailure(row.status) ? row.reason : undefined,
      skipped: row.status === 'skipped' ? row.reason : undefined,
    });
    byProject.set(row.project, list);
  }
  return document([...byProject.entries()].map(([project, list]) => suiteXml(project, list)));
}
