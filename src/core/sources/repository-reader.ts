import { tr } from '../../i18n';
import ignore, { type Ignore } from 'ignore';
import { basename, extname, hashBytes, hashText } from '../markdown';
import type { VaultFileStat, VaultPort } from '../ports/vault';
import type { SourceDefect, SourceDocument, SourceReader } from './types';

/*
 * A code repository in the raw folder compiles as one source: its README, its manifest(s), a
 * compact file tree and the most informative files that fit the token budget, with what the
 * repository's .gitignore files leave out left out here too.
 */

const README = /^readme(\.[a-z0-9]+)?$/i;

/** Files whose presence says "this folder is a project", and that say what it is built from. */
const MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'requirements.txt',
  'Pipfile',
  'Cargo.toml',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'build.sbt',
  'Gemfile',
  'composer.json',
  'CMakeLists.txt',
  'Makefile',
  'meson.build',
  'mix.exs',
  'Package.swift',
  'pubspec.yaml',
  'deno.json',
  'stack.yaml',
  'Project.toml',
  'dune-project',
  'build.zig',
]);
const MANIFEST_PATTERN = /\.(csproj|fsproj|vbproj|sln|cabal|gemspec|nimble)$/i;

function isManifestName(name: string): boolean {
  return MANIFESTS.has(name) || MANIFEST_PATTERN.test(name);
}

/** Folders of installed dependencies and build output: never part of what the repository says. */
const LEFT_OUT_DIRS: Record<string, string> = {
  node_modules: 'installed dependencies',
  bower_components: 'installed dependencies',
  jspm_packages: 'installed dependencies',
  vendor: 'vendored dependencies',
  third_party: 'vendored dependencies',
  venv: 'a Python virtual environment',
  __pycache__: 'compiled Python',
  Pods: 'installed dependencies',
  Carthage: 'installed dependencies',
  dist: 'build output',
  target: 'build output',
  coverage: 'test coverage output',
};

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'Gemfile.lock',
  'composer.lock',
  'go.sum',
  'mix.lock',
  'pubspec.lock',
  'flake.lock',
  'packages.lock.json',
]);

const GENERATED = /(\.min\.(js|css|mjs)|\.map|\.pb\.go|_pb2(_grpc)?\.py|\.generated\.[a-z]+|\.g\.dart|\.bundle\.js|\.chunk\.js)$/i;

const BINARY_EXTENSIONS = new Set(
  (
    '.png .jpg .jpeg .gif .webp .bmp .ico .icns .tif .tiff .psd .ai .svg .eps .heic .avif ' +
    '.woff .woff2 .ttf .otf .eot .zip .gz .tgz .bz2 .xz .7z .rar .tar .jar .war .ear .whl .egg ' +
    '.mp3 .mp4 .wav .ogg .oga .webm .mov .avi .flac .m4a .mkv .pdf .doc .docx .xls .xlsx .ppt .pptx .odt ' +
    '.exe .dll .so .dylib .a .o .obj .lib .bin .class .pyc .pyo .wasm .node .dat .db .sqlite .sqlite3 ' +
    '.pkl .pickle .npy .npz .h5 .hdf5 .parquet .feather .onnx .pt .pth .ckpt .safetensors .tflite .keystore .jks .p12 .der'
  ).split(' '),
);

/** Text files that are data rather than code or prose: counted, listed, never shown. */
const DATA_EXTENSIONS = new Set(['.csv', '.tsv', '.jsonl', '.ndjson', '.log', '.lock']);

const LANGUAGES: Record<string, string> = {
  '.ts': 'TypeScript', '.tsx': 'TypeScript', '.mts': 'TypeScript', '.cts': 'TypeScript',
  '.js': 'JavaScript', '.jsx': 'JavaScript', '.mjs': 'JavaScript', '.cjs': 'JavaScript',
  '.py': 'Python', '.pyi': 'Python', '.rs': 'Rust', '.go': 'Go', '.java': 'Java', '.kt': 'Kotlin', '.kts': 'Kotlin',
  '.scala': 'Scala', '.rb': 'Ruby', '.php': 'PHP', '.c': 'C', '.h': 'C', '.cc': 'C++', '.cpp': 'C++', '.cxx': 'C++',
  '.hpp': 'C++', '.hh': 'C++', '.hxx': 'C++', '.cs': 'C#', '.fs': 'F#', '.swift': 'Swift', '.m': 'Objective-C', '.mm': 'Objective-C',
  '.dart': 'Dart', '.ex': 'Elixir', '.exs': 'Elixir', '.erl': 'Erlang', '.hs': 'Haskell', '.ml': 'OCaml', '.mli': 'OCaml',
  '.clj': 'Clojure', '.cljs': 'Clojure', '.lua': 'Lua', '.r': 'R', '.jl': 'Julia', '.pl': 'Perl', '.pm': 'Perl',
  '.sh': 'Shell', '.bash': 'Shell', '.zsh': 'Shell', '.ps1': 'PowerShell', '.sql': 'SQL', '.vue': 'Vue', '.svelte': 'Svelte',
  '.zig': 'Zig', '.nim': 'Nim', '.v': 'V', '.sol': 'Solidity', '.groovy': 'Groovy', '.elm': 'Elm', '.purs': 'PureScript',
  '.html': 'HTML', '.css': 'CSS', '.scss': 'CSS', '.sass': 'CSS', '.less': 'CSS',
};
/** Languages that say little about what a project is when others are present. */
const MARKUP_LANGUAGES = new Set(['HTML', 'CSS']);

