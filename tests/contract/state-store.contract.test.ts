/**
 * One contract, three stores. Every StateStore — the memory store the core's tests use, the CLI's
 * filesystem store over a real temporary folder, and the plugin's store over Obsidian's adapter
 * (the test fake's) — must behave the same way, and the plugin's store must survive a crash at any
 * adapter call of a `set` or `delete`: afterwards a fresh store reads the old value or the new one,
 * never nothing and never a torn one.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSystemAdapter } from 'obsidian-test-mocks/obsidian';
import type { DataAdapter } from 'obsidian';
import { FsStateStore } from '../../src/cli/fs-vault';
import type { StateStore } from '../../src/core/ports/state-store';
import { hashText } from '../../src/core/markdown/hash';
import { sealedBytesName, sealedTempName } from '../../src/core/ports/sealed-temp';
import { ObsidianStateStore } from '../../src/obsidian/obsidian-vault';
import { MemoryStateStore } from '../support/memory-vault';

const PLUGIN_DIR = '.obsidian/plugins/scriptorium';

interface Subject {
  /** A store over the storage. */
  store: StateStore;
  /** Another store over the same storage, as a restarted process would build. */
  fresh(): StateStore;
  /** Names of every file left in the store's folder (none for memory). */
  leftovers(): Promise<string[]>;
  dispose(): Promise<void>;
}

const subjects: [string, () => Promise<Subject>][] = [
  [
    'MemoryStateStore',
    () => {
      const store = new MemoryStateStore();
      return Promise.resolve({ store, fresh: () => store, leftovers: () => Promise.resolve([]), dispose: () => Promise.resolve() });
    },
  ],
  [
    'FsStateStore (a real temporary folder)',
    async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'scriptorium-state-'));
      const store = new FsStateStore(root);
      return {
        store,
        fresh: () => new FsStateStore(root),
        leftovers: () => readdir(store.dir).catch(() => []),
        dispose: () => rm(root, { recursive: true, force: true }),
      };
    },
  ],
  [
    "ObsidianStateStore (the fake's adapter)",
    () => {
      const adapter = FileSystemAdapter.create__('/vault').asOriginalType__();
      return Promise.resolve({
        store: new ObsidianStateStore(adapter, PLUGIN_DIR),
        fresh: () => new ObsidianStateStore(adapter, PLUGIN_DIR),
        leftovers: async () => ((await adapter.exists(PLUGIN_DIR)) ? (await adapter.list(PLUGIN_DIR)).files.map((f) => f.slice(f.lastIndexOf('/') + 1)) : []),
        dispose: () => Promise.resolve(),
      });
    },
  ],
];

describe.each(subjects)('StateStore contract: %s', (_name, make) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await make();
  });
  afterEach(() => subject.dispose());

  it('returns null for a key never written', async () => {
    expect(await subject.store.get('never-written.json')).toBeNull();
  });

  it('returns what was set, exactly, and the latest value after a second set; a restarted store reads the same', async () => {
    const texts = ['{"a":1}', '', 'ünïcødé 漢字 🙂\r\nline two\n', 'x'.repeat(200_000), 'ends like a temp name.12-0123456789abcdef.tmp'];
    for (const text of texts) {
      await subject.store.set('value.json', text);
      expect(await subject.store.get('value.json')).toBe(text);
      expect(await subject.fresh().get('value.json')).toBe(text);
    }
    expect(await subject.leftovers()).toEqual(expect.not.arrayContaining([expect.stringMatching(/\.tmp$/)]));
  });

  it('keeps keys apart', async () => {
    await subject.store.set('a.json', 'A');
    await subject.store.set('b.json', 'B');
    expect(await subject.store.get('a.json')).toBe('A');
    expect(await subject.store.get('b.json')).toBe('B');
  });

  it('deletes a key, and deleting a missing key is not an error', async () => {
    await subject.store.set('gone.json', 'soon gone');
    await subject.store.delete('gone.json');
    expect(await subject.store.get('gone.json')).toBeNull();
    expect(await subject.fresh().get('gone.json')).toBeNull();
    await expect(subject.store.delete('gone.json')).resolves.toBeUndefined();
    await expect(subject.store.delete('never-there.json')).resolves.toBeUndefined();
  });

  it('creates a key exclusively: true for the first call, false after, and the first value stays', async () => {
    expect(await subject.store.createExclusive('writer.lock', 'first')).toBe(true);
    expect(await subject.store.createExclusive('writer.lock', 'second')).toBe(false);
    expect(await subject.fresh().createExclusive('writer.lock', 'third')).toBe(false);
    expect(await subject.store.get('writer.lock')).toBe('first');
    await subject.store.delete('writer.lock');
    expect(await subject.store.createExclusive('writer.lock', 'again')).toBe(true);
    expect(await subject.store.get('writer.lock')).toBe('again');
  });

  it('does not create a key exclusively over one that was set', async () => {
    await subject.store.set('taken.json', 'set value');
    expect(await subject.store.createExclusive('taken.json', 'other')).toBe(false);
    expect(await subject.store.get('taken.json')).toBe('set value');
  });

  it('refuses keys that are not plain file names', async () => {
    for (const key of ['../escape', 'a/b', '.hidden', '', 'back\\slash', 'sp ace']) {
      await expect(subject.store.set(key, 'x')).rejects.toThrow(/invalid key/);
      await expect(subject.store.get(key)).rejects.toThrow(/invalid key/);
      await expect(subject.store.delete(key)).rejects.toThrow(/invalid key/);
      await expect(subject.store.createExclusive(key, 'x')).rejects.toThrow(/invalid key/);
    }
  });

  it('runs concurrent sets of one key to a value that one of them set', async () => {
    await Promise.all(['one', 'two', 'three', 'four'].map((v) => subject.store.set('race.json', v)));
    expect(['one', 'two', 'three', 'four']).toContain(await subject.fresh().get('race.json'));
  });
});

