/** @jest-environment jsdom */
import { setup } from 'obsidian-test-mocks/setup';
import { App } from 'obsidian-test-mocks/obsidian';
import type { MetadataCache, TFile } from 'obsidian';
import { LinkResolver } from '../../src/core/markdown';
import type { LinkLookup } from '../../src/core/ports';
import { MetadataCacheLinks } from '../../src/obsidian/metadata-links';
import { obsidianLinkpathDest } from '../support/obsidian-link-index';

/**
 * One fixture of links, run against the CLI's pure resolver and against the plugin's adapter over
 * a metadataCache: the obsidian-test-mocks fake (for the cases its simplified resolver gets right)
 * and a small fake written from Obsidian's documented behaviour (tests/support/obsidian-link-index.ts).
 */
const FILES: Record<string, string> = {
  'Home.md': '# Home\n',
  'raw/Note.md': 'raw\n',
  'wiki/sources/Note.md': 'source\n',
  'wiki/sub/deep/Note.md': 'deep\n',
  'wiki/concepts/Dropck.md': '# Dropck\n',
  'wiki/rust/concepts/Dropck.md': '# Dropck (rust)\n',
  'wiki/concepts/Ownership.md': '---\naliases:\n  - Borrowing\n---\n# Ownership\n',
  'attachments/image.png': 'png',
};
const ALIASES = new Map([['wiki/concepts/Ownership.md', ['Borrowing']]]);

interface Case {
  what: string;
  linkpath: string;
  from: string;
  expected: string | null;
  /** The obsidian-test-mocks fake gets it right too (exact names and paths only). */
  mock: boolean;
}

const CASES: Case[] = [
  { what: 'a vault path', linkpath: 'raw/Note', from: 'Home.md', expected: 'raw/Note.md', mock: true },
  { what: 'a vault path with .md', linkpath: 'raw/Note.md', from: 'Home.md', expected: 'raw/Note.md', mock: true },
  { what: 'a unique name', linkpath: 'Home', from: 'wiki/concepts/Dropck.md', expected: 'Home.md', mock: true },
  { what: 'a name in another case', linkpath: 'home', from: 'wiki/concepts/Dropck.md', expected: 'Home.md', mock: false },
  { what: 'an attachment by name with its extension', linkpath: 'image.png', from: 'Home.md', expected: 'attachments/image.png', mock: true },
  { what: 'an attachment without its extension', linkpath: 'image', from: 'Home.md', expected: null, mock: false },
  { what: 'an alias (not a link destination)', linkpath: 'Borrowing', from: 'Home.md', expected: null, mock: true },
  { what: 'an alias in another case', linkpath: 'borrowing', from: 'wiki/concepts/Dropck.md', expected: null, mock: true },
  { what: 'nothing', linkpath: 'Missing', from: 'Home.md', expected: null, mock: true },
  { what: 'a duplicate name: the one in the linking note’s folder', linkpath: 'Note', from: 'wiki/sources/Other.md', expected: 'wiki/sources/Note.md', mock: false },
  { what: 'a duplicate name: else the shortest path, not the nearest folder', linkpath: 'Note', from: 'wiki/x.md', expected: 'raw/Note.md', mock: false },
  { what: 'a duplicate name from a subfolder: an ancestor folder counts for nothing', linkpath: 'Note', from: 'wiki/sub/deep/more/x.md', expected: 'raw/Note.md', mock: false },
  { what: 'a path tail', linkpath: 'rust/concepts/Dropck', from: 'Home.md', expected: 'wiki/rust/concepts/Dropck.md', mock: false },
  { what: 'a relative path', linkpath: './Dropck', from: 'wiki/concepts/Ownership.md', expected: 'wiki/concepts/Dropck.md', mock: false },
  { what: 'the linking note itself', linkpath: '', from: 'wiki/concepts/Ownership.md', expected: 'wiki/concepts/Ownership.md', mock: true },
];

beforeAll(() => setup());

async function mockApp() {
  const app = App.createConfigured__();
  for (const [path, text] of Object.entries(FILES)) await app.vault.create(path, text);
  return app;
}

function check(lookup: LinkLookup, cases: Case[]) {
  for (const c of cases) expect({ case: c.what, got: lookup.resolve(c.linkpath, c.from) }).toEqual({ case: c.what, got: c.expected });
}

describe('links resolve the same in the CLI and in the plugin', () => {
  it('the pure resolver (CLI) answers every case as Obsidian does, aliases given and ignored', () => {
    check(new LinkResolver(Object.keys(FILES), ALIASES), CASES);
  });

  it('the metadataCache adapter (plugin) over the obsidian-test-mocks fake answers the cases the fake resolves', async () => {
    const app = await mockApp();
    check(new MetadataCacheLinks(app.asOriginalType__().metadataCache), CASES.filter((c) => c.mock));
  });

  it('the metadataCache adapter (plugin) over a fake with Obsidian’s documented rules answers every case', async () => {
    const app = await mockApp();
    const files = app.vault.getFiles();
    const cache: Pick<MetadataCache, 'getFirstLinkpathDest'> = {
      getFirstLinkpathDest: (linkpath, sourcePath) => obsidianLinkpathDest(files, linkpath, sourcePath) as unknown as TFile | null,
    };
    check(new MetadataCacheLinks(cache), CASES);
  });
});
