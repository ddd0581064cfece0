import { htmlToMarkdown } from '../../src/cli/html-to-markdown';

describe('htmlToMarkdown (CLI)', () => {
  it('runs in Node without a DOM of its own', () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    expect(htmlToMarkdown('<p>Hello</p>')).toBe('Hello');
  });

  it('writes headings, emphasis, links, images, lists, quotes, tables, strikethrough and fenced code as markdown', () => {
    const md = htmlToMarkdown(
      [
        '<h1>Title</h1><h2>Section &amp; more</h2>',
        '<p>Some <strong>bold</strong>, <em>italic</em> and <del>gone</del> text with a <a href="https://example.org/a">link</a>.</p>',
        '<p><img src="https://example.org/x.png" alt="An image"></p>',
        '<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>',
        '<ol start="3"><li>three</li><li>four</li></ol>',
        '<blockquote><p>Quoted words.</p></blockquote>',
        '<table><thead><tr><th>Name</th><th>Value</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr></tbody></table>',
        '<pre><code class="language-js">const a = 1;\nconsole.log(a &lt; 2);</code></pre>',
        '<hr><p>Line one<br>line two</p>',
      ].join(''),
    );
    expect(md).toBe(
      [
        '# Title',
        '',
        '## Section & more',
        '',
        'Some **bold**, *italic* and ~~gone~~ text with a [link](https://example.org/a).',
        '',
        '![An image](https://example.org/x.png)',
        '',
        '-   one',
        '-   two',
        '    -   nested',
        '',
        '3.  three',
        '4.  four',
        '',
        '> Quoted words.',
        '',
        '| Name | Value |',
        '| --- | --- |',
        '| a   | 1   |',
        '',
        '```js',
        'const a = 1;',
        'console.log(a < 2);',
        '```',
        '',
        '---',
        '',
        'Line one',
        'line two',
      ].join('\n'),
    );
  });

  it('leaves out scripts, styles, frames and form controls even when handed a whole page', () => {
    const md = htmlToMarkdown('<html><head><title>T</title><style>p{}</style></head><body><script>alert("SCRIPTTEXT")</script><p>Kept</p><iframe src="https://x.example"></iframe><form><input value="v"><button>Press</button></form><noscript>Enable JS</noscript></body></html>');
    expect(md).toBe('Kept');
  });

  it('escapes text that would otherwise read as markdown', () => {
    expect(htmlToMarkdown('<p>1. not a list, *not emphasis*, [not a link]</p>')).toBe('1\\. not a list, \\*not emphasis\\*, \\[not a link\\]');
  });
});
