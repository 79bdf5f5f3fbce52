/**
 * Concurrency: 100 simultaneous streams, the stand-in pacing each at 50 tokens/s (100 tokens,
 * 20 ms apart). Rounds straight to the stand-in and through the app alternate; the app's process
 * tree RSS is sampled every 100 ms throughout.
 */
import { APP_HEADERS, STANDIN_HEADERS, type AppServer, type BenchContext, type Row } from '../lib/context';
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

async function round_(ctx: BenchContext, app: AppServer, kind: 'app' | 'direct', tag: string, streams: number): Promise<RoundResult> {
  const text = (i: number) => `Stream ${tag}-${i}, at a steady pace please. [[tokens=${TOKENS}]] [[delay=${DELAY_MS}]]`;
  const one = (i: number): Promise<StreamTiming> =>
    kind === 'app'
      ? timeStream(`${app.url}/api/chat`, {
          kind,
          agent: ctx.appAgent,
          headers: { ...APP_HEADERS, origin: app.url },
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

export async function concurrencySuite(ctx: BenchContext, app: AppServer, runTag: string): Promise<Row[]> {
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
  ];
}
