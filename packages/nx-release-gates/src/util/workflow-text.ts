/**
 * Text from a user or a tool (an emergency reason, a test name, a cargo message) printed where GitHub Actions reads
 * the log. The runner treats a line whose trimmed start is `::` as a workflow command (`::error::`, `::add-mask::`,
 * `::stop-commands::` ...), and `##[` anywhere in a line as the older command form, so such text could forge
 * annotations, mask secrets' neighbours or switch command processing off. Everything the plugin prints that did not
 * come from the plugin itself goes through one of these functions first; the plugin's own annotations escape their
 * message with `annotationMessage`, so nothing in it can end the command's line.
 */

/** Every line break the runner splits a log on (.NET ReadLine: \r\n, \r, \n). */
const LINE_BREAK = /\r\n|\r|\n/;

/** C0 controls, DEL, C1 controls and the Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Shown in front of a line that would otherwise start a workflow command, so it reads as text. */
export const NEUTRAL_PREFIX = '> ';

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * Multi-line text for the log: line breaks are kept, but no line can start a workflow command (such a line gets
 * NEUTRAL_PREFIX in front), `##[` is broken up, and other control characters (escape sequences, NUL) become spaces.
 */
export function forWorkflowLog(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => {
      const visible = line.replace(CONTROLS, ' ').replace(/##\[/g, '# #[');
      return visible.trimStart().startsWith('::') ? `${NEUTRAL_PREFIX}${visible}` : visible;
    })
    .join('\n');
}

/**
 * Text that must stay on one line (a table cell, a Markdown list item, a line inside a `> [!CAUTION]` block): every
 * run of control characters, line breaks included, becomes one space, then forWorkflowLog's rules apply.
 */
export function oneLine(text: string): string {
  return forWorkflowLog(text.replace(CONTROLS, ' '));
}

/**
 * The message part of `::error ...::<message>`: the runner decodes %25, %0D and %0A, so nothing can end the line;
 * `##[` is broken up as in forWorkflowLog, so the older command form cannot hide in the message either.
 */
export function annotationMessage(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/##\[/g, '# #[');
}
