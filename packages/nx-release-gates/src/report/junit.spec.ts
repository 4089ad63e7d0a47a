import { parseLibtest, parseNextestJunit, TestCase } from '../parsers/test-output';
import { noisyLibtestOutput } from '../testing/noisy-libtest';
import { boundedJunit, gatesJunit, testsJunit } from './junit';
import type { TableRow } from './table';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** A small, strict XML reader: throws on mismatched tags, bare `<` or `&` in text and invalid characters. */
function parseXml(xml: string): XmlElement {
  // XML 1.0 forbids these characters anywhere in the document.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) throw new Error('invalid control character');
  let rest = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /^(?:<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+))/;
  while (rest.length) {
    const m = token.exec(rest);
    if (!m) throw new Error(`not well-formed near: ${rest.slice(0, 40)}`);
    rest = rest.slice(m[0].length);
    const top = stack[stack.length - 1];
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const attributes: Record<string, string> = {};
      for (const a of m[3].matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1] in attributes) throw new Error(`duplicate attribute ${a[1]}`);
        if (/&(?!(amp|lt|gt|quot|apos);)/.test(a[2])) throw new Error(`bare & in attribute ${a[1]}`);
        attributes[a[1]] = decode(a[2]);
      }
      const element: XmlElement = { name: m[2], attributes, children: [], text: '' };
      top.children.push(element);
      if (!m[4]) stack.push(element);
    } else {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) throw new Error('bare & in text');
      top.text += decode(m[5]);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  const elements = root.children;
  if (elements.length !== 1) throw new Error('a document has exactly one root element');
  return elements[0];
}

const all = (e: XmlElement, name: string): XmlElement[] => [...e.children.filter((c) => c.name === name), ...e.children.flatMap((c) => all(c, name))];

describe('the test parser itself', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a>x & y</a>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow();
    expect(() => parseXml('<a>')).toThrow();
    expect(parseXml('<a x="&lt;&amp;"><b/>t</a>')).toMatchObject({ name: 'a', attributes: { x: '<&' }, text: 't' });
  });
});

describe('testsJunit', () => {
  const cases: TestCase[] = [
    { suite: 'unittests src/lib.rs', name: 'config::tests::parses_defaults', outcome: 'passed' },
    { suite: 'unittests src/lib.rs', name: 'gpu::tests::needs_device', outcome: 'ignored' },
    {
      suite: 'tests/cli.rs',
      name: 'rejects_unknown_flag',
      outcome: 'failed',
      message: "thread 'rejects_unknown_flag' panicked at tests/cli.rs:21:5:\nassertion `left == right` failed: <stdout> & \"stderr\"\u001b[31m\n  left: 1",
    },
    { suite: 'tests/cli.rs', name: 'no_message', outcome: 'failed' },
    { suite: 'tests/cli.rs', name: 'prints_version', outcome: 'passed' },
    { suite: 'doc-tests llm_cli', name: 'src/lib.rs - Config<T>::load (line 12)', outcome: 'passed' },
  ];
  const xml = testsJunit('llm-cli', cases);
  const doc = parseXml(xml);

  it('is a well-formed document with an XML declaration', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>')).toBe(true);
    expect(doc.name).toBe('testsuites');
  });

  it('has one suite per test binary with correct counts', () => {
    const suites = all(doc, 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.skipped, s.attributes.errors])).toEqual([
      ['llm-cli unittests src/lib.rs', '2', '0', '1', '0'],
      ['llm-cli tests/cli.rs', '3', '2', '0', '0'],
      ['llm-cli doc-tests llm_cli', '1', '0', '0', '0'],
    ]);
    expect(all(doc, 'testcase')).toHaveLength(cases.length);
  });

  it('escapes names, classnames and failure text so they read back unchanged', () => {
    const testcases = all(doc, 'testcase');
    expect(testcases.map((t) => t.attributes.name)).toEqual(cases.map((c) => c.name));
    expect(testcases[0].attributes.classname).toBe('llm-cli.unittests src/lib.rs');
    const failure = all(testcases[2], 'failure')[0];
    expect(failure.attributes.message).toBe("thread 'rejects_unknown_flag' panicked at tests/cli.rs:21:5:");
    // The terminal colour code (a control character XML forbids) is dropped, the rest is kept.
    expect(failure.text).toBe("thread 'rejects_unknown_flag' panicked at tests/cli.rs:21:5:\nassertion `left == right` failed: <stdout> & \"stderr\"[31m\n  left: 1");
  });

  it('gives a failed test without captured output a generic failure, and marks ignored tests skipped', () => {
    const testcases = all(doc, 'testcase');
    expect(all(testcases[3], 'failure')[0].attributes.message).toBe('test failed');
    expect(all(testcases[1], 'skipped')[0].attributes.message).toBe('ignored');
    expect(testcases[0].children).toEqual([]);
  });

  it('stays well-formed whatever a test prints: characters XML 1.0 forbids are dropped', () => {
    const xml = testsJunit('odd', [{ suite: 'odd', name: 'prints \uFFFE\uFFFF\u0007 and \uD800 alone', outcome: 'failed', message: 'bad \uFFFF output \u001b[31m' } as any]);
    const doc = parseXml(xml);
    expect(xml).not.toMatch(/[\uFFFE\uFFFF\u0007\uD800]/);
    expect(JSON.stringify(doc)).toContain('prints ');
  });

  it('writes an empty testsuites element when there are no tests', () => {
    expect(parseXml(testsJunit('empty', []))).toEqual({ name: 'testsuites', attributes: {}, children: [], text: '\n\n' });
  });
});

