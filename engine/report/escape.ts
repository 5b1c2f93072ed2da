// Escaping by context, for every page and Markdown file the harness writes. Text in them comes from
// run folders (file names, notes, topology names, parameters): none of it may become markup, a
// second attribute, a link of another scheme or Markdown syntax. One helper per context:
//   htmlText   between tags            <p>${htmlText(s)}</p>
//   htmlAttr   a quoted attribute      alt="${htmlAttr(s)}"
//   urlPath    a relative link         src="${htmlAttr(urlPath(segments))}", [x](${urlPath(segments)})
//   mdText     Markdown inline text    a table cell, a list item, a note, link text
//   mdCode     a Markdown code span    a run id, a file name
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text between tags: `& < >` and both quotes (so the same text is safe in an attribute too). */
export const htmlText = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);

/** A double- or single-quoted attribute value; line breaks kept as entities so the value is one line. */
export const htmlAttr = (s: string): string => htmlText(s).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');

/**
 * A relative URL from path segments: each segment percent-encoded, including what
 * encodeURIComponent leaves (`! ' ( ) *`, which end a Markdown link or a quoted attribute), so a
 * segment never becomes a scheme (`javascript:`), a query, a fragment or a parent step.
 */
export function urlPath(segments: string[]): string {
  return segments
    .map((s) => (s === '..' || s === '.' ? s : encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)))
    .join('/');
}

/**
 * Inline Markdown text: every character CommonMark gives meaning to is backslash-escaped (`<` and
 * `&` too, so no raw HTML or entity survives), and a line break becomes a space, so the text never
 * starts a block (a heading, a list, an HTML block) or ends the table row it sits in.
 */
export const mdText = (s: string): string => s.replace(/\r\n?|\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);

/**
 * A Markdown code span holding any text on one line: the fence is one backtick longer than the
 * longest run of backticks inside, padded with a space when the text starts or ends with one.
 */
export function mdCode(s: string): string {
  const line = s.replace(/\r\n?|\n/g, ' ');
  const fence = '`'.repeat(Math.max(0, ...(line.match(/`+/g) ?? []).map((m) => m.length)) + 1);
  const pad = /^[` ]|[` ]$/.test(line) ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}
