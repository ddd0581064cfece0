import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FsVault } from '../../../src/cli/fs-vault';
import { sourceUnits, type SourceUnit } from '../../../src/core/sources/registry';
import { compactTree, readManifest, repositoryReader } from '../../../src/core/sources/repository-reader';
import { isDefect, type SourceDefect, type SourceDocument, type SourceReadContext } from '../../../src/core/sources/types';
import type { VaultPort } from '../../../src/core/ports/vault';
import { tempVault } from '../../support/cli-io';
import { MemoryVault } from '../../support/memory-vault';

// A PNG header (8-byte signature, IHDR of a 2 × 3 image) followed by bytes that are not text.
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 2, 0, 0, 0, 3, 8, 2, 0, 0, 0, 0, 0xff, 0xfe, 0x00, 0x01]);

const ROOT = 'raw/widget-tool';

function repository(extra: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {
    'README.md': '# Widget tool\n\nWidget tool turns widgets into gadgets with a three-stage pipeline.\n\n## Build\n\nRun `npm run build`.\n',
    'package.json': JSON.stringify(
      {
        name: 'widget-tool',
        version: '1.2.3',
        description: 'Turns widgets into gadgets',
        author: 'Ada Widget <ada@example.org>',
        main: 'src/index.js',
        bin: { widget: './src/cli.js' },
        scripts: { build: 'node build.js', test: 'jest' },
        dependencies: { yaml: '^2.0.0', 'left-pad': '1.3.0' },
        devDependencies: { jest: '^30.0.0' },
      },
      null,
      2,
    ),
    'package-lock.json': '{ "lockfileVersion": 3, "note": "LOCKFILE_CONTENT" }',
    '.gitignore': '# build output and logs\nbuild/\n*.log\n!keep.log\nsecret.txt\n',
    'build/out.js': 'BUILD_OUTPUT_CONTENT\n',
    'debug.log': 'LOG_CONTENT\n',
    'keep.log': 'KEPT_LOG_CONTENT\n',
    'secret.txt': 'SECRET_CONTENT\n',
    'node_modules/yaml/index.js': 'VENDORED_CONTENT\n',
    'dist/widget.min.js': 'MINIFIED_CONTENT\n',
    'src/index.js': "// ENTRY_CONTENT: the pipeline's entry point\nexport { run } from './pipeline.js';\n",
    'src/cli.js': '// CLI_CONTENT\nimport { run } from "./index.js";\nrun(process.argv);\n',
    'src/pipeline.js': '// PIPELINE_CONTENT\nexport function run(input) { return stageThree(stageTwo(stageOne(input))); }\n',
    'src/stages/one.js': '// STAGE_ONE_CONTENT\nexport const stageOne = (x) => x;\n',
    'tests/pipeline.test.js': '// TEST_CONTENT\ntest("runs", () => {});\n',
    'docs/design.md': '# Design\n\nDESIGN_CONTENT: why there are three stages.\n',
    'assets/logo.png': PNG,
    'src/data.js': new Uint8Array([0x2f, 0x2f, 0x20, 0x00, 0x01, 0x02, 0x42, 0x49, 0x4e, 0x41, 0x52, 0x59]),
    ...extra,
  };
  return files;
}

function vaultOf(files: Record<string, string | Uint8Array>, others: Record<string, string> = {}): MemoryVault {
  const all: Record<string, string | Uint8Array> = { ...others };
  for (const [rel, content] of Object.entries(files)) all[`${ROOT}/${rel}`] = content;
  return new MemoryVault(all);
}

async function contextFor(vault: VaultPort, budgetTokens = 20_000): Promise<SourceReadContext> {
  return { vault, files: await vault.list(), engines: {}, budgetTokens };
}

async function read(vault: VaultPort, budgetTokens?: number, folder = ROOT): Promise<SourceDocument> {
  const doc = await repositoryReader.read(folder, await contextFor(vault, budgetTokens));
  if (isDefect(doc)) throw new Error(`unexpected defect: ${doc.message}`);
  return doc;
}

function folderOf(unit: SourceUnit): string {
  return (unit as SourceUnit & { folder?: string }).folder ?? unit.path;
}

function section(body: string, heading: string): string {
  const start = body.indexOf(`## ${heading}`);
  if (start === -1) return '';
  const next = body.indexOf('\n## ', start + 3);
  return body.slice(start, next === -1 ? undefined : next);
}

