import { plainOrUndefined } from './plain-text';

/*
 * Saved web pages without a DOM: a tolerant HTML tokenizer and tree builder, the page's metadata,
 * and the article cut out of its chrome (navigation, banners, share bars, scripts) as clean HTML for
 * an HTML-to-markdown converter. Nothing here runs or loads anything: it is string work, and the
 * HTML it returns has no scripts, no event handlers and no links other than http(s), mail and
 * relative ones.
 */

interface TextNode {
  type: 'text';
  /** The source text, entities still encoded. */
  raw: string;
}

export interface ElementNode {
  type: 'element';
  name: string;
  attrs: Map<string, string>;
  children: HtmlNode[];
  parent?: ElementNode;
  /** The text of a raw-text element (script, style, title…), entities not decoded. */
  rawText?: string;
}

type HtmlNode = TextNode | ElementNode;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'template']);
/** Elements a new sibling of these names closes (their end tag is optional in HTML). */
const AUTO_CLOSE: Record<string, string[]> = {
  p: ['p'],
  li: ['li'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
  tr: ['tr', 'td', 'th'],
  td: ['td', 'th'],
  th: ['td', 'th'],
  option: ['option'],
  thead: ['tbody', 'tfoot'],
  tbody: ['thead', 'tbody', 'tfoot'],
};
const BLOCKS_CLOSING_P = new Set(['address', 'article', 'aside', 'blockquote', 'div', 'dl', 'fieldset', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul', 'details', 'figcaption', 'menu']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™', middot: '·', bull: '•', deg: '°', times: '×',
  eacute: 'é', egrave: 'è', ecirc: 'ê', aacute: 'á', agrave: 'à', acirc: 'â', iacute: 'í', oacute: 'ó', uacute: 'ú', ccedil: 'ç',
  ntilde: 'ñ', ouml: 'ö', uuml: 'ü', auml: 'ä', szlig: 'ß', euro: '€', pound: '£', shy: '\u00ad', thinsp: '\u2009', zwj: '\u200d', zwnj: '\u200c',
};

/** Decodes character references (`&amp;`, `&#233;`, `&#x1F600;`); unknown names are kept as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED_ENTITIES[ref] ?? NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Elements open at once in a parsed page; real pages nest a few dozen deep. */
const MAX_DEPTH = 256;

/** Parses HTML as a browser roughly would, never failing: a tree rooted at a synthetic "#document". */
export function parseHtml(html: string): ElementNode {
  const root: ElementNode = { type: 'element', name: '#document', attrs: new Map(), children: [] };
  const stack: ElementNode[] = [root];
  const top = () => stack[stack.length - 1];
  const append = (node: HtmlNode) => {
    const parent = top();
    if (node.type === 'element') node.parent = parent;
    parent.children.push(node);
  };
  const closeTo = (name: string): boolean => {
    for (let i = stack.length - 1; i > 0; i--) {
      if (stack[i].name === name) {
        stack.length = i;
        return true;
      }
    }
    return false;
  };
  const n = html.length;
  let i = 0;
  let textStart = 0;
  const flushText = (end: number) => {
    if (end > textStart) append({ type: 'text', raw: html.slice(textStart, end) });
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    const next = html[lt + 1];
    if (next === '!' || next === '?') {
      flushText(lt);
      let end: number;
      if (html.startsWith('<!--', lt)) {
        const close = html.indexOf('-->', lt + 4);
        end = close === -1 ? n : close + 3;
      } else if (html.startsWith('<![CDATA[', lt)) {
        const close = html.indexOf(']]>', lt + 9);
        end = close === -1 ? n : close + 3;
      } else {
        const close = html.indexOf('>', lt + 2);
        end = close === -1 ? n : close + 1;
      }
      i = textStart = end;
      continue;
    }
    if (next === '/' && /[A-Za-z]/.test(html[lt + 2] ?? '')) {
      flushText(lt);
      const close = html.indexOf('>', lt + 2);
      const end = close === -1 ? n : close + 1;
      const name = /^[A-Za-z][^\s/>]*/.exec(html.slice(lt + 2, lt + 2 + 64))?.[0].toLowerCase() ?? '';
      closeTo(name);
      i = textStart = end;
      continue;
    }
    if (!/[A-Za-z]/.test(next ?? '')) {
      i = lt + 1; // a "<" that starts no tag is text
      continue;
    }
    flushText(lt);
    // A start tag: its name, then attributes (quoted values may hold ">").
    let j = lt + 1;
    while (j < n && !/[\s/>]/.test(html[j])) j++;
    const name = html.slice(lt + 1, j).toLowerCase();
    const attrs = new Map<string, string>();
    let selfClosing = false;
    while (j < n) {
      while (j < n && /[\s/]/.test(html[j])) {
        if (html[j] === '/' && html[j + 1] === '>') selfClosing = true;
        j++;
      }
      if (j >= n || html[j] === '>') break;
      const nameStart = j;
      while (j < n && !/[\s=>/]/.test(html[j])) j++;
      if (j === nameStart) j++; // a stray character: skip it
      const attrName = html.slice(nameStart, j).toLowerCase();
      while (j < n && /\s/.test(html[j])) j++;
      let value = '';
      if (html[j] === '=') {
        j++;
        while (j < n && /\s/.test(html[j])) j++;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const end = html.indexOf(quote, j + 1);
          value = html.slice(j + 1, end === -1 ? n : end);
          j = end === -1 ? n : end + 1;
        } else {
          const start = j;
          while (j < n && !/[\s>]/.test(html[j])) j++;
          value = html.slice(start, j);
        }
      }
      if (attrName && !attrs.has(attrName)) attrs.set(attrName, decodeEntities(value));
    }
    i = textStart = Math.min(n, j + 1);
    // Optional end tags: a new <li> closes the open one, a block closes an open <p>.
    const closes = AUTO_CLOSE[name];
    if (closes && closes.includes(top().name)) stack.pop();
    if (BLOCKS_CLOSING_P.has(name)) {
      for (let k = stack.length - 1; k > 0; k--) {
        if (stack[k].name === 'p') {
          stack.length = k;
          break;
        }
        if (['div', 'section', 'article', 'main', 'td', 'th', 'li', 'blockquote', 'body'].includes(stack[k].name)) break;
      }
    }
    const element: ElementNode = { type: 'element', name, attrs, children: [] };
    append(element);
    if (RAW_TEXT.has(name) && !selfClosing) {
      const closeRe = new RegExp(`</${name}(?=[\\s/>])`, 'ig');
      closeRe.lastIndex = i;
      const m = closeRe.exec(html);
      const end = m ? m.index : n;
      element.rawText = html.slice(i, end);
      const gt = m ? html.indexOf('>', end) : -1;
      i = textStart = gt === -1 ? n : gt + 1;
      continue;
    }
    // Past MAX_DEPTH open elements, new ones hold nothing (what they hold goes beside them): twenty
    // thousand unclosed <b> tags would otherwise overflow the stack of every walk over the tree.
    if (!VOID.has(name) && !selfClosing && stack.length < MAX_DEPTH) stack.push(element);
  }
  flushText(n);
  return root;
}

function* walk(node: ElementNode): Generator<ElementNode> {
  for (const child of node.children) {
    if (child.type !== 'element') continue;
    yield child;
    yield* walk(child);
  }
}

function find(node: ElementNode, test: (e: ElementNode) => boolean): ElementNode | undefined {
  for (const e of walk(node)) if (test(e)) return e;
  return undefined;
}

/** The element's text, entities decoded, whitespace collapsed (raw-text elements give nothing). */
export function textOf(node: HtmlNode): string {
  const parts: string[] = [];
  const visit = (n: HtmlNode) => {
    if (n.type === 'text') parts.push(n.raw);
    else if (n.rawText === undefined) n.children.forEach(visit);
  };
  visit(node);
  return decodeEntities(parts.join(' ')).replace(/\s+/g, ' ').trim();
}

function textLength(node: HtmlNode): number {
  if (node.type === 'text') return node.raw.replace(/\s+/g, '').length;
  if (node.rawText !== undefined) return 0;
  let total = 0;
  for (const c of node.children) total += textLength(c);
  return total;
}

// ------------------------------------------------------------------------------------------------
// Metadata

export interface PageMetadata {
  title?: string;
  authors: string[];
  published?: string;
  url?: string;
  description?: string;
}

function httpUrl(s: string | undefined): string | undefined {
  const v = s?.trim();
  return v && /^https?:\/\/[^\s]+$/i.test(v) ? v : undefined;
}

/** Text of a tag or attribute as one plain line: it becomes the summary's heading and byline (see plainLine). */
function clean(s: string | undefined): string | undefined {
  return s ? plainOrUndefined(decodeEntities(s), 1000) : undefined;
}

function dateOf(s: string | undefined): string | undefined {
  const v = s?.trim();
  if (!v) return undefined;
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  return iso ? iso[1] : plainOrUndefined(v, 60);
}

interface JsonLdFacts {
  headline?: string;
  authors: string[];
  published?: string;
  url?: string;
  description?: string;
}

/** What the page's JSON-LD (schema.org Article and the like) says; parsed as data, never run. */
function jsonLdFacts(doc: ElementNode): JsonLdFacts {
  const facts: JsonLdFacts = { authors: [] };
  const names = (v: unknown): string[] => {
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.flatMap(names);
    if (v && typeof v === 'object') {
      const name = (v as { name?: unknown }).name;
      return typeof name === 'string' ? [name] : [];
    }
    return [];
  };
  const visit = (v: unknown, depth: number) => {
    if (depth > 6 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach((x) => visit(x, depth + 1));
      return;
    }
    const o = v as Record<string, unknown>;
    const type = ([] as unknown[]).concat(o['@type'] ?? []).map(String);
    if (type.some((t) => /Article|BlogPosting|Report|ScholarlyArticle|WebPage|CreativeWork|Posting/.test(t))) {
      if (!facts.headline && typeof o.headline === 'string') facts.headline = o.headline;
      if (!facts.authors.length) facts.authors = names(o.author).map((a) => a.trim()).filter(Boolean);
      if (!facts.published && typeof o.datePublished === 'string') facts.published = o.datePublished;
      if (!facts.url && typeof o.url === 'string') facts.url = o.url;
      if (!facts.description && typeof o.description === 'string') facts.description = o.description;
    }
    if (o['@graph']) visit(o['@graph'], depth + 1);
  };
  for (const e of walk(doc)) {
    if (e.name !== 'script' || !/ld\+json/i.test(e.attrs.get('type') ?? '') || !e.rawText || e.rawText.length > 200_000) continue;
    try {
      visit(JSON.parse(e.rawText), 0);
    } catch {
      // Not JSON: ignored, as a browser would.
    }
  }
  return facts;
}

/** Title, authors, date, address and description, from meta tags, JSON-LD and the page itself. */
export function pageMetadata(doc: ElementNode, content: ElementNode, html: string): PageMetadata {
  const meta = new Map<string, string[]>();
  let canonical: string | undefined;
  let titleText: string | undefined;
  for (const e of walk(doc)) {
    if (e.name === 'meta') {
      const key = (e.attrs.get('property') ?? e.attrs.get('name') ?? e.attrs.get('itemprop') ?? '').toLowerCase();
      const value = e.attrs.get('content');
      if (key && value !== undefined && value.trim() !== '') meta.set(key, [...(meta.get(key) ?? []), value.trim()]);
    } else if (e.name === 'link' && !canonical && /(^|\s)canonical(\s|$)/i.test(e.attrs.get('rel') ?? '')) {
      canonical = httpUrl(e.attrs.get('href'));
    } else if (e.name === 'title' && titleText === undefined) {
      titleText = clean(e.rawText);
    }
  }
  const first = (...keys: string[]) => {
    for (const k of keys) {
      const v = meta.get(k)?.[0];
      if (v) return v;
    }
    return undefined;
  };
  const ld = jsonLdFacts(doc);
  const h1 = find(content, (e) => e.name === 'h1') ?? find(doc, (e) => e.name === 'h1');
  const title = clean(first('og:title', 'twitter:title', 'citation_title', 'dc.title')) ?? clean(ld.headline) ?? titleText ?? (h1 ? clean(textOf(h1)) : undefined);

  const authors: string[] = [];
  const addAuthor = (a: string | undefined) => {
    const v = clean(a);
    if (v && !/^https?:\/\//i.test(v) && !authors.includes(v)) authors.push(v);
  };
  for (const a of meta.get('citation_author') ?? []) addAuthor(a);
  if (!authors.length) {
    addAuthor(first('author', 'dc.creator', 'parsely-author', 'sailthru.author'));
    for (const a of meta.get('article:author') ?? []) addAuthor(a);
  }
  if (!authors.length) ld.authors.forEach(addAuthor);

  const time = find(content, (e) => e.name === 'time' && !!e.attrs.get('datetime')) ?? find(doc, (e) => e.name === 'time' && !!e.attrs.get('datetime'));
  const published = dateOf(first('article:published_time', 'citation_publication_date', 'citation_date', 'dc.date', 'date', 'pubdate', 'publish-date', 'datepublished') ?? ld.published ?? time?.attrs.get('datetime'));

  // "Save page as" in Firefox and Chrome leaves `<!-- saved from url=(0042)https://… -->`; SingleFile a "url:" line.
  const savedFrom = /<!--\s*saved from url=\(\d+\)(\S+?)\s*-->/i.exec(html.slice(0, 4096))?.[1] ?? /<!--[\s\S]{0,400}?\burl:\s*(https?:\/\/\S+)[\s\S]*?-->/i.exec(html.slice(0, 4096))?.[1];
  const url = canonical ?? httpUrl(first('og:url', 'twitter:url', 'citation_abstract_html_url')) ?? httpUrl(ld.url) ?? httpUrl(savedFrom);
  const description = clean(first('description', 'og:description', 'twitter:description', 'dc.description')) ?? clean(ld.description);
  return { title, authors, published, url, description };
}

// ------------------------------------------------------------------------------------------------
// Cutting the article out of its page

/** Elements that are never content: scripts, styles, embedded frames and widgets, forms' controls. */
const ALWAYS_REMOVE = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'canvas', 'svg',
  'button', 'input', 'select', 'textarea', 'option', 'dialog', 'link', 'meta', 'base', 'title', 'audio', 'video', 'source', 'track',
  'map', 'area', 'xmp', 'noembed', 'noframes', 'portal',
]);
/** Page chrome by element name. */
const CHROME = new Set(['nav', 'aside', 'footer', 'form', 'header', 'menu']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'dialog', 'alertdialog', 'menu', 'menubar', 'toolbar']);
/** Words in a class or id that mark chrome (matched against the parts of "cookie-banner", "shareBar"…). */
const CHROME_WORDS = new Set([
  'cookie', 'cookies', 'consent', 'gdpr', 'banner', 'newsletter', 'subscribe', 'subscription', 'signup', 'share', 'sharing', 'sharebar',
  'social', 'related', 'recommended', 'recommendations', 'comments', 'comment', 'disqus', 'sidebar', 'advert', 'advertisement', 'ad', 'ads',
  'sponsor', 'sponsored', 'promo', 'popup', 'modal', 'breadcrumb', 'breadcrumbs', 'paywall', 'masthead', 'skiplink', 'outbrain', 'taboola',
]);

