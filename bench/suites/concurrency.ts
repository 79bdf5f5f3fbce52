/**
 * Concurrency: 100 simultaneous streams, the stand-in pacing each at 50 tokens/s (100 tokens,
 * 20 ms apart). Rounds straight to the stand-in and through the app alternate; the app's process
 * tree RSS is sampled every 100 ms throughout.
 */
import { join } from 'node:path';
import { APP_HEADERS, STANDIN_HEADERS, startApp, type AppServer, type BenchContext, type Row } from '../lib/context';
import { redisServerPath, startRedis } from '../../lib/testing/redis-server';
import { postgresBinDir, startPostgres, type PostgresServer } from '../../lib/testing/postgres-server';
import { completionBody, timeStream, type StreamTiming } from '../lib/http';
import { rssSampler, treeRssBytes } from '../lib/procs';
import { loremTokens } from '../../lib/standin';
import { round, summarize } from '../lib/stats';

const STREAMS = 100;
const TOKENS = 100;
const DELAY_MS = 20;
const MB = 1024 * 1024;
const EXPECTED = loremTokens(TOKENS).join('');

interface RoundResult {
  ttft: number[];
  gaps: number[];
  errors: string[];
  chunks: number;
  tokens: number;
}

/** `apps`: one instance, or several sharing a database and Redis; stream i goes to apps[i % n]. */
async function round_(ctx: BenchContext, apps: AppServer | AppServer[], kind: 'app' | 'direct', tag: string, streams: number): Promise<RoundResult> {
  const all = Array.isArray(apps) ? apps : [apps];
  const text = (i: number) => `Stream ${tag}-${i}, at a steady pace please. [[tokens=${TOKENS}]] [[delay=${DELAY_MS}]]`;
  const one = (i: number): Promise<StreamTiming> =>
    kind === 'app'
      ? timeStream(`${all[i % all.length]!.url}/api/chat`, {
          kind,
          agent: ctx.appAgent,
          headers: { ...APP_HEADERS, origin: all[i % all.length]!.url },
          body: JSON.stringify({ id: `bench-${tag}-${i}`, message: { text: text(i) } }),
          recordArrivals: true,
          timeoutMs: 60_000,
        })
      : timeStream(`${ctx.standinUrl}/v1/chat/completions`, {
          kind,
          agent: ctx.standinAgent,
          headers: STANDIN_HEADERS,
          body: completionBody([{ role: 'user', content: text(i) }]),
          recordArrivals: true,
          timeoutMs: 60_000,
        });
  const results = await Promise.all(Array.from({ length: streams }, (_, i) => one(i)));
  const out: RoundResult = { ttft: [], gaps: [], errors: [], chunks: 0, tokens: 0 };
  for (const r of results) {
    if (r.error || r.status !== 200 || !r.finished || r.text !== EXPECTED) {
      out.errors.push(r.error ?? `status ${r.status}, ${r.text.length}/${EXPECTED.length} characters, finished ${r.finished}`);
      continue;
    }
    out.ttft.push(r.firstTextMs);
    out.chunks += r.textEvents;
    out.tokens += TOKENS;
    const a = r.arrivals!;
    for (let k = 1; k < a.length; k++) out.gaps.push(a[k]! - a[k - 1]!);
  }
  return out;
}

export type InstancesOptions = { counts: number[]; firstPort: number; redisPort: number; postgresPort: number };