describe('repositoryReader.claimsFolder', () => {
  it('claims a folder that directly holds a manifest, with or without a README; not a folder of notes with a README', async () => {
    const vault = new MemoryVault({
      'raw/tool/README.md': '# Tool',
      'raw/tool/package.json': '{}',
      'raw/go-only/go.mod': 'module example.org/x\n',
      'raw/notes/README.md': '# My notes',
      'raw/notes/a.md': 'text',
      'raw/deep/x/Cargo.toml': '[package]\nname = "x"\n',
      'raw/dotnet/App.csproj': '<Project />',
    });
    const files = await vault.list();
    expect(repositoryReader.claimsFolder?.('raw/tool', files)).toBe(true);
    expect(repositoryReader.claimsFolder?.('raw/go-only', files)).toBe(true);
    expect(repositoryReader.claimsFolder?.('raw/dotnet', files)).toBe(true);
    expect(repositoryReader.claimsFolder?.('raw/notes', files)).toBe(false);
    expect(repositoryReader.claimsFolder?.('raw/deep', files)).toBe(false); // the manifest is not directly in it
    expect(repositoryReader.claimsFolder?.('raw/deep/x', files)).toBe(true);
    expect(repositoryReader.claimsFolder?.('raw', files)).toBe(false);
  });

  it('makes the repository one source in sourceUnits: its files are not compiled one by one, a vendored package with its own manifest stays part of it', async () => {
    const vault = vaultOf(repository({ 'node_modules/yaml/package.json': '{"name":"yaml"}', 'docs/notes.md': '# Notes' }), { 'raw/Levain.md': 'A note.', 'raw/notes/README.md': '# Notes' });
    const files = await vault.list();
    const { units, skipped } = sourceUnits(files, 'raw');
    const repo = units.filter((u) => u.kind === 'repository');
    expect(repo).toHaveLength(1);
    // A folder unit names its folder (and may be known by an anchor file in it).
    expect(folderOf(repo[0])).toBe(ROOT);
    expect(units.filter((u) => u.path.startsWith(`${ROOT}/`) && u.kind !== 'repository')).toEqual([]);
    expect(units.map((u) => u.path)).toEqual(expect.arrayContaining(['raw/Levain.md', 'raw/notes/README.md']));
    expect(skipped.filter((s) => s.path.startsWith(`${ROOT}/`))).toEqual([]);
    // Asked for the repository folder itself: one unit.
    const itself = sourceUnits(files, ROOT);
    expect(itself.units).toHaveLength(1);
    expect(itself.units[0].kind).toBe('repository');
  });
});