const FENCE_LANGUAGE: Record<string, string> = {
  '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.jsx': 'jsx', '.mjs': 'js', '.cjs': 'js', '.py': 'python', '.rs': 'rust', '.go': 'go',
  '.java': 'java', '.kt': 'kotlin', '.rb': 'ruby', '.php': 'php', '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cc': 'cpp', '.hpp': 'cpp',
  '.cs': 'csharp', '.swift': 'swift', '.sh': 'sh', '.json': 'json', '.toml': 'toml', '.yaml': 'yaml', '.yml': 'yaml', '.xml': 'xml',
  '.md': 'markdown', '.html': 'html', '.css': 'css', '.sql': 'sql', '.lua': 'lua', '.dart': 'dart', '.ex': 'elixir', '.hs': 'haskell',
};

const ENTRY_NAMES = new Set(['index', 'main', 'lib', 'mod', 'app', 'cli', 'server', '__init__', '__main__', 'program', 'application']);
/** Top folders that hold a project's code: a file in src/ is as prominent as one at the root. */
const CODE_ROOTS = new Set(['src', 'lib', 'pkg', 'app', 'cmd', 'internal', 'source', 'sources']);
const DOC_NAMES = /^(architecture|design|overview|contributing|hacking|development|usage|guide|internals)(\.[a-z]+)?$/i;

/** Files bigger than this are hashed by size only and never shown: data or generated output. */
const MAX_READ_BYTES = 2 * 1024 * 1024;
/** Files bigger than this are not shown (their head would say little). */
const MAX_SHOWN_BYTES = 256 * 1024;
/** A repository with more files than this is refused rather than read in full on every compile. */
const MAX_FILES = 20_000;
/** How many nested .gitignore files are looked for (shallowest folders first). */
const MAX_GITIGNORE_FOLDERS = 300;
const READ_CONCURRENCY = 16;

// The files directly in each folder, worked out once per listing (claimsFolder is asked of every folder).
const childrenCache = new WeakMap<readonly VaultFileStat[], Map<string, string[]>>();

function childrenByFolder(files: readonly VaultFileStat[]): Map<string, string[]> {
  let map = childrenCache.get(files);
  if (!map) {
    map = new Map();
    for (const f of files) {
      const slash = f.path.lastIndexOf('/');
      const dir = slash === -1 ? '' : f.path.slice(0, slash);
      const list = map.get(dir);
      if (list) list.push(f.path.slice(slash + 1));
      else map.set(dir, [f.path.slice(slash + 1)]);
    }
    childrenCache.set(files, map);
  }
  return map;
}

/** True when `folder` directly holds a manifest (with or without a README): a code repository. */
export function isRepositoryFolder(folder: string, files: readonly VaultFileStat[]): boolean {
  const names = childrenByFolder(files).get(folder) ?? [];
  return names.some(isManifestName);
}

// ------------------------------------------------------------------------------------------------
// .gitignore

interface IgnoreRules {
  /** Folder (relative to the repository, '' for its root) → the rules of its .gitignore. */
  byFolder: Map<string, Ignore>;
  texts: string[];
}

async function readOptional(vault: VaultPort, path: string): Promise<string | undefined> {
  try {
    return await vault.read(path);
  } catch {
    return undefined;
  }
}

async function loadIgnoreRules(vault: VaultPort, root: string, folders: string[]): Promise<IgnoreRules> {
  const byFolder = new Map<string, Ignore>();
  const texts: string[] = [];
  const wanted = ['', ...folders.filter((f) => f !== '').sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1)).slice(0, MAX_GITIGNORE_FOLDERS)];
  const found = await Promise.all(wanted.map((f) => readOptional(vault, `${root}/${f ? `${f}/` : ''}.gitignore`)));
  wanted.forEach((folder, i) => {
    const text = found[i];
    if (text === undefined) return;
    byFolder.set(folder, ignore().add(text));
    texts.push(`${folder}/.gitignore\n${text}`);
  });
  return { byFolder, texts };
}

/**
 * Git's rule: a path is ignored by the deepest .gitignore that says anything about it; an ignored
 * folder hides everything in it. `rules.byFolder` holds shallow folders first.
 */