export async function concurrencySuite(ctx: BenchContext, app: AppServer, runTag: string, instances?: InstancesOptions): Promise<Row[]> {
  const rounds = ctx.quick ? 1 : 3;
  ctx.log(`  ${STREAMS} simultaneous streams × ${rounds} rounds each way (+1 warm-up round)`);
  await round_(ctx, app, 'app', `${runTag}-cw`, STREAMS);
  const idleRss = treeRssBytes(app.proc.pid);
  const sampler = rssSampler(app.proc.pid, 100);
  const app_: RoundResult = { ttft: [], gaps: [], errors: [], chunks: 0, tokens: 0 };
  const direct: RoundResult = { ttft: [], gaps: [], errors: [], chunks: 0, tokens: 0 };
  for (let r = 0; r < rounds; r++) {
    const d = await round_(ctx, app, 'direct', `${runTag}-cd${r}`, STREAMS);
    const a = await round_(ctx, app, 'app', `${runTag}-ca${r}`, STREAMS);
    for (const [into, from] of [
      [direct, d],
      [app_, a],
    ] as const) {
      into.ttft.push(...from.ttft);
      into.gaps.push(...from.gaps);
      into.errors.push(...from.errors);
      into.chunks += from.chunks;
      into.tokens += from.tokens;
    }
  }
  const { peak, samples: rssSamples } = sampler.stop();
  const scaled = instances ? await instancesRows(ctx, runTag, instances, { ...app_, ttft: [...app_.ttft] }, direct) : [];

  const ttftApp = summarize(app_.ttft);
  const ttftDirect = summarize(direct.ttft);
  const gapApp = summarize(app_.gaps);
  const gapDirect = summarize(direct.gaps);
  const total = rounds * STREAMS;
  const ttftAdded = { p50: ttftApp.p50 - ttftDirect.p50, p95: ttftApp.p95 - ttftDirect.p95 };
  const gapRatio = { p50: gapApp.p50 / gapDirect.p50, p95: gapApp.p95 / gapDirect.p95 };
  return [
    {
      id: 'concurrency.errors',
      area: 'Concurrency (100 streams)',
      figure: 'failed streams via app',
      unit: 'count',
      value: app_.errors.length,
      budget: { text: '0', pass: app_.errors.length === 0 },
      baseline: `direct: ${direct.errors.length} of ${total} failed`,
      samples: total,
      note: app_.errors.length ? `first error: ${app_.errors[0]}` : undefined,
    },
    {
      id: 'concurrency.ttft',
      area: 'Concurrency (100 streams)',
      figure: 'time to first token, added',
      unit: 'ms',
      p50: round(ttftAdded.p50),
      p95: round(ttftAdded.p95),
      budget: { text: 'p95 ≤ 100', pass: ttftAdded.p95 <= 100 },
      baseline: `direct: p50 ${round(ttftDirect.p50)} ms, p95 ${round(ttftDirect.p95)} ms`,
      samples: ttftApp.n,
    },
    {
      id: 'concurrency.gap',
      area: 'Concurrency (100 streams)',
      figure: 'gap between text chunks, via app ÷ direct',
      unit: '×',
      p50: round(gapRatio.p50),
      p95: round(gapRatio.p95),
      budget: { text: 'p95 ≤ 2×', pass: gapRatio.p95 <= 2 },
      baseline: `direct: p50 ${round(gapDirect.p50)} ms, p95 ${round(gapDirect.p95)} ms; via app: p50 ${round(gapApp.p50)}, p95 ${round(gapApp.p95)}`,
      samples: gapApp.n,
      note: `a chunk is one SSE text event (the app may merge tokens); tokens per chunk via app: ${round(app_.tokens / Math.max(1, app_.chunks), 2)}`,
    },
    {
      id: 'concurrency.rss',
      area: 'Concurrency (100 streams)',
      figure: 'peak server RSS (process tree)',
      unit: 'MB',
      value: round(peak / MB, 0),
      budget: { text: '≤ 400', pass: peak / MB <= 400 },
      baseline: `idle after warm-up: ${round(idleRss / MB, 0)} MB (+${round((peak - idleRss) / MB, 0)} MB under load)`,
      samples: rssSamples,
    },
    ...scaled,
  ];
}