/** The process "dies" at adapter call number `failAt`: that call fails (a write first leaves half its text), and so does every later one. */
function crashingAdapter(adapter: DataAdapter, failAt: number): { adapter: DataAdapter; calls: () => number; crashed: () => boolean } {
  let calls = 0;
  const wrapped = new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]): Promise<unknown> => {
        calls++;
        if (calls >= failAt) {
          if (calls === failAt && property === 'write' && typeof args[0] === 'string' && typeof args[1] === 'string') {
            await target.write(args[0], args[1].slice(0, Math.floor(args[1].length / 2)));
          }
          if (calls === failAt && property === 'writeBinary' && typeof args[0] === 'string' && args[1] instanceof ArrayBuffer) {
            await target.writeBinary(args[0], args[1].slice(0, Math.floor(args[1].byteLength / 2)));
          }
          throw new Error(`simulated crash at adapter call ${calls} (${String(property)})`);
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { adapter: wrapped, calls: () => calls, crashed: () => calls >= failAt };
}

describe('ObsidianStateStore after a crash at every adapter call', () => {
  const KEY = 'plan-journal.json';
  const OLD = JSON.stringify({ entries: ['the old journal'] });
  const NEW = JSON.stringify({ entries: ['the old journal', 'a new plan', 'x'.repeat(500)] });
  const THIRD = JSON.stringify({ entries: ['a third version'] });

  const fakeAdapter = () => FileSystemAdapter.create__('/vault').asOriginalType__();

  /** How many adapter calls `work` makes when nothing fails. */
  async function callsOf(prepare: (store: StateStore) => Promise<void>, work: (store: StateStore) => Promise<void>): Promise<number> {
    const adapter = fakeAdapter();
    await prepare(new ObsidianStateStore(adapter, PLUGIN_DIR));
    const counting = crashingAdapter(adapter, Number.POSITIVE_INFINITY);
    await work(new ObsidianStateStore(counting.adapter, PLUGIN_DIR));
    return counting.calls();
  }

  for (const old of [OLD, null]) {
    const label = old === null ? 'the first set of a key' : 'a set over an old value';
    it(`${label}: a fresh store reads the old or the new value, and the next set works and leaves no temporary file`, async () => {
      const prepare = async (store: StateStore) => {
        if (old !== null) await store.set(KEY, old);
      };
      const total = await callsOf(prepare, (s) => s.set(KEY, NEW));
      expect(total).toBeGreaterThanOrEqual(5);
      const seen = new Set<string | null>();
      for (let n = 1; n <= total; n++) {
        const adapter = fakeAdapter();
        await prepare(new ObsidianStateStore(adapter, PLUGIN_DIR));
        const crashing = crashingAdapter(adapter, n);
        await expect(new ObsidianStateStore(crashing.adapter, PLUGIN_DIR).set(KEY, NEW)).rejects.toThrow(/simulated crash/);
        const after = await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY);
        expect([old, NEW]).toContain(after);
        seen.add(after);
        const restarted = new ObsidianStateStore(adapter, PLUGIN_DIR);
        await restarted.set(KEY, THIRD);
        expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBe(THIRD);
        expect((await adapter.list(PLUGIN_DIR)).files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      }
      // The crash points cover both outcomes: early ones keep the old value, late ones the new.
      expect(seen).toEqual(new Set([old, NEW]));
    });
  }

  it('survives a second crash during the set that follows an interrupted one', async () => {
    const prepare = (store: StateStore) => store.set(KEY, OLD);
    const first = await callsOf(prepare, (s) => s.set(KEY, NEW));
    /** A fake with OLD set, then a set of NEW that died at call `n`. */
    const interrupted = async (n: number) => {
      const adapter = fakeAdapter();
      await prepare(new ObsidianStateStore(adapter, PLUGIN_DIR));
      await expect(new ObsidianStateStore(crashingAdapter(adapter, n).adapter, PLUGIN_DIR).set(KEY, NEW)).rejects.toThrow(/simulated crash/);
      return adapter;
    };
    for (let n = 1; n <= first; n++) {
      const survivor = await new ObsidianStateStore(await interrupted(n), PLUGIN_DIR).get(KEY);
      for (let m = 1; ; m++) {
        const adapter = await interrupted(n);
        const crashing = crashingAdapter(adapter, m);
        const finished = await new ObsidianStateStore(crashing.adapter, PLUGIN_DIR).set(KEY, THIRD).then(
          () => true,
          () => false,
        );
        const after = await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY);
        if (finished) {
          expect(after).toBe(THIRD);
          break;
        }
        expect([survivor, THIRD]).toContain(after);
      }
    }
  });

  it('a crash during delete leaves the value or nothing, never an older value', async () => {
    const prepare = async (store: StateStore) => {
      await store.set(KEY, OLD);
      await store.set(KEY, NEW);
    };
    const total = await callsOf(prepare, (s) => s.delete(KEY));
    for (let n = 1; n <= total; n++) {
      const adapter = fakeAdapter();
      await prepare(new ObsidianStateStore(adapter, PLUGIN_DIR));
      await new ObsidianStateStore(crashingAdapter(adapter, n).adapter, PLUGIN_DIR).delete(KEY).catch(() => undefined);
      expect([NEW, null]).toContain(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY));
    }
  });

  it('reads a complete temporary file when the main one is missing or cut short, puts it in place, and ignores a torn one', async () => {
    const adapter = fakeAdapter();
    const main = `${PLUGIN_DIR}/${KEY}`;
    const sealed = `${main}.${NEW.length}-${hashText(NEW)}.tmp`;
    // Torn: the name promises more text than the file holds.
    await adapter.write(sealed, NEW.slice(0, 40));
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBeNull();
    // Same length, other text: the hash does not match.
    await adapter.write(sealed, NEW.replace('new plan', 'old plan'));
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBeNull();
    // Complete: read, and moved into place for every later reader (the command line included).
    await adapter.write(sealed, NEW);
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBe(NEW);
    expect(await adapter.read(main)).toBe(NEW);
    expect(await adapter.exists(sealed)).toBe(false);
    // The key's file cut short while being written (a crash in the middle): the complete text wins and is put back.
    await adapter.write(sealed, NEW);
    await adapter.write(main, NEW.slice(0, 25));
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBe(NEW);
    expect(await adapter.read(main)).toBe(NEW);
    expect(await adapter.exists(sealed)).toBe(false);
    // While the main file holds another complete value, a leftover temporary file is not read.
    await adapter.write(sealed, NEW);
    await adapter.write(main, OLD);
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get(KEY)).toBe(OLD);
  });

  it('never lets the key disappear while a set runs, so another process never finds the writer lock free', async () => {
    const adapter = fakeAdapter();
    const main = `${PLUGIN_DIR}/writer.lock`;
    await new ObsidianStateStore(adapter, PLUGIN_DIR).set('writer.lock', '{"holder":"obsidian","heartbeat":1}');
    const gaps: string[] = [];
    const watching = new Proxy(adapter, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]): Promise<unknown> => {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (!(await target.exists(main))) gaps.push(`after ${String(property)}`);
          return result;
        };
      },
    });
    await new ObsidianStateStore(watching, PLUGIN_DIR).set('writer.lock', '{"holder":"obsidian","heartbeat":2}');
    expect(gaps).toEqual([]);
    expect(await new ObsidianStateStore(adapter, PLUGIN_DIR).get('writer.lock')).toBe('{"holder":"obsidian","heartbeat":2}');
  });

  it('stores the plain value in the main file, so the command line reads what the plugin wrote', async () => {
    const adapter = fakeAdapter();
    await new ObsidianStateStore(adapter, PLUGIN_DIR).set(KEY, NEW);
    expect(await adapter.read(`${PLUGIN_DIR}/${KEY}`)).toBe(NEW);
  });
});