function makeIgnoredTest(rules: IgnoreRules): (rel: string) => boolean {
  const memo = new Map<string, boolean>();
  const says = (rel: string, isDir: boolean): boolean => {
    let ignored = false;
    for (const [folder, ig] of rules.byFolder) {
      if (folder !== '' && !rel.startsWith(`${folder}/`)) continue;
      const sub = (folder === '' ? rel : rel.slice(folder.length + 1)) + (isDir ? '/' : '');
      const r = ig.test(sub);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  };
  const folderIgnored = (dir: string): boolean => {
    const known = memo.get(dir);
    if (known !== undefined) return known;
    const slash = dir.lastIndexOf('/');
    const result = (slash !== -1 && folderIgnored(dir.slice(0, slash))) || says(dir, true);
    memo.set(dir, result);
    return result;
  };
  return (rel) => {
    if (rules.byFolder.size === 0) return false;
    const slash = rel.lastIndexOf('/');
    if (slash !== -1 && folderIgnored(rel.slice(0, slash))) return true;
    return says(rel, false);
  };
}

// ------------------------------------------------------------------------------------------------
// Manifests

export interface ManifestInfo {
  file: string;
  name?: string;
  version?: string;
  description?: string;
  authors: string[];
  url?: string;
  dependencies: string[];
  devDependencies: string[];
  /** Build or run commands a manifest names (npm scripts, Makefile targets). */
  commands: string[];
  /** Files the manifest names as entry points (package.json main/bin/module/exports). */
  entryPoints: string[];
}

type TomlTables = Map<string, Map<string, string>>;

/** Just enough TOML for manifests: tables, key = value, multi-line arrays. Values kept as written. */
function parseTomlTables(text: string): TomlTables {
  const tables: TomlTables = new Map([['', new Map<string, string>()]]);
  let current = tables.get('') as Map<string, string>;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const name = header[1].replace(/["']/g, '');
      current = tables.get(name) ?? new Map<string, string>();
      tables.set(name, current);
      continue;
    }
    const kv = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2];
    const open = (s: string) => (s.match(/[[{]/g) ?? []).length - (s.match(/[\]}]/g) ?? []).length;
    let depth = open(stripTomlStrings(value));
    while (depth > 0 && i + 1 < lines.length) {
      i++;
      const next = lines[i].replace(/#.*$/, '');
      value += `\n${next}`;
      depth += open(stripTomlStrings(next));
    }
    current.set(kv[1].replace(/["']/g, ''), value.trim());
  }
  return tables;
}

function stripTomlStrings(s: string): string {
  return s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/#.*$/, '');
}

function tomlString(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(value.trim());
  return m ? (m[1] ?? m[2]).replace(/\\"/g, '"') : undefined;
}

function tomlStrings(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]);
}

/** The package name in a requirement line: "requests>=2.0; python_version<'3.8'" → "requests". */
function requirementName(req: string): string {
  return req.trim().split(/[\s<>=!~;[@(]/)[0];
}

function uniq(list: string[]): string[] {
  return [...new Set(list.filter((s) => s !== ''))];
}

function asRecordKeys(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function personName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.replace(/\s*[<(].*$/, '').trim() || undefined;
  if (value && typeof value === 'object') return asString((value as { name?: unknown }).name);
  return undefined;
}

/** What a manifest says about its project. Unknown or unparsable manifests give just their file name. */
export function readManifest(file: string, text: string): ManifestInfo {
  const info: ManifestInfo = { file, authors: [], dependencies: [], devDependencies: [], commands: [], entryPoints: [] };
  const name = basename(file);
  if (name === 'package.json' || name === 'composer.json' || name === 'deno.json') {
    let json: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object') return info;
      json = parsed as Record<string, unknown>;
    } catch {
      return info;
    }
    info.name = asString(json.name);
    info.version = asString(json.version);
    info.description = asString(json.description);
    const author = personName(json.author);
    info.authors = uniq([...(author ? [author] : []), ...(Array.isArray(json.authors) ? json.authors.map(personName).filter((a): a is string => !!a) : [])]);
    const repo = json.repository;
    info.url = asString(json.homepage) ?? asString(repo) ?? (repo && typeof repo === 'object' ? asString((repo as { url?: unknown }).url) : undefined);
    info.dependencies = [...asRecordKeys(json.dependencies), ...asRecordKeys(json.require), ...asRecordKeys(json.imports), ...asRecordKeys(json.peerDependencies)];
    info.devDependencies = [...asRecordKeys(json.devDependencies), ...asRecordKeys(json['require-dev'])];
    const scripts = json.scripts ?? json.tasks;
    if (scripts && typeof scripts === 'object') {
      info.commands = Object.entries(scripts as Record<string, unknown>).map(([k, v]) => (typeof v === 'string' ? `${k}: ${v}` : k));
    }
    const entries: string[] = [];
    const collect = (v: unknown) => {
      if (typeof v === 'string') entries.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    for (const key of ['main', 'module', 'browser', 'bin', 'exports', 'types']) collect(json[key]);
    info.entryPoints = uniq(entries.filter((e) => /\.[a-z]+$/i.test(e)).map((e) => e.replace(/^\.\//, '')));
    return info;
  }
  if (name.endsWith('.toml')) {
    const t = parseTomlTables(text);
    const pkg = t.get('project') ?? t.get('package') ?? t.get('tool.poetry') ?? new Map<string, string>();
    info.name = tomlString(pkg.get('name'));
    info.version = tomlString(pkg.get('version'));
    info.description = tomlString(pkg.get('description'));
    const authors = pkg.get('authors') ?? '';
    info.authors = uniq([...[...authors.matchAll(/name\s*=\s*"([^"]+)"/g)].map((m) => m[1]), ...(authors.includes('{') ? [] : tomlStrings(authors).map((a) => personName(a) ?? ''))]);
    const urls = t.get('project.urls') ?? t.get('tool.poetry.urls');
    info.url = tomlString(pkg.get('repository')) ?? tomlString(pkg.get('homepage')) ?? (urls ? tomlString([...urls.values()][0]) : undefined);
    info.dependencies = [
      ...tomlStrings(pkg.get('dependencies')).map(requirementName),
      ...[...(t.get('dependencies')?.keys() ?? [])],
      ...[...(t.get('tool.poetry.dependencies')?.keys() ?? [])].filter((k) => k !== 'python'),
      ...[...(t.get('deps')?.keys() ?? [])],
    ];
    info.devDependencies = [
      ...[...(t.get('dev-dependencies')?.keys() ?? [])],
      ...[...(t.get('tool.poetry.group.dev.dependencies')?.keys() ?? [])],
      ...[...(t.get('tool.poetry.dev-dependencies')?.keys() ?? [])],
      ...[...(t.get('project.optional-dependencies')?.values() ?? [])].flatMap((v) => tomlStrings(v).map(requirementName)),
      ...[...(t.get('dependency-groups')?.values() ?? [])].flatMap((v) => tomlStrings(v).map(requirementName)),
    ];
    const scripts = t.get('project.scripts') ?? t.get('tool.poetry.scripts');
    if (scripts) info.commands = [...scripts.entries()].map(([k, v]) => `${k}: ${tomlString(v) ?? v}`);
    return info;
  }
  if (name === 'go.mod') {
    info.name = /^module\s+(\S+)/m.exec(text)?.[1];
    const go = /^go\s+(\S+)/m.exec(text)?.[1];
    if (go) info.description = `Go ${go}`;
    const requires: string[] = [];
    for (const block of text.matchAll(/^require\s*\(([\s\S]*?)^\)/gm)) requires.push(...block[1].split('\n').map((l) => l.trim().split(/\s+/)[0]).filter((l) => l && !l.startsWith('//')));
    for (const single of text.matchAll(/^require\s+([^\s(]+)/gm)) requires.push(single[1]);
    info.dependencies = requires;
    return info;
  }
  if (name === 'requirements.txt' || name === 'Pipfile') {
    info.dependencies = text
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter((l) => l && !l.startsWith('-') && !l.startsWith('['))
      .map((l) => requirementName(l.includes('=') && name === 'Pipfile' ? l.split('=')[0] : l));
    return info;
  }
  if (name === 'setup.py' || name === 'setup.cfg') {
    const field = (key: string) => new RegExp(`\\b${key}\\s*[=:]\\s*["']?([^"'\\n,]+)`).exec(text)?.[1]?.trim();
    info.name = field('name');
    info.version = field('version');
    info.description = field('description');
    const install = /install_requires\s*=\s*\[([\s\S]*?)\]/.exec(text);
    if (install) info.dependencies = tomlStrings(install[1]).map(requirementName);
    return info;
  }
  if (name === 'pom.xml') {
    const withoutParent = text.replace(/<parent>[\s\S]*?<\/parent>/, '').replace(/<dependencies>[\s\S]*<\/dependencies>/, '');
    info.name = /<artifactId>([^<]+)<\/artifactId>/.exec(withoutParent)?.[1]?.trim();
    info.version = /<version>([^<]+)<\/version>/.exec(withoutParent)?.[1]?.trim();
    info.description = /<description>([^<]+)<\/description>/.exec(withoutParent)?.[1]?.trim();
    for (const dep of text.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
      const group = /<groupId>([^<]+)</.exec(dep[1])?.[1]?.trim();
      const artifact = /<artifactId>([^<]+)</.exec(dep[1])?.[1]?.trim();
      if (!artifact) continue;
      const id = group ? `${group}:${artifact}` : artifact;
      if (/<scope>\s*test\s*</.test(dep[1])) info.devDependencies.push(id);
      else info.dependencies.push(id);
    }
    return info;
  }
  if (name.startsWith('build.gradle')) {
    for (const m of text.matchAll(/^\s*(implementation|api|compile|runtimeOnly|compileOnly|testImplementation|testCompile)\s*\(?\s*["']([^"']+)["']/gm)) {
      (m[1].startsWith('test') ? info.devDependencies : info.dependencies).push(m[2].split(':').slice(0, 2).join(':'));
    }
    return info;
  }
  if (name === 'Gemfile' || name.endsWith('.gemspec')) {
    info.name = /\.name\s*=\s*["']([^"']+)/.exec(text)?.[1];
    info.version = /\.version\s*=\s*["']([^"']+)/.exec(text)?.[1];
    info.description = /\.summary\s*=\s*["']([^"']+)/.exec(text)?.[1];
    for (const m of text.matchAll(/^\s*(?:gem|spec\.add_(?:runtime_)?dependency|spec\.add_development_dependency)\s*\(?\s*["']([^"']+)["']/gm)) {
      (m[0].includes('development') ? info.devDependencies : info.dependencies).push(m[1]);
    }
    return info;
  }
  if (name === 'CMakeLists.txt') {
    const project = /project\s*\(\s*([A-Za-z0-9_.-]+)([^)]*)\)/i.exec(text);
    if (project) {
      info.name = project[1];
      info.version = /VERSION\s+([0-9][^\s)]*)/i.exec(project[2])?.[1];
      info.description = /DESCRIPTION\s+"([^"]+)"/i.exec(project[2])?.[1];
    }
    info.dependencies = [...text.matchAll(/find_package\s*\(\s*([A-Za-z0-9_]+)/gi)].map((m) => m[1]);
    return info;
  }
  if (name === 'Makefile') {
    info.commands = uniq([...text.matchAll(/^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)/gm)].map((m) => m[1])).slice(0, 30);
    return info;
  }
  if (name === 'pubspec.yaml' || name === 'Package.swift' || name === 'mix.exs') {
    info.name = /^name:\s*(\S+)/m.exec(text)?.[1] ?? /name:\s*"([^"]+)"/.exec(text)?.[1] ?? /app:\s*:([a-z_]+)/.exec(text)?.[1];
    info.version = /^version:\s*(\S+)/m.exec(text)?.[1] ?? /version:\s*"([^"]+)"/.exec(text)?.[1];
    info.description = /^description:\s*(.+)$/m.exec(text)?.[1]?.trim();
    return info;
  }
  return info;
}

// ------------------------------------------------------------------------------------------------
// Choosing what to show

interface RepoFile {
  /** Path relative to the repository folder. */
  rel: string;
  size: number;
  /** The text, when the file is text that may be shown. */
  text?: string;
  hash: string;
}

function isTestPath(rel: string): boolean {
  const segments = rel.split('/');
  const name = segments[segments.length - 1];
  return (
    segments.slice(0, -1).some((s) => /^(tests?|__tests__|specs?|testing|e2e|fixtures|__snapshots__|testdata)$/i.test(s)) ||
    /\.(test|spec)\.[a-z]+$/i.test(name) ||
    /_test\.(go|py|rb|exs?)$/i.test(name) ||
    /^test_.*\.py$/i.test(name) ||
    /Tests?\.(java|kt|cs|swift)$/.test(name)
  );
}

/** Whether a file is worth reading as text at all (by name); content is checked after reading. */
function mayShow(rel: string, size: number): boolean {
  const name = basename(rel);
  const ext = extname(rel);
  if (size > MAX_SHOWN_BYTES) return false;
  if (BINARY_EXTENSIONS.has(ext) || DATA_EXTENSIONS.has(ext)) return false;
  if (LOCKFILES.has(name) || GENERATED.test(name)) return false;
  return true;
}

/** How informative a file is likely to be: higher first. README and root manifests are shown apart. */
function priority(rel: string, entryPoints: Set<string>): number {
  const segments = rel.split('/');
  const name = segments[segments.length - 1];
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length).toLowerCase();
  let depth = segments.length - 1;
  if (depth > 0 && CODE_ROOTS.has(segments[0])) depth--;
  if (entryPoints.has(rel)) return 100;
  if (isTestPath(rel)) return 10 - Math.min(depth, 5);
  const code = ext in LANGUAGES;
  if (code && ENTRY_NAMES.has(stem) && depth <= 1) return 90 - depth * 5;
  if (DOC_NAMES.test(name) && depth === 0) return 75;
  if (segments[0] === 'docs' || segments[0] === 'doc') return (ext === '.md' || ext === '.rst' || ext === '.txt' ? 65 : 20) - Math.min(depth, 4) * 3;
  if (/^(examples?|samples?|demos?)$/i.test(segments[0])) return 30 - Math.min(depth, 4);
  if (/^(Dockerfile|Containerfile|Justfile|Taskfile\.ya?ml|Procfile)$/i.test(name)) return 55;
  if (isManifestName(name)) return 50 - Math.min(depth, 4) * 2;
  if (code) return Math.max(20, 62 - depth * 8);
  if (/^(changelog|changes|history|news)(\.[a-z]+)?$/i.test(name)) return 18;
  if (/^(license|licence|copying|notice|authors|code_of_conduct|security)(\.[a-z]+)?$/i.test(name)) return 4;
  if (['.json', '.yaml', '.yml', '.toml', '.ini', '.cfg', '.xml', '.gradle', '.properties', '.conf'].includes(ext)) return 25 - Math.min(depth, 4);
  if (['.md', '.rst', '.txt', '.adoc'].includes(ext)) return 35 - Math.min(depth, 4) * 3;
  return 12;
}

function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(longest + 1);
}

function fenced(rel: string, text: string): string {
  const fence = fenceFor(text);
  return `${fence}${FENCE_LANGUAGE[extname(rel)] ?? ''}\n${text.replace(/\n+$/, '')}\n${fence}\n`;
}

function fencedFile(rel: string, text: string, note = ''): string {
  return `### ${rel}${note}\n\n${fenced(rel, text)}`;
}

/** The head of `text`, at most `max` characters, cut at a line end when one is near. */
function headOf(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return text.slice(0, cut > max * 0.6 ? cut : max);
}

interface TreeNode {
  files: string[];
  dirs: Map<string, TreeNode>;
  count: number;
}

function buildTree(paths: string[]): TreeNode {
  const root: TreeNode = { files: [], dirs: new Map(), count: 0 };
  for (const p of paths) {
    const segments = p.split('/');
    let node = root;
    node.count++;
    for (const seg of segments.slice(0, -1)) {
      let next = node.dirs.get(seg);
      if (!next) {
        next = { files: [], dirs: new Map(), count: 0 };
        node.dirs.set(seg, next);
      }
      next.count++;
      node = next;
    }
    node.files.push(segments[segments.length - 1]);
  }
  return root;
}

function renderTree(node: TreeNode, maxDepth: number, perFolder: number, indent = '', depth = 0): string[] {
  const lines: string[] = [];
  const dirs = [...node.dirs.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const files = [...node.files].sort();
  const entries = dirs.length + files.length;
  let shown = 0;
  for (const [name, child] of dirs) {
    if (shown >= perFolder) break;
    shown++;
    if (depth + 1 >= maxDepth) {
      lines.push(`${indent}${name}/ (${child.count} file${child.count === 1 ? '' : 's'})`);
    } else {
      lines.push(`${indent}${name}/`);
      lines.push(...renderTree(child, maxDepth, perFolder, `${indent}  `, depth + 1));
    }
  }
  for (const name of files) {
    if (shown >= perFolder) break;
    shown++;
    lines.push(`${indent}${name}`);
  }
  if (entries > shown) lines.push(`${indent}… ${entries - shown} more`);
  return lines;
}

/** A compact file tree within `maxChars`: as deep as fits, deeper folders shown with their file count. */
export function compactTree(paths: string[], maxChars: number): string {
  const tree = buildTree(paths);
  let best = '';
  for (let depth = 1; depth <= 12; depth++) {
    const text = renderTree(tree, depth, 40).join('\n');
    if (text.length > maxChars && best !== '') break;
    best = text;
    if (!text.includes('/ (')) break; // nothing collapsed: the whole tree is shown
  }
  if (best.length > maxChars) best = `${headOf(best, maxChars)}\n…`;
  return best;
}

function languagesOf(paths: string[]): { name: string; files: number }[] {
  const counts = new Map<string, number>();
  for (const p of paths) {
    const lang = LANGUAGES[extname(p)];
    if (lang) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  const all = [...counts.entries()].map(([name, files]) => ({ name, files })).sort((a, b) => b.files - a.files || (a.name < b.name ? -1 : 1));
  const programming = all.filter((l) => !MARKUP_LANGUAGES.has(l.name));
  return (programming.length ? programming : all).slice(0, 5);
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  return text.length > 0 && bad / text.length > 0.02;
}

async function mapLimited<T, R>(items: T[], limit: number, signal: AbortSignal | undefined, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function listed(label: string, items: string[], max = 40): string {
  if (items.length === 0) return '';
  const shown = items.slice(0, max).join(', ');
  return `- ${label}: ${shown}${items.length > max ? `, … and ${items.length - max} more` : ''}\n`;
}

/** Reads a repository folder into one source; see the file's header. */
export async function readRepository(folder: string, ctx: { vault: VaultPort; files: readonly VaultFileStat[]; budgetTokens: number; signal?: AbortSignal }): Promise<SourceDocument | SourceDefect> {
  const prefix = `${folder}/`;
  let stats = ctx.files.filter((f) => f.path.startsWith(prefix));
  if (stats.length === 0) stats = (await ctx.vault.list()).filter((f) => f.path.startsWith(prefix));
  // Hidden files and folders (.git, .github, .gitignore) are never listed by Obsidian or the CLI; an
  // adapter that does list them (the in-memory one) must not change what the repository is.
  stats = stats.filter((f) => !f.path.slice(prefix.length).split('/').some((s) => s.startsWith('.')));
  if (stats.length === 0) return { kind: 'empty', message: tr('core.sources.repo.empty') };

  const leftOut = new Map<string, number>();
  const candidates: VaultFileStat[] = [];
  for (const f of stats) {
    const rel = f.path.slice(prefix.length);
    const dirs = rel.split('/').slice(0, -1);
    const vendored = dirs.findIndex((d) => d in LEFT_OUT_DIRS);
    if (vendored !== -1) {
      const key = `${dirs.slice(0, vendored + 1).join('/')}/`;
      leftOut.set(key, (leftOut.get(key) ?? 0) + 1);
      continue;
    }
    candidates.push(f);
  }

  const folders = new Set<string>();
  for (const f of candidates) {
    const rel = f.path.slice(prefix.length);
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) folders.add(rel.slice(0, i));
  }
  const rules = await loadIgnoreRules(ctx.vault, folder, [...folders]);
  const isIgnored = makeIgnoredTest(rules);
  const counted = candidates.filter((f) => !isIgnored(f.path.slice(prefix.length)));
  const ignoredCount = candidates.length - counted.length;
  if (counted.length === 0) return { kind: 'empty', message: tr('core.sources.repo.allIgnored') };
  if (counted.length > MAX_FILES) {
    return { kind: 'too-big', message: tr('core.sources.repo.tooMany', { count: counted.length, max: MAX_FILES }) };
  }

  const decoder = new TextDecoder('utf-8');
  const files: RepoFile[] = await mapLimited(counted, READ_CONCURRENCY, ctx.signal, async (f) => {
    const rel = f.path.slice(prefix.length);
    if (f.size > MAX_READ_BYTES) return { rel, size: f.size, hash: `size:${f.size}` };
    let bytes: Uint8Array;
    try {
      bytes = await ctx.vault.readBinary(f.path);
    } catch {
      return { rel, size: f.size, hash: 'unreadable' };
    }
    const file: RepoFile = { rel, size: bytes.length, hash: hashBytes(bytes) };
    const name = basename(rel);
    if (mayShow(rel, bytes.length) || README.test(name) || isManifestName(name)) {
      const text = decoder.decode(bytes);
      if (!looksBinary(text)) file.text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    }
    return file;
  });
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));

  const hash = hashText(`repository\n${files.map((f) => `${f.rel}\t${f.hash}`).join('\n')}\n${rules.texts.join('\n')}`);

  // README and manifests at the repository's root.
  const rootFiles = files.filter((f) => !f.rel.includes('/'));
  const readme = rootFiles
    .filter((f) => README.test(f.rel) && f.text !== undefined)
    .sort((a, b) => (/\.md$/i.test(b.rel) ? 1 : 0) - (/\.md$/i.test(a.rel) ? 1 : 0))[0];
  const manifests = rootFiles.filter((f) => isManifestName(f.rel) && f.text !== undefined).map((f) => ({ file: f, info: readManifest(f.rel, f.text ?? '') }));
  const primary = manifests.find((m) => m.info.name) ?? manifests[0];

  const allPaths = files.map((f) => f.rel);
  const languages = languagesOf(allPaths);
  const title = primary?.info.name ?? basename(folder);
  const facts: string[] = [];
  if (languages.length) facts.push(`Languages: ${languages.map((l) => `${l.name} (${l.files} file${l.files === 1 ? '' : 's'})`).join(', ')}`);
  for (const m of manifests) {
    if (m.info.name || m.info.version) facts.push(`${m.file.rel}: ${[m.info.name, m.info.version].filter(Boolean).join(' ')}`);
  }
  const leftOutTotal = [...leftOut.values()].reduce((a, b) => a + b, 0);
  const asides = [ignoredCount ? `${ignoredCount} left out by .gitignore` : '', leftOutTotal ? `${leftOutTotal} installed, vendored or built` : ''].filter(Boolean);
  facts.push(`Files: ${files.length}${asides.length ? ` (and ${asides.join(', ')})` : ''}`);

  // The budget, in characters (a token is about 4).
  const total = Math.max(2000, Math.floor(ctx.budgetTokens * 4));
  const parts: string[] = [];
  parts.push(`# ${title}\n\nA code repository (folder "${basename(folder)}"). ${facts.join('. ')}.\n`);
  if (readme?.text) {
    const max = Math.floor(total * 0.3);
    const text = headOf(readme.text.trim(), max);
    parts.push(`## README (${readme.rel})\n\n${text}${text.length < readme.text.trim().length ? `\n\n[README cut here: ${text.length} of ${readme.text.trim().length} characters shown]` : ''}\n`);
  }
  const entryPoints = new Set<string>();
  for (const m of manifests) {
    const info = m.info;
    for (const e of info.entryPoints) entryPoints.add(e);
    let section = `## Manifest: ${m.file.rel}\n\n`;
    if (info.name) section += `- Name: ${info.name}\n`;
    if (info.version) section += `- Version: ${info.version}\n`;
    if (info.description) section += `- Description: ${info.description}\n`;
    section += listed('Authors', info.authors, 10);
    section += listed('Dependencies', uniq(info.dependencies));
    section += listed('Development dependencies', uniq(info.devDependencies));
    section += listed('Commands', info.commands.map((c) => (c.length > 100 ? `${c.slice(0, 99)}…` : c)), 20);
    section += listed('Entry points', info.entryPoints, 10);
    // A manifest this reader does not understand is shown as it is, within a share of the budget.
    if (!info.name && !info.dependencies.length && !info.commands.length) {
      const raw = m.file.text ?? '';
      const shown = headOf(raw, Math.floor(total * 0.08));
      section += `\n${fenced(m.file.rel, shown)}${shown.length < raw.length ? `[${m.file.rel} cut here: ${shown.length} of ${raw.length} characters shown]\n` : ''}`;
    }
    parts.push(section);
  }
  const leftOutNote = [...leftOut.entries()].map(([dir, n]) => `${dir} (${LEFT_OUT_DIRS[basename(dir.slice(0, -1))] ?? 'left out'}, ${n} file${n === 1 ? '' : 's'})`);
  parts.push(
    `## File tree\n\n${fenceFor('')}text\n${compactTree(allPaths, Math.floor(total * 0.12))}\n${fenceFor('')}\n` +
      (leftOutNote.length ? `\nNot part of the tree: ${leftOutNote.join(', ')}.\n` : ''),
  );

  const shownApart = new Set<string>([...(readme ? [readme.rel] : []), ...manifests.map((m) => m.file.rel)]);
  const ranked = files
    .filter((f) => f.text !== undefined && !shownApart.has(f.rel) && mayShow(f.rel, f.size) && f.text.trim() !== '')
    .map((f) => ({ f, score: priority(f.rel, entryPoints) }))
    .sort((a, b) => b.score - a.score || a.f.rel.split('/').length - b.f.rel.split('/').length || (a.f.rel < b.f.rel ? -1 : 1));
  const used = () => parts.reduce((n, p) => n + p.length + 1, 0);
  const fileBlocks: string[] = [];
  const omitted: string[] = [];
  const footerReserve = 400;
  let remaining = total - used() - 40 - footerReserve;
  const perFile = Math.floor(total * 0.25);
  for (const { f, score } of ranked) {
    const text = (f.text ?? '').trim();
    let block = fencedFile(f.rel, text);
    if (block.length > perFile || block.length > remaining) {
      const room = Math.min(perFile, remaining) - f.rel.length - 80;
      if (room < 600 || score < 30) {
        omitted.push(f.rel);
        continue;
      }
      const head = headOf(text, room);
      block = fencedFile(f.rel, head, ` (first ${head.split('\n').length} of ${text.split('\n').length} lines)`);
    }
    fileBlocks.push(block);
    remaining -= block.length + 1;
  }
  if (fileBlocks.length) parts.push(`## Files (${fileBlocks.length} of ${ranked.length} text files, most informative first)\n\n${fileBlocks.join('\n')}`);
  if (omitted.length) {
    const names: string[] = [];
    let length = 0;
    for (const name of omitted) {
      if (length + name.length + 2 > footerReserve - 80) break;
      names.push(name);
      length += name.length + 2;
    }
    parts.push(`Not shown for lack of room: ${omitted.length} file${omitted.length === 1 ? '' : 's'} (${names.join(', ')}${names.length < omitted.length ? ', …' : ''}).\n`);
  }
  facts.push(`Shown: ${fileBlocks.length} of ${ranked.length} text files${readme ? ', the README' : ''}${manifests.length ? `, ${manifests.length} manifest${manifests.length === 1 ? '' : 's'}` : ''}`);

  const authors = uniq(manifests.flatMap((m) => m.info.authors));
  return {
    path: folder,
    kind: 'repository',
    hash,
    title,
    ...(primary?.info.url ? { url: primary.info.url.replace(/^git\+/, '') } : {}),
    authors,
    ...(primary?.info.description ? { description: primary.info.description } : {}),
    body: parts.join('\n').trim(),
    facts,
  };
}

/** Code repositories: a folder with a manifest (package.json, pyproject.toml, Cargo.toml, go.mod…). */
export const repositoryReader: SourceReader = {
  kind: 'repository',
  label: 'code repository',
  extensions: [],
  claimsFolder: isRepositoryFolder,
  read: (folder, ctx) => readRepository(folder, ctx),
};