describe('gatesJunit', () => {
  const row = (project: string, gate: string, status: TableRow['status'], reason: string, durationMs: number | null): TableRow => ({
    project,
    gate,
    status,
    source: 'ran',
    durationMs,
    figure: '',
    reason,
  });
  const rows: TableRow[] = [
    row('llm-cli', 'gate-build', 'passed', 'built 2 binaries', 12_345),
    row('llm-cli', 'gate-size', 'failed', 'llm is 21.0 MiB > 20.0 MiB limit & "strip" is off <check>', 250),
    row('llm-cli', 'gate-cuda', 'fallback', 'nvcc absent: built llama', 1000),
    row('llm-cli', 'gate-doc', 'skipped', 'emergency skip: CVE-2026-1234 hotfix', null),
    row('llm-core', 'gate-build', 'passed', 'ok', 500),
  ];
  const doc = parseXml(gatesJunit(rows));

  it('has one suite per crate and one testcase per gate, with correct counts and times', () => {
    const suites = all(doc, 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.skipped, s.attributes.time])).toEqual([
      ['llm-cli', '4', '1', '1', '13.595'],
      ['llm-core', '1', '0', '0', '0.500'],
    ]);
    expect(all(suites[0], 'testcase').map((t) => [t.attributes.classname, t.attributes.name, t.attributes.time])).toEqual([
      ['release-gates.llm-cli', 'gate-build', '12.345'],
      ['release-gates.llm-cli', 'gate-size', '0.250'],
      ['release-gates.llm-cli', 'gate-cuda', '1.000'],
      ['release-gates.llm-cli', 'gate-doc', '0.000'],
    ]);
  });

  it('reports failed gates as failures with the escaped reason and skipped gates as skipped', () => {
    const [build, size, cuda, doc2] = all(all(doc, 'testsuite')[0], 'testcase');
    expect(build.children).toEqual([]);
    expect(cuda.children).toEqual([]);
    const failure = all(size, 'failure')[0];
    expect(failure.attributes.message).toBe('llm is 21.0 MiB > 20.0 MiB limit & "strip" is off <check>');
    expect(failure.text).toBe('llm is 21.0 MiB > 20.0 MiB limit & "strip" is off <check>');
    expect(all(doc2, 'skipped')[0].attributes.message).toBe('emergency skip: CVE-2026-1234 hotfix');
  });
});

describe('JUnit of a failing test that printed a million lines', () => {
  const log = 'dist/release-gates/noisy/gate-test.log';

  it('testsJunit stays small and keeps the failed test with its first lines and its panic', () => {
    const { stdout, stderr } = noisyLibtestOutput(1_000_000);
    const xml = testsJunit('noisy', parseLibtest(stdout, stderr, log).cases);
    expect(xml.length).toBeLessThan(64 * 1024);
    expect(xml).toContain('name="tests::noisy"');
    expect(xml).toContain('<failure message="noise line 0">noise line 0\nnoise line 1\n');
    expect(xml).toContain(`lines cut, full output in ${log}`);
    expect(xml).toContain('the noisy test gave up');
    expect(xml).toContain('name="tests::quiet"');
  });

  it('testsJunit bounds a message that reached it whole', () => {
    const message = Array.from({ length: 1_000_000 }, (_, i) => `line ${i}`).join('\n');
    const xml = testsJunit('noisy', [{ suite: 's', name: 'big', outcome: 'failed', message }]);
    expect(xml.length).toBeLessThan(64 * 1024);
    expect(xml).toContain('line 999999</failure>');
  });

  it("boundedJunit cuts nextest's failure text and captured output, and leaves small reports as they are", () => {
    const noise = Array.from({ length: 1_000_000 }, (_, i) => `noise &lt;${i}&gt;`).join('\n');
    const report = [
      '<testsuites><testsuite name="noisy::bin/noisy" tests="2">',
      `<testcase name="tests::noisy"><failure message="boom" type="test failure">${noise}\nthe noisy test gave up</failure><system-out>${noise}</system-out></testcase>`,
      '<testcase name="tests::fine"/>',
      '</testsuite></testsuites>',
    ].join('\n');
    const bounded = boundedJunit(report, log);
    expect(bounded.length).toBeLessThan(128 * 1024);
    expect(bounded).toContain('<failure message="boom" type="test failure">noise &lt;0&gt;\n');
    expect(bounded).toContain(`lines cut, full output in ${log}`);
    expect(bounded).toContain('the noisy test gave up</failure>');
    expect(parseNextestJunit(bounded).map((c) => [c.name, c.outcome])).toEqual([
      ['tests::noisy', 'failed'],
      ['tests::fine', 'passed'],
    ]);
    const small = '<testsuites><testsuite name="s"><testcase name="t"><failure>short &amp; sweet</failure></testcase></testsuite></testsuites>';
    expect(boundedJunit(small, log)).toBe(small);
  });
});
