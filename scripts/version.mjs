// Bumps the plugin's three version files together: package.json (with package-lock.json),
// manifest.json and versions.json (which maps each plugin version to the oldest Obsidian it runs on,
// the manifest's minAppVersion).
//
//   npm version patch|minor|major|X.Y.Z   npm bumps package.json and package-lock.json, then runs this
//                                         (the "version" script), which follows with manifest.json and
//                                         versions.json and stages them, so npm's commit and tag hold all.
//   npm run version -- patch|minor|major|X.Y.Z
//   node scripts/version.mjs X.Y.Z        bumps all of them in the working tree, without git.
//
// Obsidian reads the release tag as the version: tags are plain X.Y.Z, no "v" (see docs/releasing.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`version: ${message}`);
  process.exit(1);
}

/** @param {string} name */
function file(name) {
  return path.join(root, name);
}

/**
 * @typedef {{ version?: string, minAppVersion?: string, packages?: Record<string, { version?: string }> } & Record<string, unknown>} JsonFile
 * @typedef {{ value: JsonFile, indent: string }} Loaded
 */

/** Reads a JSON file and remembers its indentation, so a rewrite changes only the version lines.
 * @param {string} name @returns {Loaded} */
function readJson(name) {
  if (!existsSync(file(name))) fail(`${name} is missing in ${root}; run this from the repository's root.`);
  const text = readFileSync(file(name), 'utf8');
  /** @type {JsonFile} */
  let value;
  try {
    /** @type {unknown} */
    const parsed = JSON.parse(text);
    value = /** @type {JsonFile} */ (parsed);
  } catch (error) {
    fail(`${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return { value, indent };
}

/** @param {string} name @param {Loaded} file */
function writeJson(name, { value, indent }) {
  writeFileSync(file(name), JSON.stringify(value, null, indent) + '\n');
}

/** @param {string} current @param {string} kind */
function bump(current, kind) {
  const m = SEMVER.exec(current);
  if (!m) fail(`the current version "${current}" is not X.Y.Z, so it cannot be bumped by "${kind}"; give the new version instead.`);
  const [major, minor, patch] = m.slice(1).map(Number);
  if (kind === 'major') return `${major + 1}.0.0`;
  if (kind === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const pkg = readJson('package.json');
const manifest = readJson('manifest.json');
const versions = readJson('versions.json');

// Run by `npm version`, npm has already written the new version into package.json and says so.
const fromNpmVersion = process.env.npm_new_version;
const arg = process.argv[2];
let target;
if (arg) {
  target = ['major', 'minor', 'patch'].includes(arg) ? bump(pkg.value.version ?? '', arg) : arg;
} else if (fromNpmVersion) {
  target = fromNpmVersion;
} else {
  fail('give the new version (X.Y.Z) or patch, minor or major, e.g. `npm run version -- 0.2.0`.');
}
if (!SEMVER.test(target)) fail(`"${target}" is not a version of the form X.Y.Z (Obsidian compares plain numbers).`);

const minAppVersion = manifest.value.minAppVersion;
if (typeof minAppVersion !== 'string' || !SEMVER.test(minAppVersion)) fail('manifest.json has no minAppVersion of the form X.Y.Z.');

// package.json and the lock file (npm has done both when it runs this as its "version" script).
if (pkg.value.version !== target) {
  pkg.value.version = target;
  writeJson('package.json', pkg);
  if (existsSync(file('package-lock.json'))) {
    const lock = readJson('package-lock.json');
    lock.value.version = target;
    if (lock.value.packages?.['']) lock.value.packages[''].version = target;
    writeJson('package-lock.json', lock);
  }
}

manifest.value.version = target;
writeJson('manifest.json', manifest);
versions.value[target] = minAppVersion;
writeJson('versions.json', versions);

console.log(`version: ${target} in package.json, manifest.json and versions.json (minAppVersion ${minAppVersion})`);

// Inside `npm version`, stage the two files npm does not know about so its commit and tag include them.
if (fromNpmVersion && !arg && existsSync(file('.git'))) {
  execFileSync('git', ['add', 'manifest.json', 'versions.json'], { cwd: root, stdio: 'inherit' });
}
