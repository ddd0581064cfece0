import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A hostile world on disk: a temporary folder holding the vault (`vault/`) and, beside it, files
 * that belong to nobody's vault (`outside/`). Snapshots cover the whole folder, so a write that
 * escapes the vault shows up as well as one that escapes the wiki.
 */
export class World {
  readonly root: string;
  readonly vault: string;

  constructor(root: string) {
    this.root = root;
    this.vault = path.join(root, 'vault');
  }

  static create(prefix = 'scriptorium-faults-'): World {
    const world = new World(mkdtempSync(path.join(tmpdir(), prefix)));
    mkdirSync(world.vault, { recursive: true });
    mkdirSync(path.join(world.root, 'outside'), { recursive: true });
    return world;
  }

  /** A copy of this world in a new temporary folder (symbolic links copied as they are). */
  clone(): World {
    const copy = new World(mkdtempSync(path.join(tmpdir(), 'scriptorium-faults-')));
    cpSync(this.root, copy.root, { recursive: true, verbatimSymlinks: true });
    return copy;
  }

  write(rel: string, text: string | Buffer): void {
    const abs = path.join(this.root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }

  /** Writes a vault path. */
  put(rel: string, text: string | Buffer): void {
    this.write(path.join('vault', rel), text);
  }

  read(rel: string): string {
    return readFileSync(path.join(this.vault, rel), 'utf8');
  }

  snapshot(): Tree {
    return snapshot(this.root);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every entry under a folder: files by their bytes, symbolic links by their target. Paths use "/". */
export type Tree = Map<string, Entry>;
export type Entry = { kind: 'file'; bytes: Buffer } | { kind: 'link'; target: string };

export function snapshot(root: string): Tree {
  const out: Tree = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(rel, { kind: 'link', target: readlinkSync(abs) });
      else if (st.isDirectory()) walk(abs);
      else out.set(rel, { kind: 'file', bytes: readFileSync(abs) });
    }
  };
  walk(root);
  return out;
}

export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'link' || b.kind === 'link') return a.kind === b.kind && a.kind === 'link' && b.kind === 'link' && a.target === b.target;
  return a.bytes.equals(b.bytes);
}

export function entrySize(e: Entry | undefined): number {
  return e === undefined ? 0 : e.kind === 'file' ? e.bytes.length : 0;
}
