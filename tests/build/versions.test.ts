import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const SEMVER = /^\d+\.\d+\.\d+$/;

function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

interface Manifest {
  version: string;
  minAppVersion: string;
}
interface Package {
  version: string;
  scripts: Record<string, string>;
}
interface Lock {
  version: string;
  packages: Record<string, { version?: string }>;
}

/** The npm commands a shell script or a workflow step runs, in order: `npm ci`, `npm test`, `npm run X`. */
function npmCommands(script: string): string[] {
  const found: string[] = [];
  for (const m of script.matchAll(/\bnpm (ci|test|run [\w:-]+)/g)) found.push(`npm ${m[1]}`);
  return found;
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('the three version files', () => {
  const pkg = readJson<Package>(path.join(root, 'package.json'));
  const manifest = readJson<Manifest>(path.join(root, 'manifest.json'));
  const versions = readJson<Record<string, string>>(path.join(root, 'versions.json'));
  const lock = readJson<Lock>(path.join(root, 'package-lock.json'));

  it('agree: package.json, package-lock.json and manifest.json have one X.Y.Z version, and versions.json maps it to minAppVersion', () => {
    expect(manifest.version).toMatch(SEMVER);
    expect(pkg.version).toBe(manifest.version);
    expect(lock.version).toBe(manifest.version);
    expect(lock.packages[''].version).toBe(manifest.version);
    expect(versions[manifest.version]).toBe(manifest.minAppVersion);
  });

  it('versions.json maps only X.Y.Z versions to X.Y.Z app versions, none newer than the current minAppVersion', () => {
    const parts = (v: string) => v.split('.').map(Number);
    const newer = (a: string, b: string) => {
      const [x, y] = [parts(a), parts(b)];
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
      return false;
    };
    for (const [plugin, app] of Object.entries(versions)) {
      expect(plugin).toMatch(SEMVER);
      expect(app).toMatch(SEMVER);
      expect(newer(app, manifest.minAppVersion)).toBe(false);
    }
  });

  it('CHANGELOG.md has a section for the current version (the release notes come from it)', () => {
    const changelog = readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'));
  });
});

describe('the version script', () => {
  /** A copy of the four files the script edits, with the real script. */
  function copy(): string {
    const dir = tempDir('scriptorium-version-');
    for (const f of ['package.json', 'package-lock.json', 'manifest.json', 'versions.json']) copyFileSync(path.join(root, f), path.join(dir, f));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.join(root, 'scripts/version.mjs'), path.join(dir, 'scripts/version.mjs'));
    return dir;
  }
  const current = readJson<Manifest>(path.join(root, 'manifest.json'));
  const [major, minor] = current.version.split('.').map(Number);

  it('is what `npm run version` runs', () => {
    expect(readJson<Package>(path.join(root, 'package.json')).scripts.version).toBe('node scripts/version.mjs');
  });

  it('bumps package.json, package-lock.json, manifest.json and versions.json together, keeping older entries', () => {
    const dir = copy();
    const run = spawnSync(process.execPath, ['scripts/version.mjs', 'minor'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const next = `${major}.${minor + 1}.0`;
    expect(readJson<Package>(path.join(dir, 'package.json')).version).toBe(next);
    const lock = readJson<Lock>(path.join(dir, 'package-lock.json'));
    expect([lock.version, lock.packages[''].version]).toEqual([next, next]);
    const manifest = readJson<Manifest>(path.join(dir, 'manifest.json'));
    expect(manifest).toEqual({ ...readJson<Manifest>(path.join(root, 'manifest.json')), version: next });
    const versions = readJson<Record<string, string>>(path.join(dir, 'versions.json'));
    expect(versions).toEqual({ ...readJson<Record<string, string>>(path.join(root, 'versions.json')), [next]: current.minAppVersion });
    // Only the version lines changed: the manifest keeps its layout.
    const before = readFileSync(path.join(root, 'manifest.json'), 'utf8');
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(before.replace(`"version": "${current.version}"`, `"version": "${next}"`));
  });

  it('follows `npm version`, which has bumped package.json itself', () => {
    const dir = copy();
    const next = '7.8.9';
    const pkg = readJson<Package>(path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version: next }, null, 2) + '\n');
    const run = spawnSync(process.execPath, ['scripts/version.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_new_version: next } });
    expect(run.status).toBe(0);
    expect(readJson<Manifest>(path.join(dir, 'manifest.json')).version).toBe(next);
    expect(readJson<Record<string, string>>(path.join(dir, 'versions.json'))[next]).toBe(current.minAppVersion);
  });

  it('refuses a version that is not X.Y.Z, in one sentence, and changes nothing', () => {
    const dir = copy();
    const run = spawnSync(process.execPath, ['scripts/version.mjs', 'v1.0'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('version: "v1.0" is not a version of the form X.Y.Z (Obsidian compares plain numbers).\n');
    expect(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  });
});

describe('the release workflow', () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    with?: Record<string, unknown>;
  }
  const workflow = parse(readFileSync(path.join(root, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const workflowRuns = steps.map((s) => s.run ?? '').join('\n');

  it('runs on a plain X.Y.Z tag, the form Obsidian reads', () => {
    const patterns = workflow.on.push.tags;
    expect(patterns).toEqual(['[0-9]+.[0-9]+.[0-9]+']);
  });

  it('runs the npm scripts .ci/run runs, in the same order', () => {
    const ci = npmCommands(readFileSync(path.join(root, '.ci/run'), 'utf8'));
    expect(ci).toEqual(expect.arrayContaining(['npm ci', 'npm run lint', 'npm run typecheck', 'npm run build', 'npm test']));
    expect(npmCommands(workflowRuns)).toEqual(ci);
    // And each is a script package.json defines.
    const scripts = readJson<Package>(path.join(root, 'package.json')).scripts;
    for (const command of ci.filter((c) => c.startsWith('npm run '))) expect(Object.keys(scripts)).toContain(command.slice('npm run '.length));
  });

  it('runs every node script .ci/run runs', () => {
    const nodeScripts = (text: string) => [...text.matchAll(/^\s*node (scripts\/[\w.-]+)/gm)].map((m) => m[1]);
    expect(nodeScripts(workflowRuns)).toEqual(nodeScripts(readFileSync(path.join(root, '.ci/run'), 'utf8')));
  });

  it('attaches main.js, manifest.json and styles.css to the release, with notes from CHANGELOG.md', () => {
    const publish = steps.find((s) => s.run?.includes('gh release create'));
    expect(publish?.run).toMatch(/gh release create "\$\{GITHUB_REF_NAME\}" main\.js manifest\.json styles\.css/);
    expect(workflowRuns).toContain('CHANGELOG.md');
  });

  it('builds, from `npm run build`, the three files it attaches', () => {
    // A production build in a scratch folder that links to the sources, so the repository's own
    // main.js and dist/ are neither needed nor touched.
    const dir = tempDir('scriptorium-release-');
    for (const f of ['src', 'scripts', 'node_modules', 'esbuild.config.mjs', 'tsconfig.json', 'package.json']) symlinkSync(path.join(root, f), path.join(dir, f));
    for (const f of ['manifest.json', 'styles.css']) copyFileSync(path.join(root, f), path.join(dir, f));
    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
    expect(build.status).toBe(0);
    for (const f of ['main.js', 'manifest.json', 'styles.css']) expect(existsSync(path.join(dir, f))).toBe(true);
    const main = readFileSync(path.join(dir, 'main.js'), 'utf8');
    expect(statSync(path.join(dir, 'main.js')).size).toBeGreaterThan(100_000);
    expect(main).toMatch(/^\/\* Scriptorium/);
    expect(main).not.toContain('sourceMappingURL');
    expect(main).toContain('require("obsidian")');
  }, 120_000);
});

describe('the npm package', () => {
  const pkg = readJson<Package & { private?: boolean; bin: Record<string, string>; files: string[]; dependencies: Record<string, string>; engines: { node: string } }>(
    path.join(root, 'package.json'),
  );

  it('is publishable, with the CLI as its bin, only what runs in files, and a prepack that builds', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ scriptorium: 'dist/cli.js' });
    expect([...pkg.files].sort()).toEqual(['LICENSE', 'README.md', 'dist/cli.js', 'dist/mcp-sdk.js']);
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.engines.node).toMatch(/^>=\d+\.\d+\.\d+$/);
  });

  it('depends at run time on exactly the packages the CLI bundle leaves outside it, pinned', () => {
    const config = readFileSync(path.join(root, 'esbuild.config.mjs'), 'utf8');
    const cli = /const cli = \{[\s\S]*?\n\};/.exec(config)?.[0] ?? '';
    const external = /external: \[([^\]]*)\]/.exec(cli)?.[1] ?? '';
    const kept = [...external.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(kept.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(kept.sort());
    for (const version of Object.values(pkg.dependencies)) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
