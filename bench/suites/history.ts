/**
 * History at scale: 10,000 conversations / 1,000,000 messages (+ one of 2,000 messages and one of
 * 100) seeded into a temp file, the app started on it, and each read endpoint timed against a
 * trivial route on the same server (`GET /api/chat/<idle id>/stream`, a 204), in interleaved rounds.
 * Requests carry a browser's Accept-Encoding, so gzip of large bodies is part of the figure.
 */
import { join } from 'node:path';
import { countSearchMatches, seedDatabase, seedVocabulary } from '../../db/seed';
import { APP_HEADERS, startApp, type AppServer, type BenchContext, type Row } from '../lib/context';
import { fetchBuffer } from '../lib/http';
import { round, summarize } from '../lib/stats';
import { longChatSuite } from './long-chat';

interface Endpoint {
  id: string;
  figure: string;
  path: string;
  /** Sampled in every n-th round only (slow endpoints). */
  every: number;
  budget?: { p50: number };
  note?: string;
  /** Sampling time spent so far; an endpoint stops being sampled past the cap (after a minimum). */
  spentMs?: number;
}

export interface HistoryOptions {
  port: number;
  conversations: number;
  messages: number;
  /** Start-up time of the app on a fresh database, to report what the large one adds. */
  freshStartupMs: number;
  runTag: string;
}

async function get(ctx: BenchContext, app: AppServer, path: string, encoding = true): Promise<{ ms: number; status: number; body: Buffer }> {
  const headers: Record<string, string> = { accept: APP_HEADERS.accept };
  if (encoding) headers['accept-encoding'] = APP_HEADERS['accept-encoding'];
  const res = await fetchBuffer(`${app.url}${path}`, { agent: ctx.appAgent, headers, timeoutMs: 60_000 });
  return { ms: res.totalMs, status: res.status, body: res.body };
}