/**
 * The same rounds against N instances of the app sharing one SQLite file and one Redis (REDIS_URL),
 * as behind a load balancer. The bench spreads the streams round-robin itself, so the figures are
 * the instances' and not a proxy's (nginx in front costs little CPU; a proxy in Node would cost
 * about what one more instance does). The 1-instance row is the single app above, without Redis.
 */
async function instancesRows(ctx: BenchContext, runTag: string, opts: InstancesOptions, one: RoundResult, direct: RoundResult): Promise<Row[]> {
  const rows: Row[] = [];
  const ttftDirect = summarize(direct.ttft);
  const add = (n: number, result: RoundResult, note: string, engine: 'SQLite' | 'PostgreSQL' = 'SQLite') => {
    const s = summarize(result.ttft);
    const added = { p50: s.p50 - ttftDirect.p50, p95: s.p95 - ttftDirect.p95 };
    rows.push({
      id: `concurrency.instances-${n}${engine === 'PostgreSQL' ? '-pg' : ''}`,
      area: 'Concurrency (100 streams)',
      figure: `time to first token, added, ${n} instance${n === 1 ? '' : 's'}${n === 1 && engine === 'SQLite' ? '' : ` (shared ${engine}${n === 1 ? '' : ' + Redis'})`}`,
      unit: 'ms',
      p50: round(added.p50),
      p95: round(added.p95),
      budget: { text: 'p95 ≤ 100 with enough instances', pass: added.p95 <= 100 },
      baseline: `direct: p50 ${round(ttftDirect.p50)} ms, p95 ${round(ttftDirect.p95)} ms`,
      samples: s.n,
      note: `${result.errors.length} failed streams${result.errors.length ? ` (first: ${result.errors[0]})` : ''}; ${note}`,
    });
  };
  add(1, one, 'the app above, one process, no Redis');
  try {
    redisServerPath();
  } catch (error) {
    ctx.log(`  ! skipping the multi-instance rounds: ${(error as Error).message}`);
    return rows;
  }
  let postgres: PostgresServer | undefined;
  try {
    postgresBinDir();
    postgres = await startPostgres(opts.postgresPort);
  } catch (error) {
    ctx.log(`  ! skipping the PostgreSQL rounds: ${(error as Error).message}`);
  }
  const redis = await startRedis(opts.redisPort);
  const setups: { n: number; engine: 'SQLite' | 'PostgreSQL' }[] = [
    ...opts.counts.filter((c) => c > 1).map((n) => ({ n, engine: 'SQLite' as const })),
    ...(postgres ? opts.counts.map((n) => ({ n, engine: 'PostgreSQL' as const })) : []),
  ];
  try {
    for (const { n, engine } of setups) {
      const dbPath = join(ctx.tmp, `instances-${n}.db`);
      const env: Record<string, string> = n > 1 ? { REDIS_URL: redis.url } : {};
      if (engine === 'PostgreSQL') env.DATABASE_URL = await postgres!.createDatabase(`bench_i${n}`);
      // One at a time: the first creates and migrates the shared database.
      const apps: AppServer[] = [];
      for (let k = 0; k < n; k++) apps.push(await startApp(ctx, opts.firstPort + k, dbPath, env));
      try {
        await round_(ctx, apps, 'app', `${runTag}-i${n}w`, STREAMS);
        const rounds = ctx.quick ? 1 : 3;
        const result: RoundResult = { ttft: [], gaps: [], errors: [], chunks: 0, tokens: 0 };
        for (let r = 0; r < rounds; r++) {
          const a = await round_(ctx, apps, 'app', `${runTag}-i${n}r${r}`, STREAMS);
          result.ttft.push(...a.ttft);
          result.errors.push(...a.errors);
        }
        add(n, result, n > 1 ? `${rounds} rounds, streams spread round-robin over the instances by the client` : `${rounds} rounds, one process`, engine);
      } finally {
        for (const app of apps) await app.stop();
      }
    }
  } finally {
    await redis.stop();
    await postgres?.stop();
  }
  return rows;
}