describe('FsStateStore reading what an interrupted set of the plugin left', () => {
  const KEY = 'plan-journal.json';
  const OLD = JSON.stringify({ version: 1, entries: [{ planId: 'a' }] });
  const NEW = JSON.stringify({ version: 1, entries: [{ planId: 'a' }, { planId: 'b-pending' }] });
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'scriptorium-sealed-'));
    dir = path.join(root, '.obsidian', 'plugins', 'scriptorium');
    await mkdir(dir, { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reads the complete sealed copy when the plugin crashed while writing the key in place', async () => {
    await writeFile(path.join(dir, sealedTempName(KEY, NEW)), NEW);
    await writeFile(path.join(dir, KEY), NEW.slice(0, 30));
    expect(await new FsStateStore(root).get(KEY)).toBe(NEW);
  });

  it('reads the sealed copy when the key was new and the crash came before its file was written', async () => {
    await writeFile(path.join(dir, sealedTempName(KEY, NEW)), NEW);
    expect(await new FsStateStore(root).get(KEY)).toBe(NEW);
  });

  it('ignores a torn sealed copy and a stale one the key no longer begins', async () => {
    await writeFile(path.join(dir, sealedTempName(KEY, NEW)), NEW.slice(0, 20));
    await writeFile(path.join(dir, KEY), OLD);
    expect(await new FsStateStore(root).get(KEY)).toBe(OLD);
    await writeFile(path.join(dir, sealedTempName(KEY, NEW)), NEW);
    const later = JSON.stringify({ version: 1, entries: [{ planId: 'c-from-the-command-line' }] });
    await writeFile(path.join(dir, KEY), later);
    expect(await new FsStateStore(root).get(KEY)).toBe(later);
  });
});