async function json<T>(ctx: BenchContext, app: AppServer, path: string): Promise<T> {
  const res = await get(ctx, app, path);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

export async function historySuite(ctx: BenchContext, options: HistoryOptions): Promise<Row[]> {
  const dbPath = join(ctx.tmp, 'history.db');
  ctx.log(`  seeding ${options.conversations.toLocaleString('en')} conversations / ${options.messages.toLocaleString('en')} messages …`);
  const seeded = seedDatabase(dbPath, {
    conversations: options.conversations,
    messages: options.messages,
    exact: [
      { count: 1, messages: 2_000 },
      { count: 1, messages: 100 },
    ],
    seed: 7,
  });
  ctx.log(`  seeded in ${round(seeded.ms / 1000, 1)} s (${round(seeded.characters / 1e6, 0)} M characters)`);
  const longId = seeded.exactIds[0]![0]!;
  const typicalId = seeded.exactIds[1]![0]!;

  const app = await startApp(ctx, options.port, dbPath);
  const rows: Row[] = [];
  try {
    ctx.log(`  app up in ${round(app.startupMs, 0)} ms on the large database`);
    // Cursor of page 101 (conversations 5,001–5,050) of 10,000: keyset pages should all cost the same.
    const deepPage = Math.min(101, Math.floor(options.conversations / 100) + 1);
    let cursor: string | null = null;
    for (let page = 1; page < deepPage; page++) {
      const body: { nextCursor: string | null } = await json(ctx, app, `/api/conversations${cursor ? `?cursor=${cursor}` : ''}`);
      cursor = body.nextCursor;
      if (!cursor) throw new Error(`only ${page} pages of conversations`);
    }

    const searchProbe = await get(ctx, app, '/api/search?q=render');
    const hasSearch = searchProbe.status === 200;

    const samples = ctx.quick ? 30 : 200;
    const endpoints: Endpoint[] = [
      { id: 'history.list', figure: 'GET /api/conversations (first page of 50)', path: '/api/conversations', every: 1, budget: { p50: 20 } },
      { id: 'history.list-deep', figure: `GET /api/conversations, page ${deepPage}`, path: `/api/conversations?cursor=${cursor}`, every: 1 },
      { id: 'history.detail-100', figure: 'GET /api/conversations/:id (100 messages)', path: `/api/conversations/${typicalId}`, every: 1 },
      {
        // What opening the conversation in the browser reads: its newest page (older pages load on scroll).
        id: 'history.open-2000',
        figure: 'opening a 2,000-message conversation (GET /api/conversations/:id?limit=100)',
        path: `/api/conversations/${longId}?limit=100`,
        every: 1,
        budget: { p50: 100 },
      },
      {
        id: 'history.detail-2000',
        figure: 'GET /api/conversations/:id, all 2,000 messages (scripts, export)',
        path: `/api/conversations/${longId}`,
        every: 4,
      },
    ];
    if (hasSearch) {
      // Words of the seeded text by frequency rank (Zipf), so each query's share of matches is known.
      const { words } = seedVocabulary();
      const queries = [
        { id: 'history.search', what: 'typical word', q: words[1_000]! },
        { id: 'history.search-frequent', what: 'frequent word', q: words[60]! },
        { id: 'history.search-rare', what: 'rare word', q: words[10_000]! },
        { id: 'history.search-none', what: 'no match', q: 'zqxjvw' },
        { id: 'history.search-cjk', what: 'Chinese, trigram index', q: '数据库' },
      ];
      for (const query of queries) {
        const cjk = /[^\x00-\x7f]/.test(query.q);
        const matches = countSearchMatches(dbPath, `"${query.q}"`, cjk ? 'messages_trigram' : 'messages_fts');
        endpoints.push({
          id: query.id,
          figure: `GET /api/search?q= (${query.what})`,
          path: `/api/search?q=${encodeURIComponent(query.q)}`,
          every: 2,
          budget: { p50: 50 },
          note: `"${query.q}" is in ${matches.toLocaleString('en')} messages (${round((matches / seeded.messages) * 100, 2)} %)`,
        });
      }
    }
    for (const e of endpoints) {
      const probe = await get(ctx, app, e.path);
      if (probe.status !== 200) throw new Error(`GET ${e.path}: HTTP ${probe.status}`);
    }
    const idle = `/api/chat/bench-idle-conversation/stream`;
    const idleProbe = await get(ctx, app, idle);
    if (idleProbe.status !== 204) throw new Error(`GET ${idle}: expected 204, got ${idleProbe.status}`);

    ctx.log(`  ${samples} interleaved rounds (baseline, then each endpoint)`);
    const times = new Map<string, number[]>(endpoints.map((e) => [e.id, []]));
    const baseline: number[] = [];
    const warmup = ctx.quick ? 3 : 10;
    // A slow endpoint (seconds per request) must not eat the run's time budget: past the cap it
    // stops being sampled once it has this many samples.
    const capMs = ctx.quick ? 5_000 : 20_000;
    const minSamples = ctx.quick ? 5 : 15;
    for (let i = 0; i < warmup + samples; i++) {
      const b = await get(ctx, app, idle);
      if (i >= warmup) baseline.push(b.ms);
      for (const e of endpoints) {
        if (i % e.every !== 0) continue;
        const list = times.get(e.id)!;
        if ((e.spentMs ?? 0) > capMs && list.length >= minSamples) continue;
        const r = await get(ctx, app, e.path);
        if (r.status !== 200) throw new Error(`GET ${e.path}: HTTP ${r.status}`);
        e.spentMs = (e.spentMs ?? 0) + r.ms;
        if (i >= warmup) list.push(r.ms);
      }
    }
    const base = summarize(baseline);

    // The 2,000-message body, uncompressed: how much of its time is gzip.
    const longPlain: number[] = [];
    let longBytes = 0;
    for (let i = 0; i < (ctx.quick ? 5 : 30); i++) {
      const r = await get(ctx, app, `/api/conversations/${longId}`, false);
      longPlain.push(r.ms);
      longBytes = r.body.length;
    }
    const longPlainS = summarize(longPlain);

    rows.push({
      id: 'history.seed',
      area: 'History at scale',
      figure: `seed ${round(seeded.conversations, 0).toLocaleString('en')} conversations / ${seeded.messages.toLocaleString('en')} messages`,
      unit: 's',
      value: round(seeded.ms / 1000, 1),
      baseline: `${round(seeded.characters / 1e6, 0)} M characters of text`,
    });
    rows.push({
      id: 'history.startup',
      area: 'History at scale',
      figure: 'server start-up added by the large database',
      unit: 'ms',
      value: round(app.startupMs - options.freshStartupMs, 0),
      baseline: `start-up on a fresh database: ${round(options.freshStartupMs, 0)} ms; on the large one: ${round(app.startupMs, 0)} ms`,
      note: 'spawn of `next start` to the first 200 from /api/conversations',
    });
    for (const e of endpoints) {
      const s = summarize(times.get(e.id)!);
      const p50 = s.p50 - base.p50;
      const p95 = s.p95 - base.p95;
      rows.push({
        id: e.id,
        area: 'History at scale',
        figure: e.figure,
        unit: 'ms',
        p50: round(p50),
        p95: round(p95),
        budget: e.budget ? { text: `p50 ≤ ${e.budget.p50}`, pass: p50 <= e.budget.p50 } : undefined,
        baseline: `trivial route (204): p50 ${round(base.p50)} ms, p95 ${round(base.p95)} ms`,
        samples: s.n,
        note:
          e.id === 'history.detail-2000'
            ? `${round(longBytes / 1e6, 1)} MB of JSON; without compression: p50 ${round(longPlainS.p50 - base.p50)} ms, p95 ${round(longPlainS.p95 - base.p95)} ms (added)`
            : e.note,
      });
    }
    // Last: it writes to the 2,000-message conversation.
    ctx.log('  long chats: a turn in the 2,000-message conversation (server, then Chromium)');
    rows.push(...(await longChatSuite(ctx, app, longId, options.runTag)));
    if (!hasSearch) {
      rows.push({
        id: 'history.search',
        area: 'History at scale',
        figure: 'GET /api/search?q=',
        unit: 'ms',
        budget: { text: 'p50 ≤ 50', pass: null },
        note: `n/a: no search endpoint in this build (GET /api/search answered ${searchProbe.status})`,
      });
    }
  } finally {
    await app.stop();
  }
  return rows;
}
