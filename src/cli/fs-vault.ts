import { promises as fs } from 'node:fs';
import path from 'node:path';
import { VaultConflictError, type VaultEvent, type VaultFileStat, type VaultListener, type VaultPort, type VaultWriteOptions } from '../core/ports/vault';
import type { StateStore } from '../core/ports/state-store';

/**
 * A vault folder on disk, seen the way Obsidian sees it: hidden files and folders (names starting
 * with ".") are not part of the vault. Writes are atomic (temporary file, then rename). Events are
 * reported for changes made through this object; the CLI is one-shot and does not watch the disk.
 */
export class FsVault implements VaultPort {
  readonly root: string;
  readonly configDir: string;
  private readonly listeners = new Set<VaultListener>();

  constructor(root: string, options: { configDir?: string } = {}) {
    this.root = path.resolve(root);
    this.configDir = options.configDir ?? '.obsidian';
  }

  /** The absolute path of a vault path, refusing anything that would leave the vault. */
  absolute(vaultPath: string): string {
    const abs = path.resolve(this.root, vaultPath);
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) {
      throw new Error(`Vault: "${vaultPath}" is outside the vault`);
    }
    return abs;
  }

  private emit(event: VaultEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async list(): Promise<VaultFileStat[]> {
    // Walk the folders first, then stat every file at once: one stat at a time costs
    // about 0.4 s on a 10k-note vault, in parallel a fraction of that.
    const files: { abs: string; rel: string }[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const folders: Promise<void>[] = [];
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        const abs = path.join(dir, entry.name);
        if (entry.isDirectory()) folders.push(walk(abs, childRel));
        else if (entry.isFile()) files.push({ abs, rel: childRel });
      }
      await Promise.all(folders);
    };
    await walk(this.root, '');
    const stats = await Promise.all(files.map((f) => fs.stat(f.abs).catch(() => null)));
    const out: VaultFileStat[] = [];
    stats.forEach((st, i) => {
      if (st) out.push({ path: files[i].rel.normalize('NFC'), mtime: Math.floor(st.mtimeMs), size: st.size });
    });
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }

  async stat(vaultPath: string): Promise<VaultFileStat | null> {
    try {
      const st = await fs.stat(this.absolute(vaultPath));
      return st.isFile() ? { path: vaultPath, mtime: Math.floor(st.mtimeMs), size: st.size } : null;
    } catch {
      return null;
    }
  }

  async read(vaultPath: string): Promise<string> {
    try {
      return await fs.readFile(this.absolute(vaultPath), 'utf8');
    } catch (error) {
      throw new Error(`Vault: cannot read "${vaultPath}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  async write(vaultPath: string, content: string, options: VaultWriteOptions = {}): Promise<void> {
    const abs = this.absolute(vaultPath);
    const existed = (await this.stat(vaultPath)) !== null;
    if (options.expected !== undefined) {
      const current = existed ? await this.read(vaultPath) : null;
      if (current !== options.expected) throw new VaultConflictError(vaultPath);
    }
    await writeAtomic(abs, content);
    this.emit({ type: existed ? 'modify' : 'create', path: vaultPath });
  }

  async delete(vaultPath: string): Promise<void> {
    try {
      await fs.unlink(this.absolute(vaultPath));
      this.emit({ type: 'delete', path: vaultPath });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const target = this.absolute(to);
    if ((await this.stat(to)) !== null) throw new Error(`Vault: "${to}" already exists`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.rename(this.absolute(from), target);
    this.emit({ type: 'rename', path: to, oldPath: from });
  }

  on(listener: VaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export async function writeAtomic(abs: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, content, 'utf8');
  await fs.rename(tmp, abs);
}

/** The plugin folder inside the vault's config folder; shared with the plugin. */
export class FsStateStore implements StateStore {
  readonly dir: string;

  constructor(vaultRoot: string, configDir = '.obsidian') {
    this.dir = path.join(path.resolve(vaultRoot), configDir, 'plugins', 'scriptorium');
  }

  private file(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key) || key.startsWith('.')) throw new Error(`State: invalid key "${key}"`);
    return path.join(this.dir, key);
  }

  async get(key: string): Promise<string | null> {
    try {
      return await fs.readFile(this.file(key), 'utf8');
    } catch {
      return null;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await writeAtomic(this.file(key), value);
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }

  async createExclusive(key: string, value: string): Promise<boolean> {
    const file = this.file(key);
    await fs.mkdir(this.dir, { recursive: true });
    let handle;
    try {
      handle = await fs.open(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      await handle.writeFile(value, 'utf8');
    } finally {
      await handle.close();
    }
    return true;
  }
}