describe('repositoryReader.read', () => {
  it('gives the README, the manifest, the file tree and the informative files; leaves out ignored, vendored, built, lock and binary files', async () => {
    const doc = await read(vaultOf(repository()));
    expect(doc.kind).toBe('repository');
    expect(doc.path).toBe(ROOT);
    expect(doc.title).toBe('widget-tool');
    expect(doc.description).toBe('Turns widgets into gadgets');
    expect(doc.authors).toEqual(['Ada Widget']);
    const body = doc.body;

    expect(section(body, 'README')).toContain('Widget tool turns widgets into gadgets with a three-stage pipeline.');
    const manifest = section(body, 'Manifest: package.json');
    expect(manifest).toContain('- Name: widget-tool');
    expect(manifest).toContain('- Version: 1.2.3');
    expect(manifest).toContain('- Dependencies: yaml, left-pad');
    expect(manifest).toContain('- Development dependencies: jest');
    expect(manifest).toContain('build: node build.js');
    expect(manifest).toContain('- Entry points: src/index.js, src/cli.js');

    const tree = section(body, 'File tree');
    for (const shown of ['src/', 'index.js', 'stages/', 'one.js', 'tests/', 'docs/', 'assets/', 'logo.png', 'keep.log', 'package-lock.json']) expect(tree).toContain(shown);
    for (const hidden of ['build/', 'debug.log', 'secret.txt', '.gitignore', 'out.js', 'yaml/']) expect(tree).not.toContain(hidden);
    expect(tree).toContain('node_modules/ (installed dependencies, 1 file)');
    expect(tree).toContain('dist/ (build output, 1 file)');

    const shownFiles = section(body, 'Files');
    for (const content of ['ENTRY_CONTENT', 'CLI_CONTENT', 'PIPELINE_CONTENT', 'STAGE_ONE_CONTENT', 'DESIGN_CONTENT', 'TEST_CONTENT']) expect(shownFiles).toContain(content);
    // Entry points first, tests last.
    expect(shownFiles.indexOf('ENTRY_CONTENT')).toBeLessThan(shownFiles.indexOf('PIPELINE_CONTENT'));
    expect(shownFiles.indexOf('PIPELINE_CONTENT')).toBeLessThan(shownFiles.indexOf('TEST_CONTENT'));
    expect(shownFiles.indexOf('DESIGN_CONTENT')).toBeLessThan(shownFiles.indexOf('TEST_CONTENT'));
    expect(shownFiles).toContain('```js\n// ENTRY_CONTENT');

    for (const never of ['LOCKFILE_CONTENT', 'BUILD_OUTPUT_CONTENT', 'LOG_CONTENT', 'SECRET_CONTENT', 'VENDORED_CONTENT', 'MINIFIED_CONTENT', 'KEPT_LOG_CONTENT', 'BINARY', 'IHDR']) expect(body).not.toContain(never);
    expect(body).not.toContain('\u0000');
    expect(body).not.toContain('\ufffd');

    expect(doc.facts).toEqual(
      expect.arrayContaining([
        // index, cli, pipeline, stages/one, the binary data.js and the test.
        'Languages: JavaScript (6 files)',
        'package.json: widget-tool 1.2.3',
        // README, package.json, the lockfile, keep.log, 6 scripts, design.md, logo.png; debug.log, secret.txt, build/out.js ignored.
        'Files: 12 (and 3 left out by .gitignore, 2 installed, vendored or built)',
        // Not data.js, whose bytes are not text.
        'Shown: 6 of 6 text files, the README, 1 manifest',
      ]),
    );
  });

  it('stays within the token budget, most informative files first, and names what it left out', async () => {
    const bigModule = (name: string) => `// ${name}\n${Array.from({ length: 400 }, (_, i) => `export const ${name}${i} = ${i}; // a line of code that takes room`).join('\n')}\n`;
    const extra: Record<string, string> = {};
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) extra[`src/${name}.js`] = bigModule(`${name.toUpperCase()}_MODULE`);
    for (let i = 0; i < 20; i++) extra[`tests/case${i}.test.js`] = bigModule(`TEST_CASE_${i}`);
    const vault = vaultOf(repository(extra));
    const budget = 3000;
    const doc = await read(vault, budget);
    expect(doc.body.length).toBeLessThanOrEqual(budget * 4);
    expect(doc.body).toContain('ENTRY_CONTENT');
    expect(doc.body).toContain('Widget tool turns widgets into gadgets');
    expect(doc.body).not.toContain('TEST_CASE_19');
    expect(doc.body).toMatch(/Not shown for lack of room: \d+ files \(/);
    expect(doc.facts?.find((f) => f.startsWith('Shown: '))).toMatch(/^Shown: \d+ of 31 text files, the README, 1 manifest$/);

    const roomy = await read(vault, 200_000);
    expect(roomy.body).toContain('TEST_CASE_19');
    expect(roomy.body).not.toContain('Not shown for lack of room');
  });

  it('cuts a long README and a long file at a line end and says so', async () => {
    const readme = `# Widget tool\n\n${Array.from({ length: 2000 }, (_, i) => `Paragraph line ${i} of a very long README.`).join('\n')}\n`;
    const doc = await read(vaultOf(repository({ 'README.md': readme })), 2000);
    expect(doc.body).toMatch(/\[README cut here: \d+ of \d+ characters shown\]/);
    expect(doc.body).toMatch(/Paragraph line \d+ of a very long README\.\n\n\[README cut here/);
    expect(doc.body.length).toBeLessThanOrEqual(2000 * 4);
  });

  it('changes its hash when a counted file changes, is added or removed, and not when an ignored or vendored file changes', async () => {
    const base = await read(vaultOf(repository()));
    const again = await read(vaultOf(repository()));
    expect(again.hash).toBe(base.hash);
    const variants: [string, Record<string, string | Uint8Array>, boolean][] = [
      ['a source file edited', { 'src/pipeline.js': '// PIPELINE_CONTENT changed\n' }, true],
      ['a test edited', { 'tests/pipeline.test.js': '// TEST_CONTENT changed\n' }, true],
      ['the lockfile edited', { 'package-lock.json': '{ "lockfileVersion": 3, "note": "other" }' }, true],
      ['an image replaced', { 'assets/logo.png': PNG.map((b, i) => (i === PNG.length - 1 ? 7 : b)) }, true],
      ['a file added', { 'src/new.js': 'export {};\n' }, true],
      ['.gitignore edited', { '.gitignore': 'build/\n*.log\n' }, true],
      ['an ignored build file edited', { 'build/out.js': 'changed\n' }, false],
      ['an ignored log edited', { 'debug.log': 'changed\n' }, false],
      ['an ignored file added', { 'build/more.js': 'x\n' }, false],
      ['an installed dependency edited', { 'node_modules/yaml/index.js': 'changed\n' }, false],
    ];
    for (const [what, change, changes] of variants) {
      const doc = await read(vaultOf(repository(change)));
      expect({ what, changed: doc.hash !== base.hash }).toEqual({ what, changed: changes });
    }
    const files = repository();
    delete files['src/stages/one.js'];
    expect((await read(vaultOf(files))).hash).not.toBe(base.hash);
  });

  it('honours nested .gitignore files, negations and ignored folders as git does', async () => {
    const doc = await read(
      vaultOf(
        repository({
          '.gitignore': 'generated/\n*.tmp.js\n',
          'src/.gitignore': 'local-*.js\n!local-keep.js\n',
          'src/local-config.js': '// LOCAL_CONFIG_CONTENT\n',
          'src/local-keep.js': '// LOCAL_KEEP_CONTENT\n',
          'src/scratch.tmp.js': '// SCRATCH_CONTENT\n',
          'generated/api.js': '// GENERATED_CONTENT\n',
          'generated/keep.js': '// GENERATED_KEEP_CONTENT\n',
        }),
      ),
    );
    expect(doc.body).toContain('LOCAL_KEEP_CONTENT');
    for (const gone of ['LOCAL_CONFIG_CONTENT', 'SCRATCH_CONTENT', 'GENERATED_CONTENT', 'GENERATED_KEEP_CONTENT']) expect(doc.body).not.toContain(gone);
    expect(doc.body).not.toContain('local-config.js');
  });

  it('reads the .gitignore from disk through the CLI vault, whose listing skips dot-files', async () => {
    const root = tempVault('repository', {});
    try {
      for (const [rel, content] of Object.entries(repository())) {
        const abs = path.join(root, ROOT, rel);
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
      const vault = new FsVault(root);
      const files = await vault.list();
      expect(files.some((f) => f.path.endsWith('.gitignore'))).toBe(false);
      const doc = await read(vault);
      expect(doc.body).toContain('ENTRY_CONTENT');
      expect(doc.body).not.toContain('SECRET_CONTENT');
      expect(section(doc.body, 'File tree')).not.toContain('secret.txt');
      expect(section(doc.body, 'File tree')).not.toContain('debug.log');
      expect(doc.hash).toBe((await read(vaultOf(repository()))).hash);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('uses the folder name as title without a named manifest, and works without a README or .gitignore', async () => {
    const vault = new MemoryVault({
      'raw/tiny/Makefile': 'all: build\n\nbuild:\n\tcc -o tiny main.c\n\ntest:\n\t./tiny --self-test\n',
      'raw/tiny/main.c': '/* MAIN_C_CONTENT */\nint main(void) { return 0; }\n',
    });
    const doc = await read(vault, 20_000, 'raw/tiny');
    expect(doc.title).toBe('tiny');
    expect(doc.body).toContain('MAIN_C_CONTENT');
    expect(doc.body).toContain('- Commands: all, build, test');
    expect(doc.facts).toContain('Languages: C (1 file)');
    expect(doc.body).not.toContain('## README');
  });

  it('reports a repository whose every file is ignored as empty, never throwing', async () => {
    const vault = new MemoryVault({ 'raw/gone/package.json': '{"name":"gone"}', 'raw/gone/.gitignore': '*\n' });
    const doc = (await repositoryReader.read('raw/gone', await contextFor(vault))) as SourceDefect;
    expect(isDefect(doc)).toBe(true);
    expect(doc.kind).toBe('empty');
    expect(doc.message).toMatch(/\.gitignore/);
  });

  it('reads a malformed package.json as a manifest without a name, not a failure', async () => {
    const doc = await read(vaultOf(repository({ 'package.json': '{ "name": "widget-tool", oops' })));
    expect(doc.title).toBe('widget-tool'); // the folder name
    expect(section(doc.body, 'Manifest: package.json')).toContain('oops');
  });
});

describe('readManifest', () => {
  it('reads pyproject.toml (PEP 621 and Poetry)', () => {
    const pep = readManifest(
      'pyproject.toml',
      '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "gadgets"\nversion = "0.4.0"\ndescription = "Gadget maker"\nauthors = [{ name = "Ada", email = "a@example.org" }]\ndependencies = [\n  "requests>=2.31",\n  "numpy ; python_version>\'3.9\'",\n]\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[project.scripts]\ngadgets = "gadgets.cli:main"\n',
    );
    expect(pep).toMatchObject({ name: 'gadgets', version: '0.4.0', description: 'Gadget maker', authors: ['Ada'], dependencies: ['requests', 'numpy'], devDependencies: ['pytest'], commands: ['gadgets: gadgets.cli:main'] });
    const poetry = readManifest('pyproject.toml', '[tool.poetry]\nname = "p"\nversion = "1.0"\nauthors = ["Bo <bo@example.org>"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nhttpx = "^0.27"\n\n[tool.poetry.group.dev.dependencies]\nruff = "*"\n');
    expect(poetry).toMatchObject({ name: 'p', version: '1.0', authors: ['Bo'], dependencies: ['httpx'], devDependencies: ['ruff'] });
  });

  it('reads Cargo.toml, go.mod, requirements.txt, pom.xml, Gemfile and CMakeLists.txt', () => {
    expect(readManifest('Cargo.toml', '[package]\nname = "crab"\nversion = "0.1.0"\ndescription = "A crab"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\ntokio = "1"\n\n[dev-dependencies]\nproptest = "1"\n')).toMatchObject({
      name: 'crab',
      version: '0.1.0',
      description: 'A crab',
      dependencies: ['serde', 'tokio'],
      devDependencies: ['proptest'],
    });
    expect(readManifest('go.mod', 'module example.org/gopher\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n\tgolang.org/x/sync v0.7.0 // indirect\n)\n\nrequire github.com/a/b v1.0.0\n')).toMatchObject({
      name: 'example.org/gopher',
      description: 'Go 1.22',
      dependencies: ['github.com/spf13/cobra', 'golang.org/x/sync', 'github.com/a/b'],
    });
    expect(readManifest('requirements.txt', '# web\nflask==3.0.0\n-r other.txt\nsqlalchemy>=2 ; python_version>"3.8"\n').dependencies).toEqual(['flask', 'sqlalchemy']);
    expect(
      readManifest(
        'pom.xml',
        '<project><parent><artifactId>parent</artifactId><version>9</version></parent><artifactId>app</artifactId><version>2.0</version><description>An app</description><dependencies><dependency><groupId>org.x</groupId><artifactId>core</artifactId></dependency><dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency></dependencies></project>',
      ),
    ).toMatchObject({ name: 'app', version: '2.0', description: 'An app', dependencies: ['org.x:core'], devDependencies: ['junit:junit'] });
    expect(readManifest('Gemfile', "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem \"puma\"\n").dependencies).toEqual(['rails', 'puma']);
    expect(readManifest('CMakeLists.txt', 'cmake_minimum_required(VERSION 3.20)\nproject(Engine VERSION 2.1.0 LANGUAGES CXX)\nfind_package(Boost REQUIRED)\n')).toMatchObject({ name: 'Engine', version: '2.1.0', dependencies: ['Boost'] });
  });
});

describe('compactTree', () => {
  it('shows the whole tree when it fits, and collapses deep folders with their file counts when it does not', () => {
    const paths = ['README.md', 'src/a.ts', 'src/deep/b.ts', 'src/deep/deeper/c.ts'];
    expect(compactTree(paths, 1000)).toBe('src/\n  deep/\n    deeper/\n      c.ts\n    b.ts\n  a.ts\nREADME.md');
    const many = Array.from({ length: 300 }, (_, i) => `pkg/module${i % 10}/file${i}.ts`);
    const small = compactTree([...paths, ...many], 300);
    expect(small.length).toBeLessThanOrEqual(302);
    expect(small).toMatch(/pkg\/ \(300 files\)|module0\/ \(30 files\)/);
  });
});
