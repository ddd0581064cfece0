import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/**
 * The core must run in the plugin (desktop and mobile), the CLI and jest alike: it may import
 * neither `obsidian` nor Node built-ins, nor use the globals that exist only in a browser or only
 * in Node. ESLint enforces that while editing; this checks the import graph and the free
 * identifiers of src/core directly (the TypeScript parser, no type-checking), so it takes a second
 * rather than the twenty that two type-aware ESLint runs took.
 */
const root = path.resolve(__dirname, '../..');
const coreDir = path.join(root, 'src/core');
/**
 * The message catalogue, which the core's `tr` comes from: pure TypeScript under the same rules,
 * but for `plugin.ts`, which reads Obsidian's language and only the plugin loads.
 */
const i18nDir = path.join(root, 'src/i18n');
const i18nPlugin = path.join(i18nDir, 'plugin');

const within = (target: string, dir: string): boolean => target === dir || target.startsWith(dir + path.sep);

/** As eslint.config.mjs's `no-restricted-globals` for src/core. */
const RESTRICTED_GLOBALS = new Set(['app', 'fetch', 'localStorage', 'require', 'process', 'Buffer', '__dirname']);
const NODE_BUILTINS = new Set(builtinModules);

function coreFiles(dir = coreDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return coreFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Why an import specifier is not allowed from a file at `file`, or null. */
function importProblem(file: string, specifier: string): string | null {
  if (specifier === 'obsidian' || specifier.startsWith('obsidian/')) return `imports '${specifier}'`;
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0])) return `imports the Node built-in '${specifier}'`;
  if (specifier.startsWith('.')) {
    // A relative import leaving src/core could reach the plugin or the CLI (and through them obsidian or Node).
    const target = path.resolve(path.dirname(file), specifier).replace(/\.ts$/, '');
    const catalogue = within(target, i18nDir) && target !== i18nPlugin;
    if (!within(target, coreDir) && !catalogue) return `imports '${specifier}', outside src/core`;
  }
  return null;
}

/** Whether `name` is declared by `node` for the code inside it (parameters, locals, imports…). */
function declares(node: ts.Node, name: string): boolean {
  const binds = (n: ts.BindingName | undefined): boolean => {
    if (!n) return false;
    if (ts.isIdentifier(n)) return n.text === name;
    return n.elements.some((e) => !ts.isOmittedExpression(e) && binds(e.name));
  };
  if (ts.isFunctionLike(node)) {
    if (node.parameters.some((p) => binds(p.name))) return true;
    if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name?.text === name) return true;
  }
  if (ts.isCatchClause(node) && node.variableDeclaration && binds(node.variableDeclaration.name)) return true;
  if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
    if (node.initializer.declarations.some((d) => binds(d.name))) return true;
  }
  const statements = ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node) ? node.statements : ts.isCaseClause(node) || ts.isDefaultClause(node) ? node.statements : undefined;
  if (!statements) return false;
  return statements.some((s) => {
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.some((d) => binds(d.name));
    if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) return s.name?.text === name;
    if (ts.isImportDeclaration(s) && s.importClause) {
      const clause = s.importClause;
      if (clause.name?.text === name) return true;
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) return bindings.name.text === name;
      if (bindings && ts.isNamedImports(bindings)) return bindings.elements.some((e) => e.name.text === name);
    }
    return false;
  });
}

/** Whether an identifier is a value reference (not a property name, a declaration or a type). */
function isValueReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent)) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isEnumMember(parent)) && parent.name === id) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent) || ts.isBindingElement(parent)) && parent.name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isExportSpecifier(parent)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  // Types vanish at run time: `typeof fetch` in a type needs no global at run time.
  for (let n: ts.Node = parent; !ts.isSourceFile(n); n = n.parent) if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return false;
  return true;
}