function words(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function isHidden(e: ElementNode): boolean {
  if (e.attrs.has('hidden') || e.attrs.get('aria-hidden') === 'true') return true;
  const style = (e.attrs.get('style') ?? '').replace(/\s+/g, '').toLowerCase();
  return style.includes('display:none') || style.includes('visibility:hidden');
}

function classSaysChrome(e: ElementNode): boolean {
  const values = [e.attrs.get('class') ?? '', e.attrs.get('id') ?? ''];
  return values.some((v) => v.split(/\s+/).some((token) => words(token).some((w) => CHROME_WORDS.has(w))));
}

/** Whether `e` holds the page's content (a heading of rank 1, an article, the main element): then it is kept. */
function holdsContent(e: ElementNode): boolean {
  return find(e, (x) => x.name === 'h1' || x.name === 'article' || x.name === 'main' || x.attrs.get('role') === 'main') !== undefined;
}

function insideCode(e: ElementNode): boolean {
  for (let p = e.parent; p; p = p.parent) if (p.name === 'pre' || p.name === 'code') return true;
  return false;
}

/** The part of the page that is the content: the one article, else the main element, else the body. */
function contentRoot(doc: ElementNode): ElementNode {
  const articles: ElementNode[] = [];
  for (const e of walk(doc)) {
    if (e.name !== 'article') continue;
    let nested = false;
    for (let p = e.parent; p; p = p.parent) if (p.name === 'article') nested = true;
    // An article inside page chrome (a teaser in a "related" box) is not the page's article.
    let inChrome = false;
    for (let p = e.parent; p && p !== doc; p = p.parent) if (ALWAYS_REMOVE.has(p.name) || ['nav', 'aside', 'footer'].includes(p.name) || isHidden(p)) inChrome = true;
    if (!nested && !inChrome) articles.push(e);
  }
  // The article is taken when it is most of the page's text: a lone teaser article in a page whose
  // text is elsewhere is not the content, nor is one of several equal ones (a list of posts).
  const body = find(doc, (e) => e.name === 'body') ?? doc;
  const pageText = textLength(body);
  if (articles.length) {
    const sized = articles.map((a) => ({ a, n: textLength(a) })).sort((x, y) => y.n - x.n);
    const all = sized.reduce((sum, x) => sum + x.n, 0);
    if (sized[0].n > 0 && sized[0].n >= (all * 2) / 3 && sized[0].n >= pageText / 3) return sized[0].a;
  }
  const main = find(doc, (e) => e.name === 'main' || e.attrs.get('role') === 'main');
  if (main && textLength(main) > 0) return main;
  return body;
}

/** Which elements of `root` to drop: always-removed ones, hidden ones, and chrome unless it holds the content. */
function shouldDrop(e: ElementNode, root: ElementNode): boolean {
  if (ALWAYS_REMOVE.has(e.name)) return true;
  if (insideCode(e)) return false;
  if (isHidden(e)) return true;
  const inArticle = root.name === 'article' || root.name === 'main' || root.attrs.get('role') === 'main';
  if (CHROME.has(e.name)) {
    // An article's own header (its title and byline) is content; a page header is not.
    if (e.name === 'header' && inArticle) return false;
    return !(e.name === 'header' || e.name === 'form') || !holdsContent(e);
  }
  const role = e.attrs.get('role');
  if (role && CHROME_ROLES.has(role) && !holdsContent(e)) return true;
  return classSaysChrome(e) && !holdsContent(e);
}

const KEEP_ATTRS: Record<string, string[]> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
  ol: ['start'],
  time: ['datetime'],
  abbr: ['title'],
};

