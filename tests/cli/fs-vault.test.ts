import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describeFsError, FsStateStore, FsVault, isTempFileName, VaultFsError } from '../../src/cli/fs-vault';
import { sanitizeFileName } from '../../src/core/markdown';
import type { VaultEvent } from '../../src/core/ports/vault';

function tempDir(prefix = 'scriptorium-fsvault-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function tempVault(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'raw'), { recursive: true });
  mkdirSync(path.join(dir, '.obsidian/plugins'), { recursive: true });
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  writeFileSync(path.join(dir, 'raw/Note one.md'), '# One');
  writeFileSync(path.join(dir, '.obsidian/app.json'), '{}');
  writeFileSync(path.join(dir, '.git/HEAD'), 'ref');
  writeFileSync(path.join(dir, '.hidden.md'), 'x');
  return dir;
}

/** Every file below `dir`, hidden ones included, as relative paths. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(d, entry.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

async function rejection(promise: Promise<unknown>): Promise<VaultFsError> {
  try {
    await promise;
  } catch (error) {
    return error as VaultFsError;
  }
  throw new Error('expected a rejection');
}

describe('FsVault', () => {
  it('lists the notes Obsidian would show, not hidden files or the config folder', async () => {
    const vault = new FsVault(tempVault());
    expect((await vault.list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
  });

  it('writes atomically, creating folders, and reports create then modify', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    const events: VaultEvent[] = [];
    vault.on((e) => events.push(e));
    await vault.write('wiki/concepts/Levain.md', 'a');
    await vault.write('wiki/concepts/Levain.md', 'b');
    expect(readFileSync(path.join(dir, 'wiki/concepts/Levain.md'), 'utf8')).toBe('b');
    expect(readdirSync(path.join(dir, 'wiki/concepts'))).toEqual(['Levain.md']);
    expect(events).toEqual([
      { type: 'create', path: 'wiki/concepts/Levain.md' },
      { type: 'modify', path: 'wiki/concepts/Levain.md' },
    ]);
  });

  it('refuses paths outside the vault', async () => {
    const vault = new FsVault(tempVault());
    const error = await rejection(vault.write('../escape.md', 'x'));
    expect(error.message).toContain('outside the vault');
    expect(error.code).toBe('EOUTSIDEVAULT');
    expect(() => vault.absolute('/etc/passwd')).toThrow('outside the vault');
  });

  it('renames without overwriting and deletes idempotently', async () => {
    const vault = new FsVault(tempVault());
    await vault.write('a.md', 'A');
    await vault.write('b.md', 'B');
    await expect(vault.rename('a.md', 'b.md')).rejects.toThrow('already exists');
    await vault.rename('a.md', 'sub/c.md');
    expect(await vault.read('sub/c.md')).toBe('A');
    await vault.delete('sub/c.md');
    await vault.delete('sub/c.md');
    expect(await vault.stat('sub/c.md')).toBeNull();
  });

  it('says which file it cannot read, what happened and what to do, keeping the code', async () => {
    const error = await rejection(new FsVault(tempVault()).read('missing.md'));
    expect(error.message).toBe(
      'Could not read "missing.md": there is no such file (ENOENT). It may have been moved, renamed or deleted meanwhile; check the name and run the command again.',
    );
    expect(error.code).toBe('ENOENT');
  });

  it('compares the expected text before writing', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    await expect(vault.write('raw/Note one.md', 'new', { expected: 'not what it holds' })).rejects.toMatchObject({ code: 'EVAULTCONFLICT' });
    await expect(vault.write('raw/Note one.md', 'new', { expected: null })).rejects.toMatchObject({ code: 'EVAULTCONFLICT' });
    expect(readFileSync(path.join(dir, 'raw/Note one.md'), 'utf8')).toBe('# One');
    await vault.write('raw/Note one.md', 'new', { expected: '# One' });
    await vault.write('wiki/fresh.md', 'f', { expected: null });
    expect(readFileSync(path.join(dir, 'raw/Note one.md'), 'utf8')).toBe('new');
  });
});

describe('FsVault temporary files', () => {
  it('uses a short hidden temporary name, so a 252-byte name can be written', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    // 83 CJK characters + ".md" = 252 bytes: legal, but "<name>.<pid>.<ms>.tmp" was not.
    const name = `wiki/sources/${'漢'.repeat(83)}.md`;
    await vault.write(name, 'text');
    expect(await vault.read(name)).toBe('text');
    expect(readdirSync(path.join(dir, 'wiki/sources'))).toEqual([`${'漢'.repeat(83)}.md`]);
  });

  it('removes the temporary file when the write fails, and says why', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    mkdirSync(path.join(dir, 'wiki/Taken.md/inside'), { recursive: true }); // a folder where the note should go
    const error = await rejection(vault.write('wiki/Taken.md', 'text'));
    expect(error.code).toBe('EISDIR');
    expect(error.message).toContain('Could not write "wiki/Taken.md": it is a folder, not a file (EISDIR).');
    expect(error.message).toContain('the file was left as it was.');
    expect(readdirSync(path.join(dir, 'wiki'))).toEqual(['Taken.md']);
  });

  it('does not list its temporary files, but lists a person\'s file that only looks like an old one', async () => {
    const dir = tempVault();
    writeFileSync(path.join(dir, 'raw/.sc-abcdef-123-0a1b2c3d.tmp'), '');
    writeFileSync(path.join(dir, 'raw/Note one.md.4242.1733390000000.tmp'), 'mine');
    expect((await new FsVault(dir).list()).map((f) => f.path)).toEqual(['raw/Note one.md', 'raw/Note one.md.4242.1733390000000.tmp']);
  });

  it('sweeps stale temporary files from the vault and the plugin folder, and leaves live ones', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    const host = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);
    const other = host === '000000' ? '111111' : '000000';
    const dead = deadPid();
    const alive = process.ppid;
    mkdirSync(path.join(dir, 'wiki/concepts'), { recursive: true });
    mkdirSync(vault.pluginDir, { recursive: true });
    const put = (rel: string, ageMs = 0) => {
      const abs = path.join(dir, rel);
      writeFileSync(abs, '');
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(abs, t, t);
    };
    const hour = 60 * 60 * 1000;
    const stale = [
      `wiki/concepts/.sc-${host}-${dead}-00000001.tmp`, // its process is gone
      `wiki/.sc-${host}-${alive}-00000002.tmp`, // a live process, but over an hour old
      `wiki/.sc-${other}-${alive}-00000003.tmp`, // another machine's, over an hour old
      `.obsidian/plugins/scriptorium/.sc-${host}-${dead}-00000004.tmp`,
    ];
    const kept = [
      `wiki/.sc-${host}-${alive}-00000005.tmp`, // a live process may still rename it
      `wiki/.sc-${other}-${dead}-00000006.tmp`, // another machine's pid means nothing here
      `wiki/.sc-${host}-${process.pid}-00000007.tmp`, // ours
      'wiki/.sc-notes.tmp', // not one of ours
      `raw/export.${dead}.1733390000000.tmp`, // a person's file that looks like an old temp name
      `raw/.sc-${host}-${dead}-00000009.tmp`, // outside the folders Scriptorium writes
      `notes/.sc-${host}-${dead}-0000000a.tmp`,
      `.git/.sc-${host}-${dead}-00000008.tmp`, // hidden folders other than the plugin's are not ours
    ];
    mkdirSync(path.join(dir, 'notes'), { recursive: true });
    put(stale[0]);
    put(stale[1], 2 * hour);
    put(stale[2], 2 * hour);
    put(stale[3]);
    for (const rel of kept) put(rel);
    expect(await vault.sweepTempFiles(['wiki'])).toBe(stale.length);
    for (const rel of stale) expect(existsSync(path.join(dir, rel))).toBe(false);
    for (const rel of kept) expect(existsSync(path.join(dir, rel))).toBe(true);
    expect(await vault.sweepTempFiles(['wiki'])).toBe(0);
  });

  it('recognises its temporary names', () => {
    expect(isTempFileName('.sc-0a1b2c-123-deadbeef.tmp')).toBe(true);
    expect(isTempFileName('Levain.md.123.1733390000000.tmp')).toBe(false); // could be a person's file
    expect(isTempFileName('Levain.md')).toBe(false);
    expect(isTempFileName('notes.tmp')).toBe(false);
  });
});

describe('FsVault names', () => {
  it('writes and reads back the longest names sanitizeFileName makes, with suffix and extension', async () => {
    const dir = tempVault();
    const vault = new FsVault(dir);
    const sources = [
      '漢'.repeat(120), // 360 bytes before the cap
      '天気予報の歴史と気象学の発展についての詳細な研究ノートと観測記録の整理'.repeat(4),
      '😀🚀🎉'.repeat(60),
      `Mixed 混合 naïve café ${'Ünïcödé 文字 🚀 '.repeat(20)}`,
      '👨‍👩‍👧‍👦'.repeat(30),
      'a'.repeat(400),
    ];
    for (const [i, source] of sources.entries()) {
      const stem = sanitizeFileName(source);
      for (const file of [`${stem} (49).md`, `${stem} 3f9a2c.md`, `${stem} 999.marp.md`, `${stem} 12.canvas`]) {
        expect(utf8(file)).toBeLessThanOrEqual(255);
        const p = `wiki/outputs/${file}`;
        await vault.write(p, `note ${i}`);
        expect(await vault.read(p)).toBe(`note ${i}`);
      }
    }
    expect((await vault.list()).filter((f) => f.path.startsWith('wiki/outputs/'))).toHaveLength(sources.length * 4);
  });

  it('says so, in words, when a name is too long for the disk', async () => {
    const error = await rejection(new FsVault(tempVault()).write(`wiki/${'字'.repeat(100)}.md`, 'x'));
    expect(error.code).toBe('ENAMETOOLONG');
    expect(error.message).toContain('the name is too long for this file system (ENAMETOOLONG)');
  });
});

describe('FsVault NFD names', () => {
  const nfdFolder = 'Ére'.normalize('NFD');
  const nfdName = 'Café crème.md'.normalize('NFD');
  const nfc = 'raw/Ére/Café crème.md'.normalize('NFC');

  function nfdVault(): string {
    const dir = tempVault();
    mkdirSync(path.join(dir, 'raw', nfdFolder));
    writeFileSync(path.join(dir, 'raw', nfdFolder, nfdName), 'décomposé');
    return dir;
  }

  it('reads, stats and overwrites a file stored in NFD under the path it lists', async () => {
    const dir = nfdVault();
    const vault = new FsVault(dir);
    const listed = (await vault.list()).map((f) => f.path);
    expect(listed).toContain(nfc);
    expect(await vault.read(nfc)).toBe('décomposé');
    expect(await vault.stat(nfc)).toMatchObject({ path: nfc, size: utf8('décomposé') });
    await vault.write(nfc, 'changed', { expected: 'décomposé' });
    // The same file was replaced; no NFC twin was created next to it.
    expect(readdirSync(path.join(dir, 'raw', nfdFolder))).toEqual([nfdName]);
    expect(readFileSync(path.join(dir, 'raw', nfdFolder, nfdName), 'utf8')).toBe('changed');
  });

  it('finds the NFD file from an NFD path too, and from a path typed half one way, half the other', async () => {
    const vault = new FsVault(nfdVault());
    expect(await vault.read(`raw/${nfdFolder}/${nfdName}`)).toBe('décomposé');
    expect(await vault.read(`raw/${'Ére'.normalize('NFC')}/${nfdName}`)).toBe('décomposé');
  });

  it('creates a new file in an NFD folder, and renames and deletes NFD files', async () => {
    const dir = nfdVault();
    const vault = new FsVault(dir);
    await vault.write('raw/Ére/Nouveau.md'.normalize('NFC'), 'n');
    expect(readdirSync(path.join(dir, 'raw')).sort()).toEqual(['Note one.md', nfdFolder].sort());
    await vault.rename(nfc, 'raw/Moved.md');
    expect(readFileSync(path.join(dir, 'raw/Moved.md'), 'utf8')).toBe('décomposé');
    await vault.delete('raw/Ére/Nouveau.md'.normalize('NFC'));
    expect(readdirSync(path.join(dir, 'raw', nfdFolder))).toEqual([]);
  });
});

describe('FsVault links', () => {
  function linkedVault(): { dir: string; outside: string } {
    const dir = tempVault();
    const outside = tempDir('scriptorium-outside-');
    writeFileSync(path.join(outside, 'secret.md'), 'private text');
    return { dir, outside };
  }

  it('neither writes, reads, lists nor deletes through a wiki folder that links out of the vault', async () => {
    const { dir, outside } = linkedVault();
    symlinkSync(outside, path.join(dir, 'wiki'), 'dir');
    const vault = new FsVault(dir);
    const write = await rejection(vault.write('wiki/concepts/Levain.md', 'x'));
    expect(write.code).toBe('EOUTSIDEVAULT');
    expect(write.message).toBe(
      '"wiki/concepts/Levain.md" is inside "wiki", a link to a place outside the vault; Scriptorium neither reads nor writes through it. Replace "wiki" with a real folder inside the vault, or remove the link, and run the command again.',
    );
    expect((await rejection(vault.read('wiki/secret.md'))).code).toBe('EOUTSIDEVAULT');
    expect(await vault.stat('wiki/secret.md')).toBeNull();
    expect((await rejection(vault.delete('wiki/secret.md'))).code).toBe('EOUTSIDEVAULT');
    expect((await rejection(vault.rename('wiki/secret.md', 'raw/secret.md'))).code).toBe('EOUTSIDEVAULT');
    expect((await rejection(vault.rename('raw/Note one.md', 'wiki/Note one.md'))).code).toBe('EOUTSIDEVAULT');
    expect((await vault.list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
    expect(allFiles(outside)).toEqual(['secret.md']);
    expect(readFileSync(path.join(outside, 'secret.md'), 'utf8')).toBe('private text');
    expect(readFileSync(path.join(dir, 'raw/Note one.md'), 'utf8')).toBe('# One');
  });

  it('refuses a deeper folder link (wiki/outputs) the same way', async () => {
    const { dir, outside } = linkedVault();
    mkdirSync(path.join(dir, 'wiki'));
    symlinkSync(outside, path.join(dir, 'wiki/outputs'), 'dir');
    const vault = new FsVault(dir);
    await vault.write('wiki/index.md', 'fine');
    const error = await rejection(vault.write('wiki/outputs/Answer.md', 'x'));
    expect(error.message).toContain('"wiki/outputs/Answer.md" is inside "wiki/outputs", a link to a place outside the vault');
    expect(allFiles(outside)).toEqual(['secret.md']);
  });

  it('does not read, overwrite or delete a note that is a link to a file outside', async () => {
    const { dir, outside } = linkedVault();
    mkdirSync(path.join(dir, 'wiki/concepts'), { recursive: true });
    symlinkSync(path.join(outside, 'secret.md'), path.join(dir, 'wiki/concepts/Leak.md'));
    const vault = new FsVault(dir);
    const read = await rejection(vault.read('wiki/concepts/Leak.md'));
    expect(read.code).toBe('EOUTSIDEVAULT');
    expect(read.message).toContain('"wiki/concepts/Leak.md" is a link to a place outside the vault');
    expect(read.message).not.toContain('private text');
    expect((await rejection(vault.write('wiki/concepts/Leak.md', 'overwritten'))).code).toBe('EOUTSIDEVAULT');
    expect((await rejection(vault.delete('wiki/concepts/Leak.md'))).code).toBe('EOUTSIDEVAULT');
    expect((await vault.list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
    expect(readFileSync(path.join(outside, 'secret.md'), 'utf8')).toBe('private text');
    expect(lstatSync(path.join(dir, 'wiki/concepts/Leak.md')).isSymbolicLink()).toBe(true);
  });

  it('does not create a file through a dangling link that points outside', async () => {
    const { dir, outside } = linkedVault();
    mkdirSync(path.join(dir, 'wiki'));
    symlinkSync(path.join(outside, 'new.md'), path.join(dir, 'wiki/New.md'));
    const vault = new FsVault(dir);
    expect((await rejection(vault.write('wiki/New.md', 'x'))).code).toBe('EOUTSIDEVAULT');
    expect(existsSync(path.join(outside, 'new.md'))).toBe(false);
  });

  it('does not reach hidden folders of the vault through a link', async () => {
    const dir = tempVault();
    mkdirSync(path.join(dir, 'wiki'));
    symlinkSync(path.join(dir, '.obsidian'), path.join(dir, 'wiki/config'), 'dir');
    const vault = new FsVault(dir);
    const read = await rejection(vault.read('wiki/config/app.json'));
    expect(read.code).toBe('EOUTSIDEVAULT');
    expect(read.message).toContain('"wiki/config/app.json" is inside "wiki/config", a link into ".obsidian", a hidden folder of the vault;');
    expect((await rejection(vault.write('wiki/config/app.json', 'x'))).code).toBe('EOUTSIDEVAULT');
    expect(readFileSync(path.join(dir, '.obsidian/app.json'), 'utf8')).toBe('{}');
    expect((await vault.list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
  });

  it('follows links that stay inside the vault, writing to the linked file and keeping the link', async () => {
    const dir = tempVault();
    symlinkSync(path.join(dir, 'raw'), path.join(dir, 'notes'), 'dir');
    symlinkSync(path.join(dir, 'raw/Note one.md'), path.join(dir, 'raw/Alias.md'));
    const vault = new FsVault(dir);
    expect((await vault.list()).map((f) => f.path)).toEqual(['notes/Alias.md', 'notes/Note one.md', 'raw/Alias.md', 'raw/Note one.md']);
    expect(await vault.read('notes/Note one.md')).toBe('# One');
    await vault.write('raw/Alias.md', 'through the link');
    expect(lstatSync(path.join(dir, 'raw/Alias.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'raw/Note one.md'), 'utf8')).toBe('through the link');
    await vault.write('notes/Added.md', 'a');
    expect(readFileSync(path.join(dir, 'raw/Added.md'), 'utf8')).toBe('a');
  });

  it('lists a folder link that loops back once, without walking it forever', async () => {
    const dir = tempVault();
    symlinkSync(dir, path.join(dir, 'raw/vault'), 'dir');
    symlinkSync(path.join(dir, 'raw'), path.join(dir, 'raw/again'), 'dir');
    expect((await new FsVault(dir).list()).map((f) => f.path)).toEqual(['raw/Note one.md']);
  });
});

describe('describeFsError', () => {
  const sys = (code: string) => Object.assign(new Error(`${code}: failed, open '/abs/path'`), { code });

  it.each([
    ['write', 'ENOSPC', 'Could not write "wiki/a.md": the disk is full (ENOSPC). Free some space and run the command again; the file was left as it was.'],
    ['write', 'EDQUOT', 'the disk quota is used up (EDQUOT)'],
    ['write', 'EIO', 'Could not write "wiki/a.md": the disk reported an input/output error (EIO). Check the disk, or the network or sync drive the vault is on, and run the command again'],
    ['read', 'EIO', 'Could not read "wiki/a.md": the disk reported an input/output error (EIO).'],
    ['write', 'ENAMETOOLONG', 'the name is too long for this file system (ENAMETOOLONG). Give the note, question or title it is named after a shorter name'],
    ['write', 'EACCES', 'permission was denied (EACCES). Check that you may read and write this file and its folder'],
    ['delete', 'EPERM', 'Could not delete "wiki/a.md": permission was denied (EPERM).'],
    ['write', 'EROFS', 'the disk is read-only (EROFS). Open the vault from a writable disk'],
    ['read', 'ENOENT', 'there is no such file (ENOENT)'],
    ['rename', 'ENOENT', 'Could not move "wiki/a.md": it, or its folder, is no longer there (ENOENT). It may have been moved or deleted meanwhile; run the command again.'],
    ['read', 'ENOTDIR', 'Could not read "wiki/a.md": there is no such file: part of the path is a file, not a folder (ENOTDIR). Check the name and run the command again.'],
    ['write', 'ENOTDIR', 'Could not write "wiki/a.md": part of the path is a file, not a folder (ENOTDIR). Rename or move that file out of the way'],
    ['write', 'EMFILE', 'too many files are open (EMFILE)'],
    ['write', 'EWHATEVER', "EWHATEVER: failed, open '/abs/path' (EWHATEVER). Run the command again; if it keeps failing, check the disk and the file's permissions"],
  ] as const)('%s %s', (operation, code, expected) => {
    const cause = sys(code);
    const error = describeFsError(operation, 'wiki/a.md', cause) as VaultFsError;
    expect(error.message).toContain(expected);
    expect(error.code).toBe(code);
    expect(error.path).toBe('wiki/a.md');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(VaultFsError);
  });

  it('keeps errors that already speak for themselves', () => {
    const own = new VaultFsError('x', { code: 'EOUTSIDEVAULT', path: 'p', operation: 'write' });
    expect(describeFsError('write', 'p', own)).toBe(own);
  });
});

describe('FsStateStore', () => {
  it('keeps plugin files in the plugin folder and refuses keys that are paths', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    await state.set('search-index.json', '{"v":1}');
    expect(readFileSync(path.join(dir, '.obsidian/plugins/scriptorium/search-index.json'), 'utf8')).toBe('{"v":1}');
    expect(await state.get('search-index.json')).toBe('{"v":1}');
    expect(await state.get('never-written')).toBeNull();
    await expect(state.set('../../escape', 'x')).rejects.toThrow('invalid key');
    await state.delete('search-index.json');
    expect(await state.get('search-index.json')).toBeNull();
  });

  it('leaves no temporary file when a write fails, and says why', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    mkdirSync(path.join(state.dir, 'plan-journal.json/x'), { recursive: true });
    const error = await rejection(state.set('plan-journal.json', '{}'));
    expect(error.code).toBe('EISDIR');
    expect(error.message).toContain('Could not write ".obsidian/plugins/scriptorium/plan-journal.json"');
    expect(readdirSync(state.dir)).toEqual(['plan-journal.json']);
  });

  it('fails loudly, not with "never set", when a value cannot be read', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    mkdirSync(path.join(state.dir, 'plan-journal.json'), { recursive: true });
    await expect(state.get('plan-journal.json')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('creates a key only when absent, whole, leaving no temporary file', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    expect(await state.createExclusive('writer.lock', '{"owner":"a"}')).toBe(true);
    expect(await state.createExclusive('writer.lock', '{"owner":"b"}')).toBe(false);
    expect(await state.get('writer.lock')).toBe('{"owner":"a"}');
    expect(readdirSync(state.dir)).toEqual(['writer.lock']);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => state.createExclusive('race.lock', `owner ${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await state.get('race.lock')).toBe(`owner ${results.indexOf(true)}`);
  });

  it('sweeps stale temporary files from its folder', async () => {
    const dir = tempVault();
    const state = new FsStateStore(dir);
    mkdirSync(state.dir, { recursive: true });
    const host = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);
    writeFileSync(path.join(state.dir, `.sc-${host}-${deadPid()}-0000000b.tmp`), '');
    expect(await state.sweepTempFiles()).toBe(1);
    expect(readdirSync(state.dir)).toEqual([]);
  });
});
