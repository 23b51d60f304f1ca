/**
 * Markdown for text a template user typed: it must read as text, never as
 * structure (a heading, a list, a link, HTML, a table cell or a new line
 * that ends the block it is in).
 */

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the
// ones that start inline structure (emphasis, code, links, HTML, tables, entities).
const INLINE_SPECIALS = /[\\`*_[\]{}()<>#|~!&^]/g;
// At the start of a line these start a block (list, quote, heading, rule, setext).
const BLOCK_START = /^(\s*)([-+=>]|\d+[.)])/gm;

/** Text for a paragraph: keeps line breaks, escapes what Markdown would read. */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INLINE_SPECIALS, '\\$&')
    .replace(BLOCK_START, (_m, space: string, mark: string) =>
      /^\d/.test(mark)
        ? `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`
        : `${space}\\${mark}`,
    );
}

/** Text for one line (a heading, a list item, a table cell): line breaks become spaces. */
export function markdownInline(text: string): string {
  return markdownText(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/**
 * A code span that holds any text: the fence is one backtick longer than
 * the longest run inside (backslash escapes do not work in code spans).
 */
export function markdownCode(text: string): string {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const longest = Math.max(
    0,
    ...(line.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}