/** http(s), mail and relative addresses; never javascript:, data:, file: or other schemes. */
function safeUrl(value: string, allowMail: boolean): string | undefined {
  // Browsers ignore spaces, tabs, newlines and control characters around and inside a scheme
  // ("java\tscript:"), so the scheme is judged with all of them taken out.
  let squashed = '';
  for (const c of value) if (c.charCodeAt(0) > 0x20) squashed += c;
  const v = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(squashed)?.[1]?.toLowerCase();
  if (scheme === undefined) return /^[a-z][a-z0-9+.-]*:/i.test(v) ? undefined : v;
  if (scheme === 'http' || scheme === 'https') return v;
  if (scheme === 'mailto' && allowMail) return v;
  return undefined;
}

function openTag(e: ElementNode): string {
  const keep = KEEP_ATTRS[e.name] ?? [];
  let out = `<${e.name}`;
  for (const name of keep) {
    let value = e.attrs.get(name);
    if (value === undefined) continue;
    if (name === 'href' || name === 'src') {
      value = safeUrl(value, name === 'href');
      if (value === undefined) continue;
    }
    out += ` ${name}="${escapeAttr(value)}"`;
  }
  // Code blocks keep the class that names their language.
  const cls = e.attrs.get('class');
  if (cls && (e.name === 'code' || e.name === 'pre' || e.name === 'div')) {
    const lang = cls.split(/\s+/).filter((c) => /^(language-|lang-|highlight-(text|source)-)/.test(c));
    if (lang.length) out += ` class="${escapeAttr(lang.join(' '))}"`;
  }
  return `${out}>`;
}

