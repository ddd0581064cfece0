import { VaultIndex } from '../../../src/core/search/vault-index';
import { MemoryStateStore, MemoryVault } from '../../support/memory-vault';

/** A vault whose reads finish a tick later and count how many are in flight at once; some fail. */
class SlowVault extends MemoryVault {
  inFlight = 0;
  maxInFlight = 0;
  readonly failing = new Set<string>();

  override async read(path: string): Promise<string> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      if (this.failing.has(path)) throw new Error(`cannot read ${path}`);
      return await super.read(path);
    } finally {
      this.inFlight--;
    }
  }
}

function notes(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`notes/n${String(i).padStart(3, '0')}.md`] = `# Note ${i}\n\nword${i} shared text about topic${i % 7}\n`;
  return files;
}

describe('VaultIndex.sync reads ahead', () => {
  it('keeps several reads in flight, and indexes every note as before', async () => {
    const vault = new SlowVault(notes(60));
    const index = new VaultIndex({ vault, state: new MemoryStateStore(), debounceMs: 5 });
    const report = await index.sync();
    expect(report.added).toBe(60);
    expect(vault.maxInFlight).toBeGreaterThan(1);
    expect(vault.maxInFlight).toBeLessThanOrEqual(16);
    expect(index.paths()).toHaveLength(60);
    const hits = await index.search('word41');
    expect(hits.map((h) => h.path)).toEqual(['notes/n041.md']);
  });

  it('skips notes whose read failed, even one read ahead long before it is indexed', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const vault = new SlowVault(notes(40));
      vault.failing.add('notes/n001.md');
      vault.failing.add('notes/n030.md');
      const index = new VaultIndex({ vault, state: new MemoryStateStore(), debounceMs: 5 });
      const report = await index.sync();
      await new Promise((r) => setTimeout(r, 20));
      expect(report.added).toBe(38);
      expect(index.paths()).not.toContain('notes/n030.md');
      expect(index.paths()).toContain('notes/n029.md');
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
