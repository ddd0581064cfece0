/**
 * Bench of `scriptorium mcp` (issue 16): a warm `search` round trip through the SDK client over stdio,
 * against the same queries as fresh `scriptorium search` processes (start + cache load + search), and
 * the time from a file edit to the edited text being found through the server, and the `status`
 * tool: its first call, its warm calls, and a call right after a raw note was added (which must
 * count it).
 *
 *   npm run bench:mcp              # 10,000 notes
 *   npm run bench:mcp -- 1000      # another size
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './lib/search-engines';
import { syntheticQueries, writeSyntheticVault } from './lib/synthetic-vault';
import { buildCliWithMcp, call, cleanEnv, stdioClient } from '../tests/cli/mcp-support';

const run = promisify(execFile);

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

async function main(): Promise<void> {
  const notes = Number(process.argv[2] ?? 10_000);
  const vault = mkdtempSync(path.join(tmpdir(), 'scriptorium-mcp-bench-'));
  const { cli, dispose } = await buildCliWithMcp();
  try {
    const written = await writeSyntheticVault(vault, notes);
    let t = process.hrtime.bigint();
    await run(process.execPath, [cli, 'index', '--vault', vault, '--json'], { env: cleanEnv(), maxBuffer: 1 << 24 });
    const indexMs = ms(t);
    const queries = syntheticQueries(50);

    t = process.hrtime.bigint();
    const server = await stdioClient(cli, vault);
    const startMs = ms(t);
    await call(server.client, 'search', { query: queries[0] });
    const firstAnswerMs = ms(t);
    for (const q of queries.slice(1, 5)) await call(server.client, 'search', { query: q });
    const warm: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      for (const q of queries) {
        const s = process.hrtime.bigint();
        const r = await call(server.client, 'search', { query: q });
        warm.push(ms(s));
        if (r.isError) throw new Error(r.text);
      }
    }

    type Status = { uncompiled: { count: number }; stale: { count: number } };
    const status = async (): Promise<Status> => {
      const r = await call(server.client, 'status');
      if (r.isError) throw new Error(r.text);
      return JSON.parse(r.text) as Status;
    };
    t = process.hrtime.bigint();
    const before = await status();
    const statusFirstMs = ms(t);
    const statusWarm: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = process.hrtime.bigint();
      await status();
      statusWarm.push(ms(s));
    }
    writeFileSync(path.join(vault, 'raw', 'Status bench.md'), '# Status bench\n\nA new raw note.\n');
    t = process.hrtime.bigint();
    const after = await status();
    const statusAfterEditMs = ms(t);
    if (after.uncompiled.count !== before.uncompiled.count + 1) throw new Error(`status counted ${after.uncompiled.count} uncompiled sources after a raw note was added, not ${before.uncompiled.count + 1}`);

    const fresh: number[] = [];
    for (const q of queries.slice(0, 10)) {
      const s = process.hrtime.bigint();
      await run(process.execPath, [cli, 'search', '--vault', vault, '--json', q], { env: cleanEnv(), maxBuffer: 1 << 24 });
      fresh.push(ms(s));
    }

    const edits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const word = `benchword${i}x${Date.now().toString(36)}`;
      const s = process.hrtime.bigint();
      writeFileSync(path.join(vault, `Edited ${i}.md`), `# Edited ${i}\n\nThe ${word} is here.\n`);
      for (;;) {
        const r = JSON.parse((await call(server.client, 'search', { query: word })).text) as { results: unknown[] };
        if (r.results.length > 0) break;
        if (ms(s) > 5000) throw new Error(`"${word}" was not found within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      edits.push(ms(s));
    }
    await server.close();

    const p = (values: number[], q: number) => round(percentile(values, q));
    const result = {
      notes: written.files,
      megabytes: round(written.bytes / 1e6),
      indexBuildMs: Math.round(indexMs),
      handshakeMs: Math.round(startMs),
      firstSearchAnsweredMs: Math.round(firstAnswerMs),
      warmSearch: { runs: warm.length, p50: p(warm, 50), p95: p(warm, 95), max: p(warm, 100) },
      freshCliSearch: { runs: fresh.length, p50: p(fresh, 50), p95: p(fresh, 95) },
      ratioP50: round(percentile(fresh, 50) / percentile(warm, 50)),
      editToSearchable: { runs: edits.length, p50: p(edits, 50), max: p(edits, 100) },
      status: { uncompiled: before.uncompiled.count, stale: before.stale.count, firstMs: Math.round(statusFirstMs), warm: { runs: statusWarm.length, p50: p(statusWarm, 50), max: p(statusWarm, 100) }, afterRawNoteAddedMs: Math.round(statusAfterEditMs) },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    dispose();
    rmSync(vault, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
