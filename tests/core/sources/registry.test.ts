import { cliSourceEngines } from '../../../src/cli/source-engines';
import { currentHash, isDefect, sourceUnits, unitFor, type SourceReadContext } from '../../../src/core/sources';
import { MemoryVault } from '../../support/memory-vault';
import { buildPdf, layoutPage } from '../../support/pdf-builder';

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

async function vaultOfEveryKind() {
  const vault = new MemoryVault({
    'raw/Note.md': '# Note\n\nSome **text** about bread.\n',
    'raw/paper.pdf': buildPdf({ pages: [layoutPage([{ kind: 'paragraph', text: 'A page of a paper about crumb.' }])] }),
    'raw/figure.png': PNG,
    'raw/table.csv': 'a,b\n1,2\n3,4\n',
    'raw/page.html': '<html><head><title>Page</title></head><body><article><p>Text of a saved page.</p></article></body></html>',
    'raw/tool/README.md': '# Tool\n\nA tool.\n',
    'raw/tool/package.json': '{"name":"tool","version":"1.0.0"}',
    'raw/tool/src/main.js': 'console.log(1);\n',
    'raw/tool/docs/guide.md': '# Guide\n',
    'raw/letter.docx': new Uint8Array([0x50, 0x4b, 3, 4]),
  });
  const files = await vault.list();
  const ctx: SourceReadContext = { vault, files, engines: cliSourceEngines(), budgetTokens: 4000 };
  return { vault, files, ctx };
}

describe('the source registry', () => {
  it('lists one unit per source: a repository folder as one, known by its README; unknown kinds skipped with a reason', async () => {
    const { files } = await vaultOfEveryKind();
    const { units, skipped } = sourceUnits(files, 'raw');
    expect(units.map((u) => [u.path, u.kind, u.folder ?? null])).toEqual([
      ['raw/Note.md', 'note', null],
      ['raw/figure.png', 'image', null],
      ['raw/page.html', 'web-page', null],
      ['raw/paper.pdf', 'pdf', null],
      ['raw/table.csv', 'dataset', null],
      ['raw/tool/README.md', 'repository', 'raw/tool'],
    ]);
    expect(skipped.map((f) => f.path)).toEqual(['raw/letter.docx']);
    expect(skipped[0].reason).toMatch(/"\.docx" files are not a kind Scriptorium compiles \(it reads .*\.pdf.*\)/);
    // A file inside a repository belongs to it; the folder named on purpose is the same one source.
    expect(unitFor('raw/tool/docs/guide.md', files, 'raw')).toMatchObject({ path: 'raw/tool/README.md', kind: 'repository', folder: 'raw/tool' });
    expect(sourceUnits(files, 'raw/tool').units.map((u) => u.path)).toEqual(['raw/tool/README.md']);
  });

  it('gives, for every kind, the hash its reader records (what stale checks and up-to-date compare)', async () => {
    const { files, ctx } = await vaultOfEveryKind();
    for (const unit of sourceUnits(files, 'raw').units) {
      const doc = await unit.reader.read(unit.folder ?? unit.path, ctx);
      expect(isDefect(doc)).toBe(false);
      expect([unit.path, await currentHash(unit, ctx)]).toEqual([unit.path, doc.hash]);
    }
  });
});
