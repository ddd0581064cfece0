import { readSource } from '../compile/source-reader';
import { hashText } from '../markdown';
import { basename, dirname, extname, resolveVaultPath } from '../markdown/paths';
import type { VaultFileStat } from '../ports/vault';
import { IMAGE_EXTENSIONS } from './image-reader';
import type { SourceImage, SourceReader } from './types';

// ![[figure.png]] / ![[figure.png|300]] and ![alt](path "title") / ![alt](<path with spaces>)
const WIKI_EMBED = /!\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]/g;
const MD_IMAGE = /!\[([^\]]*)\]\(\s*(<[^>]+>|[^)\s]+)(?:\s+["'][^"']*["'])?\s*\)/g;

/**
 * The images a note shows, in order, each once: local files resolved as Obsidian resolves embeds
 * (a path relative to the note or the vault, else the file of that name anywhere), remote http(s)
 * images by URL. Anything else (a data: URI, a file: URL, a missing file) is left out.
 */
export function embeddedImages(notePath: string, body: string, files: readonly VaultFileStat[]): SourceImage[] {
  const out: SourceImage[] = [];
  const seen = new Set<string>();
  const byName = new Map<string, string>();
  const paths = new Set<string>();
  for (const f of files) {
    paths.add(f.path);
    const name = basename(f.path).toLowerCase();
    if (!byName.has(name)) byName.set(name, f.path);
  }
  const local = (ref: string): string | undefined => {
    let target = ref.trim();
    try {
      target = decodeURIComponent(target);
    } catch {
      // Not percent-encoded after all: use it as written.
    }
    if (!IMAGE_EXTENSIONS.includes(extname(target).toLowerCase())) return undefined;
    const folder = dirname(notePath);
    for (const candidate of [folder ? `${folder}/${target}` : target, target]) {
      const p = resolveVaultPath(candidate);
      if (p && paths.has(p)) return p;
    }
    return byName.get(basename(target).toLowerCase());
  };
  const add = (image: SourceImage) => {
    const key = image.path ?? image.url ?? '';
    if (!key || seen.has(key)) return;
    seen.add(key);
    out.push(image);
  };
  const events: { at: number; image: () => SourceImage | undefined }[] = [];
  for (const m of body.matchAll(WIKI_EMBED)) {
    events.push({
      at: m.index ?? 0,
      image: () => {
        const path = local(m[1]);
        const alt = m[2] && !/^\d+(x\d+)?$/.test(m[2].trim()) ? m[2].trim() : '';
        return path ? { path, alt } : undefined;
      },
    });
  }
  for (const m of body.matchAll(MD_IMAGE)) {
    events.push({
      at: m.index ?? 0,
      image: () => {
        const ref = m[2].replace(/^<|>$/g, '');
        const alt = m[1].trim();
        if (/^https?:\/\//i.test(ref)) return { url: ref, alt };
        if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return undefined;
        const path = local(ref);
        return path ? { path, alt } : undefined;
      },
    });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    const image = e.image();
    if (image) add(image);
  }
  return out;
}

/** Markdown notes: Web Clipper pages, hand-written notes; frontmatter gives title, authors, URL. */
export const noteReader: SourceReader = {
  kind: 'note',
  label: 'note',
  extensions: ['.md'],
  async read(path, ctx) {
    const text = await ctx.vault.read(path);
    const doc = readSource(path, text, hashText(text));
    if (!('path' in doc)) return doc;
    const images = embeddedImages(path, doc.body, ctx.files);
    return images.length ? { ...doc, images } : doc;
  },
};