function serialize(node: ElementNode, root: ElementNode, out: string[]): void {
  for (const child of node.children) {
    if (child.type === 'text') {
      out.push(child.raw);
      continue;
    }
    if (shouldDrop(child, root)) {
      // Keep words apart that the dropped element separated.
      out.push(' ');
      continue;
    }
    if (child.name.startsWith('#') || !/^[a-z][a-z0-9-]*$/.test(child.name)) {
      serialize(child, root, out);
      continue;
    }
    out.push(openTag(child));
    if (VOID.has(child.name)) continue;
    serialize(child, root, out);
    out.push(`</${child.name}>`);
  }
}

export interface CleanPage {
  /** The content as HTML with the chrome taken out, safe to hand to a converter. */
  html: string;
  metadata: PageMetadata;
  /** Which part of the page was taken: "article", "main" or "body". */
  from: string;
}

/** Parses a saved page, reads its metadata and cuts its content out of the chrome. */
export function cleanPage(html: string): CleanPage {
  const doc = parseHtml(html);
  const root = contentRoot(doc);
  const metadata = pageMetadata(doc, root, html);
  const out: string[] = [];
  serialize(root, root, out);
  const from = root.name === 'article' ? 'article' : root.name === 'main' || root.attrs.get('role') === 'main' ? 'main' : 'body';
  return { html: out.join('').trim(), metadata, from };
}

/** The charset a page declares in its first bytes (a meta tag), lower-cased; undefined when none. */
export function declaredCharset(bytes: Uint8Array): string | undefined {
  let head = '';
  const end = Math.min(bytes.length, 4096);
  for (let i = 0; i < end; i++) head += String.fromCharCode(bytes[i]);
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  return m ? m[1].toLowerCase() : undefined;
}
