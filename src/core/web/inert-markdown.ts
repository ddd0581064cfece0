/**
 * A web page's markdown made inert before it becomes a note of the vault. A clipped note is read
 * by Obsidian and its plugins like any other: a hostile page could otherwise run code there
 * (Dataview JS blocks and inline queries, Templater commands, which Templater runs in new files when
 * "Trigger on new file creation" is on), show the person's own notes inside the clipping (embeds
 * and links to vault files), or load frames, scripts and styles. The text stays readable: only the
 * marks that would make it active are changed.
 */

/** Code block languages kept: ordinary programming and markup languages, which only highlight. Any other becomes `text`. */
const PLAIN_LANGUAGES = new Set(
  (
    'text plain plaintext txt console shell sh bash zsh fish powershell ps1 bat cmd ' +
    'c h cpp c++ cc hpp cs csharp objc objectivec java kotlin kt scala groovy go golang rust rs swift dart zig nim ' +
    'js javascript jsx mjs cjs ts typescript tsx coffee elm clojure clj lisp scheme racket haskell hs ocaml ml fsharp fs erlang elixir ex exs ' +
    'python py python3 ipython ruby rb perl pl php lua r julia matlab octave fortran pascal ada cobol vb vbnet asm nasm wasm solidity sol ' +
    'html xml xhtml svg css scss sass less json json5 jsonc yaml yml toml ini cfg conf properties env dotenv csv tsv ' +
    'markdown md latex tex bibtex sql plsql graphql gql proto protobuf dockerfile docker makefile make cmake nginx apache ' +
    'diff patch git http regex log terraform hcl nix vim tcl awk sed gherkin prolog verilog vhdl glsl hlsl cuda'
  ).split(' '),
);

const ZWSP = '\u200b';

/** A Templater command opening (`<%`, `<%*`, `<%-`, `<%_`) broken with a zero-width space: Templater no longer sees it. */
function breakTemplater(text: string): string {
  return text.replace(/<%/g, `<${ZWSP}%`);
}

/** Text of a value the note shows in its frontmatter (a title, an author): no Templater command. */
export function inertLine(text: string): string {
  return breakTemplater(text);
}

/** Raw HTML elements that would load, run or restyle something; shown as text instead. */
const ACTIVE_TAGS = /<(\/?)(script|iframe|frame|frameset|object|embed|applet|style|link|meta|base|form|portal|a)(?=[\s/>]|$)/gi;

/** Link targets kept: web pages and mail. Others (`obsidian://` commands, `javascript:`, `file:`) act when clicked. */
function safeTarget(target: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto') return true;
  return /^data:image\/(png|jpe?g|gif|webp);/i.test(target);
}

export interface InertOptions {
  /** Keep `[[links]]` and `![[embeds]]` (a saved answer's citations of the vault); default false. */
  keepWikilinks?: boolean;
}

/** A line of prose (no fenced code), inline code spans handled apart. */
function inertProse(line: string, options: InertOptions): string {
  const out: string[] = [];
  let last = 0;
  // A span starts at a whole run of backticks and is looked for within 2 000 characters, so lines
  // of unmatched backticks stay linear.
  const spans = /(?<!`)(`+)([^`]|[^`][^\n]{0,2000}?[^`])\1(?!`)/g;
  let m: RegExpExecArray | null;
  while ((m = spans.exec(line)) !== null) {
    out.push(inertText(line.slice(last, m.index), options));
    // Dataview runs an inline code span that starts with "=" (a query) or "$=" (JavaScript).
    const inner = breakTemplater(m[2]).replace(/^(\s*)(\$?=)/, `$1${ZWSP}$2`);
    out.push(`${m[1]}${inner}${m[1]}`);
    last = m.index + m[0].length;
  }
  out.push(inertText(line.slice(last), options));
  return out.join('');
}

/** Prose outside code: wikilinks and embeds escaped, Templater and active HTML shown as text. */
function inertText(text: string, options: InertOptions = {}): string {
  const linked = options.keepWikilinks ? text : text.replace(/(^|[^\\])\[\[/g, '$1\\[\\[').replace(/(^|[^\\])\[\[/g, '$1\\[\\[');
  return linked
    // Anchored on "](" so a line full of "[" stays linear; the label keeps its brackets.
    .replace(/\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+"[^"\n]*")?\s*\)/g, (whole, target: string) => (safeTarget(target) ? whole : ']'))
    .replace(/<([a-z][a-z0-9+.-]*:[^\s<>]*)>/gi, (whole, target: string) => (safeTarget(target) ? whole : `&lt;${target}&gt;`))
    .replace(/<%/g, '&lt;%')
    // An address that acts when clicked, left as text, is not made a link again by the viewer.
    .replace(/\b(obsidian|file|app)(:\/\/)|\b(javascript|vbscript)(:)/gi, (_whole, a?: string, b?: string, c?: string, d?: string) => `${a ?? c ?? ''}${ZWSP}${b ?? d ?? ''}`)
    .replace(ACTIVE_TAGS, '&lt;$1$2');
}

/**
 * The markdown of a web page as a clipped note may hold it: code blocks of languages other than
 * ordinary programming languages (`dataviewjs`, `js-engine`, `button`, `query`…) become `text`
 * blocks; Templater commands, Dataview inline queries, `[[wikilinks]]`, `![[embeds]]` and raw
 * `<script>`, `<iframe>`, `<style>`, `<a>`… lose what makes them active; links that act when
 * clicked (`obsidian://`, `javascript:`, `file:`) keep only their text. Relative link targets are made
 * absolute by the page reader, so no markdown link or image points into the vault.
 */
export function inertMarkdown(markdown: string, options: InertOptions = {}): string {
  const lines = markdown.split('\n');
  let fence: { char: string; length: number } | null = null;
  return lines
    .map((line) => {
      if (fence) {
        const close = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(line);
        if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
        return breakTemplater(line);
      }
      const open = /^(\s{0,3})(`{3,}|~{3,})(.*)$/.exec(line);
      if (open && !(open[2][0] === '`' && open[3].includes('`'))) {
        fence = { char: open[2][0], length: open[2].length };
        const info = open[3].trim();
        const language = info.split(/\s+/)[0] ?? '';
        const kept = language === '' || PLAIN_LANGUAGES.has(language.toLowerCase()) ? info : 'text';
        return breakTemplater(`${open[1]}${open[2]}${kept}`);
      }
      // A reference definition to an address that acts when clicked is no definition any more.
      const definition = /^(\s{0,3})\[([^\]\n]{1,999})\]:\s*<?([^\s>]+)/.exec(line);
      if (definition && !safeTarget(definition[3])) return `${definition[1]}\\[${inertText(definition[2])}\\]`;
      return inertProse(line, options);
    })
    .join('\n');
}
