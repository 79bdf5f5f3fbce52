import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '@/db/client';
import { conversations, messages } from '@/db/schema';
import { testDialect } from '@/lib/testing/test-db';
import { importRequest } from './import';

/**
 * Bounded memory: a synthetic ChatGPT export of 2,000 conversations × 50 messages (~48 MB) is
 * imported through the request path (a streamed body, as the route gets it) while the heap is
 * measured after a forced collection every 100 conversations. What stays live must not grow with
 * the file: it is one conversation plus the parser's state, a few MB, where `JSON.parse` of the
 * file would hold several times the file size. The same holds at 10,000 conversations / 300 MB
 * (measured: 365 MB, live heap growth 3.5 MB, ~220 s on a busy 2-core machine).
 */

// IMPORT_MEMORY_CONVERSATIONS=10000 IMPORT_MEMORY_FILLER=5 makes the ~300 MB case (a few minutes).
const CONVERSATIONS = Number(process.env.IMPORT_MEMORY_CONVERSATIONS ?? 2_000);
const FILLER_REPEAT = Number(process.env.IMPORT_MEMORY_FILLER ?? 1);
const SCALED = process.env.IMPORT_MEMORY_CONVERSATIONS !== undefined;
const MESSAGES = 50;

// A real collection, so what is measured is what is live, not garbage waiting for the collector.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir: string;
let file: string;
let db: DB;

async function writeExport(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('[');
  const filler = 'The quick brown fox jumps over the lazy dog; 敏捷的棕色狐狸跳过了懒狗。 ';
  for (let c = 0; c < CONVERSATIONS; c++) {
    const mapping: Record<string, unknown> = { root: { id: 'root', message: null, parent: null, children: ['n0'] } };
    for (let m = 0; m < MESSAGES; m++) {
      const id = `n${m}`;
      mapping[id] = {
        id,
        parent: m === 0 ? 'root' : `n${m - 1}`,
        children: m < MESSAGES - 1 ? [`n${m + 1}`] : [],
        message: {
          id,
          author: { role: m % 2 ? 'assistant' : 'user', name: null, metadata: {} },
          create_time: 1_700_000_000 + c * 100 + m,
          update_time: null,
          content: { content_type: 'text', parts: [`Message ${m} of conversation ${c}. ${filler.repeat(FILLER_REPEAT)}`] },
          status: 'finished_successfully',
          end_turn: m % 2 === 1,
          weight: 1,
          metadata: m % 2 ? { model_slug: 'gpt-4o', finish_details: { type: 'stop' } } : {},
          recipient: 'all',
          channel: null,
        },
      };
    }
    const conversation = {
      title: `Synthetic ${c}`,
      create_time: 1_700_000_000 + c * 100,
      update_time: 1_700_000_000 + c * 100 + MESSAGES,
      mapping,
      current_node: `n${MESSAGES - 1}`,
      conversation_id: `synthetic-${c}`,
      id: `synthetic-${c}`,
    };
    await write((c ? ',' : '') + JSON.stringify(conversation));
  }
  await write(']');
  out.end();
  await once(out, 'finish');
}

// What is measured is importing into a SQLite file (better-sqlite3 in this process); on PostgreSQL
// the rows go to the server, a different memory profile, so this runs on the sqlite project only.
describe.skipIf(testDialect === 'postgres')('import in bounded memory', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qwen-chat-import-memory-'));
    file = join(dir, 'conversations.json');
    await writeExport(file);
    db = await openDatabase(join(dir, 'chat.db'));
  }, 600_000);

  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a ~48 MB export: live heap stays a small fraction of the file', async () => {
    const size = statSync(file).size;
    if (!SCALED) {
      expect(size).toBeGreaterThan(30e6);
      expect(size).toBeLessThan(60e6);
    }

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakLive = 0;
    const started = performance.now();
    const body = Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })) as ReadableStream<Uint8Array>;
    const request = new Request('http://app.test/api/import', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    const report = await importRequest(db, request, {
      maxBytes: 1e9,
      onProgress: (r) => {
        const done = r.imported + r.skipped + r.errors.length;
        if (done % 100 === 0) {
          gc();
          peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;

    expect(report).toMatchObject({ imported: CONVERSATIONS, skipped: 0, errors: [] });
    expect((await db.select({ n: count() }).from(conversations))[0]!.n).toBe(CONVERSATIONS);
    expect((await db.select({ n: count() }).from(messages))[0]!.n).toBe(CONVERSATIONS * MESSAGES);
    console.info(
      `[memory] ${(size / 1e6).toFixed(1)} MB, ${CONVERSATIONS} conversations in ${seconds.toFixed(1)} s; ` +
        `live heap growth at most ${(peakLive / 1e6).toFixed(1)} MB`,
    );
    // JSON.parse of the whole file alone would hold well over the file size.
    expect(peakLive).toBeLessThan(Math.min(size / 5, 60e6));
    if (!SCALED) expect(peakLive).toBeLessThan(15e6);
  }, 1_800_000);
});
