/**
 * Relay throughput: the stand-in sends a 4,000-token reply as fast as it can; how many tokens per
 * second reach the client through the app, against the same reply fetched straight from the
 * stand-in. Rate = tokens / (time from sending the request to the last text), interleaved pairs.
 */
import { APP_HEADERS, STANDIN_HEADERS, type AppServer, type BenchContext, type Row } from '../lib/context';
import { completionBody, timeStream, type StreamTiming } from '../lib/http';
import { treeCpuMs } from '../lib/procs';
import { loremTokens } from '../../lib/standin';
import { round, summarize } from '../lib/stats';

const TOKENS = 4_000;
/** Measured by this suite before the relay left streamText (~110–140 ms of CPU per 4,000-token reply). */
const STREAMTEXT_US_PER_TOKEN = 35;
const EXPECTED = loremTokens(TOKENS).join('');

/** Checked on the text: the app may merge several tokens into one event. */
function ok(kind: string, t: StreamTiming): void {
  if (t.error || t.status !== 200 || !t.finished || t.text !== EXPECTED) {
    throw new Error(`throughput (${kind}): status ${t.status}, ${t.text.length}/${EXPECTED.length} characters, finished ${t.finished}, ${t.error ?? ''}`);
  }
}

export async function throughputSuite(ctx: BenchContext, app: AppServer, runTag: string): Promise<Row[]> {
  const warmup = ctx.quick ? 2 : 4;
  const samples = ctx.quick ? 8 : 30;
  ctx.log(`  ${TOKENS}-token replies: ${warmup} warm-up + ${samples} interleaved pairs`);
  const appRates: number[] = [];
  const directRates: number[] = [];
  let encoding = '';
  let appCpuMs = 0;
  let appWallMs = 0;
  let appEvents = 0;

  for (let i = 0; i < warmup + samples; i++) {
    const text = `Write a very long answer ${i}. [[tokens=${TOKENS}]] [[delay=0]]`;
    const direct = async (): Promise<StreamTiming> => {
      const t = await timeStream(`${ctx.standinUrl}/v1/chat/completions`, {
        kind: 'direct',
        agent: ctx.standinAgent,
        headers: STANDIN_HEADERS,
        body: completionBody([{ role: 'user', content: text }]),
        timeoutMs: 60_000,
      });
      ok('direct', t);
      return t;
    };
    const viaApp = async (): Promise<StreamTiming> => {
      const cpuBefore = treeCpuMs(app.proc.pid);
      const t = await timeStream(`${app.url}/api/chat`, {
        kind: 'app',
        agent: ctx.appAgent,
        headers: { ...APP_HEADERS, origin: app.url },
        body: JSON.stringify({ id: `bench-${runTag}-tput-${i}`, message: { text } }),
        timeoutMs: 60_000,
      });
      ok('app', t);
      encoding = String(t.headers['content-encoding'] ?? 'none');
      if (i >= warmup) {
        appCpuMs += treeCpuMs(app.proc.pid) - cpuBefore;
        appWallMs += t.endMs;
        appEvents += t.textEvents;
      }
      return t;
    };
    let d: StreamTiming;
    let a: StreamTiming;
    if (i % 2 === 0) {
      d = await direct();
      a = await viaApp();
    } else {
      a = await viaApp();
      d = await direct();
    }
    if (i < warmup) continue;
    directRates.push((TOKENS / d.lastTextMs) * 1000);
    appRates.push((TOKENS / a.lastTextMs) * 1000);
  }

  const appS = summarize(appRates);
  const directS = summarize(directRates);
  // For a rate, the bad tail is the low end: "p95" compares the 5th-percentile rates.
  const p5 = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return sorted[Math.floor(0.05 * (sorted.length - 1))]!;
  };
  const p50 = (appS.p50 / directS.p50) * 100;
  const perTokenUs = ((appCpuMs / samples) * 1000) / TOKENS;
  const p95 = (p5(appRates) / p5(directRates)) * 100;
  return [
    {
      id: 'throughput.relay',
      area: 'Relay throughput',
      figure: `${TOKENS}-token reply, tokens/s via app as % of direct`,
      unit: '%',
      p50: round(p50, 1),
      p95: round(p95, 1),
      budget: { text: 'p50 ≥ 90 %', pass: p50 >= 90 },
      baseline: `direct: p50 ${round(directS.p50, 0)} tok/s; via app: p50 ${round(appS.p50, 0)} tok/s`,
      samples,
      note:
        `p95 column = ratio of the slow-end (5th percentile) rates; app server CPU ≈ ${round(appCpuMs / samples, 0)} ms per reply ` +
        `(${round((appCpuMs / appWallMs) * 100, 0)} % of a core while streaming); ${round(appEvents / samples, 0)} SSE text events per reply; ` +
        `Content-Encoding: ${encoding}`,
    },
    {
      id: 'throughput.cpu-per-token',
      area: 'Relay throughput',
      figure: `app server CPU per relayed token (${TOKENS}-token reply, the whole request included)`,
      unit: 'µs',
      p50: round(perTokenUs, 1),
      budget: { text: `≤ ${round(STREAMTEXT_US_PER_TOKEN / 3, 1)} µs (3× under streamText's ${STREAMTEXT_US_PER_TOKEN})`, pass: perTokenUs <= STREAMTEXT_US_PER_TOKEN / 3 },
      baseline: `streamText relayed at ~${STREAMTEXT_US_PER_TOKEN} µs per token (BENCHMARKS.md, before lib/chat/completion-stream.ts)`,
      samples,
      note: 'mean over the samples: total CPU of the app process tree while the request ran, divided by the tokens',
    },
  ];
}
