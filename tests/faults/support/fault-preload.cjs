'use strict';
/*
 * Fault preload for the built CLI: `node --require fault-preload.cjs cli.js …`.
 *
 * Counts the mutating file operations (write, open for writing, rename, unlink/rm, mkdir,
 * copy, append, symlink, truncate — sync, callback and fs.promises forms) whose path lies under
 * FAULT_ROOT, and at operation number FAULT_AT (1-based) does FAULT_ACTION:
 *   kill    SIGKILL to itself before the operation runs (a crash, a power cut)
 *   enospc  the operation fails with ENOSPC; with FAULT_PERSIST=1 the disk stays full: every later
 *           operation that needs space (write, open for writing, mkdir, copy, link) fails too, while
 *           rename and unlink still work, as on a real full disk
 *   eio     the operation fails with EIO (once)
 * FAULT_TRACE=<file> appends one JSON line per counted operation: {n, kind, path}.
 * FAULT_DELAY_MS=<ms> delays every counted rename by that long (widens race windows).
 * FAULT_MARK=<file> appends {n, kind, path, action} when a fault is injected, so the test knows.
 *
 * esbuild bundles keep `require("node:fs")` and read properties at call time, so replacing the
 * functions on the shared `fs` and `fs.promises` objects reaches every call the CLI makes.
 */
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

const root = process.env.FAULT_ROOT ? path.resolve(process.env.FAULT_ROOT) : '';
const at = Number(process.env.FAULT_AT || 0);
const action = process.env.FAULT_ACTION || '';
const persist = process.env.FAULT_PERSIST === '1';
const traceFile = process.env.FAULT_TRACE || '';
const markFile = process.env.FAULT_MARK || '';
const delayMs = Number(process.env.FAULT_DELAY_MS || 0);

// Keep the originals: the preload's own bookkeeping must not count or fault itself.
const appendFileSyncRaw = fs.appendFileSync;
let count = 0;
const NEEDS_SPACE = new Set(['writeFile', 'appendFile', 'open', 'mkdir', 'copyFile', 'symlink', 'link']);

function under(p) {
  if (!root || p === undefined || p === null) return false;
  let s;
  if (typeof p === 'string') s = p;
  else if (Buffer.isBuffer(p)) s = p.toString('utf8');
  else if (p instanceof URL) s = p.pathname;
  else return false; // a file descriptor: counted at its open
  const abs = path.resolve(s);
  return abs === root || abs.startsWith(root + path.sep);
}

function writingFlags(flags) {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === 'number') {
    const c = fs.constants;
    return (flags & (c.O_WRONLY | c.O_RDWR | c.O_CREAT | c.O_TRUNC | c.O_APPEND)) !== 0;
  }
  return /[wa+]/.test(String(flags));
}

function faultError(code, kind, p) {
  const errno = code === 'ENOSPC' ? os.constants.errno.ENOSPC : os.constants.errno.EIO;
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  const e = new Error(`${code}: ${text}, ${kind} '${p}'`);
  e.code = code;
  e.errno = -errno;
  e.syscall = kind;
  e.path = String(p);
  return e;
}

/** Counts one operation; returns an Error to fail it with, or null to let it run. */
function account(kind, p) {
  count += 1;
  const n = count;
  if (traceFile) appendFileSyncRaw(traceFile, JSON.stringify({ n, kind, path: String(p) }) + '\n');
  const hit = at > 0 && (n === at || (persist && n > at && NEEDS_SPACE.has(kind)));
  if (!hit) return null;
  if (markFile) appendFileSyncRaw(markFile, JSON.stringify({ n, kind, path: String(p), action }) + '\n');
  if (action === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is delivered at once; never let the operation run meanwhile.
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
  if (action === 'enospc') return faultError('ENOSPC', kind, p);
  if (action === 'eio') return faultError('EIO', kind, p);
  return null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wraps one operation in its three forms. `pick(args)` returns the path (or null when the call
 * is not a mutation, e.g. open for reading), `kind` names it in the trace.
 */
function wrapSync(obj, name, kind, pick) {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) {
    const p = pick(args);
    if (p !== null && under(p)) {
      const error = account(kind, p);
      if (error) throw error;
    }
    return orig.apply(this, args);
  };
}

function wrapCallback(obj, name, kind, pick) {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  const wrapped = function (...args) {
    const p = pick(args);
    if (p !== null && under(p)) {
      const error = account(kind, p);
      if (error) {
        const cb = args[args.length - 1];
        if (typeof cb === 'function') {
          process.nextTick(() => cb(error));
          return undefined;
        }
        throw error;
      }
      if (kind === 'rename' && delayMs > 0) {
        setTimeout(() => orig.apply(this, args), delayMs);
        return undefined;
      }
    }
    return orig.apply(this, args);
  };
  // Keep util.promisify working on the wrapped form where Node defines a custom one.
  if (orig[Symbol.for('nodejs.util.promisify.custom')]) wrapped[Symbol.for('nodejs.util.promisify.custom')] = orig[Symbol.for('nodejs.util.promisify.custom')];
  obj[name] = wrapped;
}

function wrapPromise(obj, name, kind, pick) {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = async function (...args) {
    const p = pick(args);
    if (p !== null && under(p)) {
      const error = account(kind, p);
      if (error) throw error;
      if (kind === 'rename' && delayMs > 0) await sleep(delayMs);
    }
    return orig.apply(this, args);
  };
}

const first = (args) => args[0];
const second = (args) => args[1];
const openPick = (args) => (writingFlags(args[1]) ? args[0] : null);
const ops = [
  ['writeFile', 'writeFile', first],
  ['appendFile', 'appendFile', first],
  ['open', 'open', openPick],
  ['rename', 'rename', second],
  ['unlink', 'unlink', first],
  ['rm', 'rm', first],
  ['rmdir', 'rmdir', first],
  ['mkdir', 'mkdir', first],
  ['copyFile', 'copyFile', second],
  ['cp', 'copyFile', second],
  ['symlink', 'symlink', second],
  ['link', 'link', second],
  ['truncate', 'truncate', first],
];

for (const [name, kind, pick] of ops) {
  wrapSync(fs, `${name}Sync`, kind, pick);
  wrapCallback(fs, name, kind, pick);
  wrapPromise(fs.promises, name, kind, pick);
}

// fs.createWriteStream opens through fs.open (callback form), already counted above.
