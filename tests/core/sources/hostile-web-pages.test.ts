import { cliSourceEngines } from '../../../src/cli/source-engines';
import { isDefect, type SourceDefect, type SourceDocument } from '../../../src/core/sources';
import { webPageReader } from '../../../src/core/sources/web-page-reader';
import { MemoryVault } from '../../support/memory-vault';

async function read(html: string | Uint8Array, path = 'raw/page.html'): Promise<SourceDocument | SourceDefect> {
  const vault = new MemoryVault({ [path]: html });
  return webPageReader.read(path, { vault, files: await vault.list(), engines: cliSourceEngines(), budgetTokens: 8000 });
}

describe('hostile saved pages', () => {
  it('twenty thousand unclosed tags are read, not a stack overflow thrown out of the reader', async () => {
    const doc = await read(`<html><body><p>Sourdough rises by fermentation.</p>${'<b>'.repeat(20_000)}deep text</body></html>`);
    if (isDefect(doc)) throw new Error(doc.message);
    expect(doc.body).toContain('Sourdough rises by fermentation.');
    expect(doc.body).toContain('deep text');
  });

  it('scripts, styles, event handlers and javascript: links leave nothing behind', async () => {
    const doc = await read(
      '<html><body><article><h1>Bread</h1><p onclick="steal()">Levain <a href="javascript:alert(1)">click</a> <a href=" java\tscript:alert(2)">two</a> <a href="https://example.org/ok">ok</a></p><script>alert(3)</script><style>p{}</style></article></body></html>',
    );
    if (isDefect(doc)) throw new Error(doc.message);
    expect(doc.body).not.toMatch(/alert|steal|javascript|script:|p\{\}/i);
    expect(doc.body).toContain('[ok](https://example.org/ok)');
  });

  it('a Shift_JIS page is decoded as it declares', async () => {
    const sjis = Uint8Array.from([
      ...new TextEncoder().encode('<html><head><meta charset="shift_jis"></head><body><p>'),
      0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea,
      ...new TextEncoder().encode(' is the language of this page.</p></body></html>'),
    ]);
    const doc = await read(sjis);
    if (isDefect(doc)) throw new Error(doc.message);
    expect(doc.body).toContain('日本語 is the language of this page.');
  });
});