describe('ObsidianStateStore while another process removes a key', () => {
  it('reads a key removed between its existence check and its read as absent, not as an error', async () => {
    const adapter = FileSystemAdapter.create__('/vault').asOriginalType__();
    const store = new ObsidianStateStore(adapter, PLUGIN_DIR);
    await store.set('writer.lock', '{"owner":"the command line"}');
    // The command line releases its lock right after Obsidian saw the file exist.
    const racing = new Proxy(adapter, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'read' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (path: string) => {
          if (path.endsWith('/writer.lock')) await target.remove(path);
          return (value as (p: string) => Promise<string>).call(target, path);
        };
      },
    });
    expect(await new ObsidianStateStore(racing, PLUGIN_DIR).get('writer.lock')).toBeNull();
  });
});

describe.each(subjects)('StateStore bytes contract: %s', (_name, make) => {
  let subject: Subject;
  beforeEach(async () => {
    subject = await make();
  });
  afterEach(() => subject.dispose());

  const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255);

  it('has both bytes methods', () => {
    expect(typeof subject.store.getBytes).toBe('function');
    expect(typeof subject.store.setBytes).toBe('function');
  });

  it('returns null for a key never written, exactly the bytes set, the latest after a second set; a restarted store reads the same', async () => {
    expect(await subject.store.getBytes!('never.bin')).toBeNull();
    for (const bytes of [bytesOf(0, 1), bytesOf(1, 2), bytesOf(70_001, 3), bytesOf(3, 4)]) {
      await subject.store.setBytes!('vectors.bin', bytes);
      expect(Array.from((await subject.store.getBytes!('vectors.bin'))!)).toEqual(Array.from(bytes));
      expect(Array.from((await subject.fresh().getBytes!('vectors.bin'))!)).toEqual(Array.from(bytes));
    }
    expect(await subject.leftovers()).toEqual(expect.not.arrayContaining([expect.stringMatching(/\.tmp$/)]));
  });

  it('deletes bytes, and refuses keys that are not plain file names', async () => {
    await subject.store.setBytes!('gone.bin', bytesOf(10, 5));
    await subject.store.delete('gone.bin');
    expect(await subject.store.getBytes!('gone.bin')).toBeNull();
    expect(await subject.fresh().getBytes!('gone.bin')).toBeNull();
    for (const key of ['../escape', 'a/b', '.hidden', '']) {
      await expect(subject.store.setBytes!(key, bytesOf(2, 1))).rejects.toThrow(/invalid key/);
      await expect(subject.store.getBytes!(key)).rejects.toThrow(/invalid key/);
    }
  });
});

