/** JUnit XML, the format CI dashboards read: per crate the Rust tests (gate-test), per workspace the gates. */
import type { TestCase } from '../parsers/test-output';
import type { TableRow } from './table';
import { isFailure } from './result';
import { escapeXml, unescapeXml } from '../util/xml-text';
import { BoundedLines } from '../util/bounded-lines';
import { FAILURE_MESSAGE_BOUND } from '../parsers/test-output';

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
      failure: c.outcome === 'failed' ? boundedText(c.message || 'test failed') : undefined,
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

/** A failure text or captured output longer than this is cut to its first and last lines (FAILURE_MESSAGE_BOUND). */
const MAX_ELEMENT_CHARS = 32 * 1024;

/**
 * Another tool's JUnit report (nextest's) with every failure text and captured output bounded as the parser bounds a
 * libtest failure's message: a test that prints a million lines leaves a report CI can still load. `log` names the
 * file holding the whole output, for the marker of what was cut.
 */
export function boundedJunit(xml: string, log?: string): string {
  return xml.replace(/(<(failure|error|system-out|system-err)\b[^>]*>)([\s\S]*?)(<\/\2>)/g, (whole, open: string, _tag, body: string, close: string) => {
    return body.length <= MAX_ELEMENT_CHARS ? whole : `${open}${escapeXml(boundedText(unescapeXml(body), log))}${close}`;
  });
}

/** A text cut to its first and last lines when it is longer than MAX_ELEMENT_CHARS. */
function boundedText(text: string, log?: string): string {
  if (text.length <= MAX_ELEMENT_CHARS) return text;
  const lines = new BoundedLines(FAILURE_MESSAGE_BOUND, log);
  for (const line of text.split('\n')) lines.push(line);
  return lines.lines().join('\n');
}
