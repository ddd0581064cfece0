import { hashText } from '../../../src/core/markdown/hash';
import { SECTION_WORDS, SectionTable, type SectionMeta } from '../../../src/core/search/section-table';

const meta = (path: string, line: number, heading: string | null = null, continued = false): SectionMeta => ({
  path,
  heading,
  line,
  endLine: line + 3,
  continued,
  hash: hashText(`${path}:${line}`),
});

/** A table holding these passages, as a persist writes and a load reads it. */
function roundTrip(entries: [number, SectionMeta][], idLimit = 1000): SectionTable {
  const source = new SectionTable();
  for (const [id, m] of entries) source.set(id, m);
  const paths = [...new Set(entries.map(([, m]) => m.path))];
  const { bytes, headings } = source.encode(
    entries.map(([id]) => id),
    (p) => paths.indexOf(p),
  );
  return SectionTable.decode(bytes, paths, new Map(headings), idLimit);
}

describe('SectionTable', () => {
  const entries: [number, SectionMeta][] = [
    [3, meta('a.md', 1, 'Intro')],
    [4, meta('a.md', 5, 'Intro', true)],
    [9, meta('b/c.md', 2)],
    [10, meta('b/c.md', 7, '日本語の見出し')],
  ];

  it('moves passages added since into its columns (seal), on a new table and after a load, with the same answers', () => {
    for (const start of [new SectionTable(), roundTrip(entries)]) {
      const table = start;
      const added: [number, SectionMeta][] = [
        [20, meta('d.md', 1, 'Later')],
        [21, meta('a.md', 9)],
        [5000, meta('e.md', 3, null, true)],
      ];
      for (const [id, m] of added) table.set(id, m);
      const expected = new Map<number, SectionMeta>([...(table.size > 3 ? entries : []), ...added]);
      const before = [...expected.keys()].map((id) => [table.get(id), table.pathOf(id), table.hashOf(id)]);
      table.seal();
      expect(table.size).toBe(expected.size);
      expect([...expected.keys()].map((id) => [table.get(id), table.pathOf(id), table.hashOf(id)])).toEqual(before);
      expect([...table.keys()].sort((x, y) => x - y)).toEqual([...expected.keys()].sort((x, y) => x - y));
      // Sealed passages are replaced and removed like loaded ones, and a second seal keeps them all.
      table.set(21, meta('a.md', 30, 'Moved'));
      table.delete(20);
      table.set(6000, meta('f.md', 2));
      table.seal();
      expect(table.get(21)).toEqual(meta('a.md', 30, 'Moved'));
      expect(table.has(20)).toBe(false);
      expect(table.get(20)).toBeUndefined();
      expect(table.get(6000)).toEqual(meta('f.md', 2));
      expect(table.size).toBe(expected.size);
      // And its byte form is the same as a table that was never sealed.
      const plain = new SectionTable();
      for (const id of table.keys()) plain.set(id, table.get(id)!);
      const ids = [...table.keys()];
      const paths = [...new Set(ids.map((id) => table.pathOf(id)!))];
      expect(table.encode(ids, (p) => paths.indexOf(p))).toEqual(plain.encode(ids, (p) => paths.indexOf(p)));
    }
  });

  it('reads back every passage as it was written, from columns', () => {
    const table = roundTrip(entries);
    expect(table.size).toBe(4);
    for (const [id, m] of entries) {
      expect(table.get(id)).toEqual(m);
      expect(table.pathOf(id)).toBe(m.path);
      expect(table.hashOf(id)).toBe(m.hash);
      expect(table.has(id)).toBe(true);
    }
    expect(table.get(5)).toBeUndefined();
    expect(table.pathOf(-1)).toBeUndefined();
    expect([...table.keys()].sort((x, y) => x - y)).toEqual([3, 4, 9, 10]);
  });

  it('takes passages set and deleted after the load, over the loaded ones', () => {
    const table = roundTrip(entries);
    table.set(4, meta('a.md', 6, 'Changed'));
    table.delete(9);
    table.set(20, meta('new.md', 1));
    expect(table.size).toBe(4);
    expect(table.get(4)).toEqual(meta('a.md', 6, 'Changed'));
    expect(table.has(9)).toBe(false);
    expect(table.get(9)).toBeUndefined();
    expect(table.pathOf(20)).toBe('new.md');
    expect([...table.keys()].sort((x, y) => x - y)).toEqual([3, 4, 10, 20]);
    table.delete(20);
    table.delete(4);
    table.delete(4);
    expect(table.size).toBe(2);
    // Written again, the mix reads back the same.
    const again = roundTrip([...table.keys()].map((id) => [id, table.get(id)!]));
    expect(again.get(10)).toEqual(entries[3][1]);
    expect(again.get(3)).toEqual(entries[0][1]);
  });

  it('refuses a table that does not fit its notes, before allocating by a damaged id', () => {
    const source = new SectionTable();
    for (const [id, m] of entries) source.set(id, m);
    const ids = entries.map(([id]) => id);
    const paths = ['a.md', 'b/c.md'];
    const { bytes, headings } = source.encode(ids, (p) => paths.indexOf(p));
    const heads = () => new Map(headings);
    const edit = (row: number, word: number, value: number) => {
      const copy = bytes.slice();
      new DataView(copy.buffer).setUint32((row * SECTION_WORDS + word) * 4, value, true);
      return copy;
    };
    expect(() => SectionTable.decode(bytes.subarray(0, bytes.length - 3), paths, heads(), 1000)).toThrow('cut');
    expect(() => SectionTable.decode(edit(0, 0, 0x7fffffff), paths, heads(), 1000)).toThrow('past the next id');
    expect(() => SectionTable.decode(edit(1, 1, 2), paths, heads(), 1000)).toThrow('does not fit');
    expect(() => SectionTable.decode(edit(1, 0, 3), paths, heads(), 1000)).toThrow('does not fit');
    expect(() => SectionTable.decode(edit(2, 3, 1), paths, heads(), 1000)).toThrow('does not fit');
    expect(() => SectionTable.decode(edit(2, 2, 0), paths, heads(), 1000)).toThrow('does not fit');
    expect(() => SectionTable.decode(bytes, paths, new Map([...headings, [77, 'stray']]), 1000)).toThrow('heading of no passage');
    expect(SectionTable.decode(new Uint8Array(0), [], new Map(), 1).size).toBe(0);
  });
});