/** Every boundary problem in one file's text, as "line: what". */
function boundaryProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  const where = (pos: number): string => `${path.relative(root, file)}:${ts.getLineAndCharacterOfPosition(source, pos).line + 1}`;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // Static, dynamic and `require` imports, type-only ones included (the lint rule refuses those too).
  const imports = ts.preProcessFile(text, true, true).importedFiles;
  for (const ref of imports) {
    const problem = importProblem(file, ref.fileName);
    if (problem) problems.push(`${where(ref.pos)}: ${problem}`);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && RESTRICTED_GLOBALS.has(node.text) && isValueReference(node)) {
      let shadowed = false;
      for (let scope: ts.Node | undefined = node.parent; scope && !shadowed; scope = scope.parent) shadowed = declares(scope, node.text);
      if (!shadowed) problems.push(`${where(node.getStart(source))}: uses the global '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

describe('src/core boundary', () => {
  const probeFile = path.join(coreDir, 'ports/probe.ts');

  it('finds every kind of breach in probe code (so the check itself can fail)', () => {
    const probe = [
      "import { Notice } from 'obsidian';",
      "import fs from 'fs';",
      "import path from 'node:path';",
      "import type { Readable } from 'stream/promises';",
      "import { view } from '../../ui/view';",
      "import { t } from '../../i18n/plugin';",
      "export const later = () => import('node:crypto');",
      "export const uses = [Notice, fs, path, view, fetch, process.env, Buffer.from('x'), require('os')];",
      'export async function get(url: string) { return (await globalThis.fetch(url)).ok || fetch; }',
      '',
    ].join('\n');
    expect(boundaryProblems(probeFile, probe)).toEqual([
      "src/core/ports/probe.ts:1: imports 'obsidian'",
      "src/core/ports/probe.ts:2: imports the Node built-in 'fs'",
      "src/core/ports/probe.ts:3: imports the Node built-in 'node:path'",
      "src/core/ports/probe.ts:4: imports the Node built-in 'stream/promises'",
      "src/core/ports/probe.ts:5: imports '../../ui/view', outside src/core",
      "src/core/ports/probe.ts:6: imports '../../i18n/plugin', outside src/core",
      "src/core/ports/probe.ts:7: imports the Node built-in 'node:crypto'",
      "src/core/ports/probe.ts:8: imports the Node built-in 'os'",
      "src/core/ports/probe.ts:8: uses the global 'fetch'",
      "src/core/ports/probe.ts:8: uses the global 'process'",
      "src/core/ports/probe.ts:8: uses the global 'Buffer'",
      "src/core/ports/probe.ts:8: uses the global 'require'",
      "src/core/ports/probe.ts:9: uses the global 'fetch'",
    ]);
  });

  it('accepts property names, types, locals and parameters that share a restricted name', () => {
    const fine = [
      "import type { FetchFn } from './fetch';",
      "import { diffArrays } from 'diff';",
      "import { tr } from '../../i18n';",
      "import { en } from '../../i18n/en';",
      'export interface Options { fetch?: FetchFn; process: (x: number) => number; app?: typeof fetch }',
      'export function run(o: Options, fetch: FetchFn) { const process = o.process; return [fetch, process(1), o.fetch, { app: 1 }, diffArrays]; }',
      'export const wrap = ({ fetch }: Options) => fetch;',
      '',
    ].join('\n');
    expect(boundaryProblems(probeFile, fine)).toEqual([]);
  });

  it('holds for every file in src/core', () => {
    const files = coreFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => boundaryProblems(file, readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('holds for the message catalogue the core imports (src/i18n but plugin.ts)', () => {
    const files = coreFiles(i18nDir).filter((file) => file !== `${i18nPlugin}.ts`);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap((file) => boundaryProblems(file, readFileSync(file, 'utf8')))).toEqual([]);
    // plugin.ts reads Obsidian's language: the check sees it.
    expect(boundaryProblems(`${i18nPlugin}.ts`, readFileSync(`${i18nPlugin}.ts`, 'utf8'))).toEqual(["src/i18n/plugin.ts:1: imports 'obsidian'"]);
  });
});