describe('ObsidianStateStore setBytes after a crash at every adapter call', () => {
  const KEY = 'search-vectors.bin';
  const OLD = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
  const NEW = Uint8Array.from({ length: 900 }, (_, i) => (i * 7) & 255);
  const fakeAdapter = () => FileSystemAdapter.create__('/vault').asOriginalType__();
  const same = (a: Uint8Array | null, b: Uint8Array | null) => a !== null && b !== null && a.length === b.length && a.every((x, i) => x === b[i]);

  for (const old of [OLD, null]) {
    it(`${old === null ? 'the first set' : 'a set over old bytes'}: a fresh store reads the old or the new bytes, and the next set works and leaves no temporary file`, async () => {
      const prepare = async (store: StateStore) => {
        if (old !== null) await store.setBytes!(KEY, old);
      };
      const counting = fakeAdapter();
      await prepare(new ObsidianStateStore(counting, PLUGIN_DIR));
      const counter = crashingAdapter(counting, Number.POSITIVE_INFINITY);
      await new ObsidianStateStore(counter.adapter, PLUGIN_DIR).setBytes(KEY, NEW);
      const total = counter.calls();
      expect(total).toBeGreaterThanOrEqual(4);
      const seen = new Set<string>();
      for (let n = 1; n <= total; n++) {
        const adapter = fakeAdapter();
        await prepare(new ObsidianStateStore(adapter, PLUGIN_DIR));
        await expect(new ObsidianStateStore(crashingAdapter(adapter, n).adapter, PLUGIN_DIR).setBytes(KEY, NEW)).rejects.toThrow(/simulated crash/);
        const after = await new ObsidianStateStore(adapter, PLUGIN_DIR).getBytes(KEY);
        const which = same(after, NEW) ? 'new' : old !== null && same(after, old) ? 'old' : after === null && old === null ? 'none' : 'torn';
        expect(which).not.toBe('torn');
        seen.add(which);
        await new ObsidianStateStore(adapter, PLUGIN_DIR).setBytes(KEY, OLD);
        expect(same(await new ObsidianStateStore(adapter, PLUGIN_DIR).getBytes(KEY), OLD)).toBe(true);
        expect((await adapter.list(PLUGIN_DIR)).files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      }
      expect(seen.has('new')).toBe(true);
    });
  }
});

describe('FsStateStore reading the bytes an interrupted setBytes of the plugin left', () => {
  it('reads the complete sealed copy when the key file is cut short or missing, and ignores a torn copy', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'scriptorium-sealed-bytes-'));
    try {
      const dir = path.join(root, '.obsidian', 'plugins', 'scriptorium');
      await mkdir(dir, { recursive: true });
      const KEY = 'search-vectors.bin';
      const NEW = Uint8Array.from({ length: 500 }, (_, i) => (i * 13) & 255);
      await writeFile(path.join(dir, sealedBytesName(KEY, NEW)), NEW);
      await writeFile(path.join(dir, KEY), NEW.subarray(0, 100));
      expect(Array.from((await new FsStateStore(root).getBytes(KEY))!)).toEqual(Array.from(NEW));
      await rm(path.join(dir, KEY));
      expect(Array.from((await new FsStateStore(root).getBytes(KEY))!)).toEqual(Array.from(NEW));
      await writeFile(path.join(dir, sealedBytesName(KEY, NEW)), NEW.subarray(0, 250));
      expect(await new FsStateStore(root).getBytes(KEY)).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
