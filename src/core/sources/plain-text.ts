/**
 * Metadata a source gives about itself (a PDF's Title and Author entries, a page's <title> and
 * meta tags) is plain text written by whoever made the file. Compile writes it into markdown: the
 * summary's `# Title` heading and its "by …" line. There, `[[../.obsidian/app]]` would be a link
 * out of the wiki, `![x](https://tracker.example/p.png)` or `<img src=…>` a remote image loaded
 * whenever the summary is shown, and a line break a new block. {@link plainLine} keeps the words
 * and drops that syntax.
 */

/** Tags that load, link or run something when markdown is rendered. */
const ACTIVE_TAG = /<\/?(?:a|img|image|iframe|frame|embed|object|video|audio|source|track|picture|svg|math|script|style|link|meta|base|form|input|button|textarea|select|details|dialog|portal|applet)\b[^>]*>?/gi;

/**
 * `value` as one line of plain text for markdown: control characters and line breaks become
 * spaces, wikilinks and embeds become their words (`[[a|b]]` → "b"), markdown links and images
 * their text, active HTML tags go, and it is cut at `max` characters.
 */
export function plainLine(value: string, max = 300): string {
  let text = value.replace(/[\p{Cc}\p{Zl}\p{Zp}\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu, ' ');
  text = text.replace(/!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]/g, (_, target: string, alias?: string) => ` ${(alias ?? target).trim()} `);
  text = text.replace(/!?\[([^\]]*)\]\([^)]*\)?/g, (_, words: string) => ` ${words.trim()} `);
  text = text.replace(ACTIVE_TAG, ' ');
  // What is left of link syntax (an unpaired "[[" or "](" ) cannot start a link any more.
  text = text.replace(/\[\[|\]\]/g, ' ').replace(/!\[/g, '[');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** {@link plainLine} for an optional value: undefined when nothing is left. */
export function plainOrUndefined(value: string | undefined, max = 300): string | undefined {
  if (value === undefined) return undefined;
  const text = plainLine(value, max);
  return text === '' ? undefined : text;
}
