/**
 * Time to first token, added by the app: the first streamed text through `POST /api/chat` versus
 * the same request sent straight to the stand-in, in interleaved pairs (alternating which goes
 * first) so drift and caching affect both sides alike.
 */
import { APP_HEADERS, STANDIN_HEADERS, type AppServer, type BenchContext, type Row } from '../lib/context';
import { completionBody, fetchBuffer, timeStream, type StreamTiming } from '../lib/http';
import { loremTokens } from '../../lib/standin';
import { round, summarize } from '../lib/stats';

type Message = { role: string; content: string };

interface Pair {
  app: StreamTiming;
  direct: StreamTiming;
}

/** The app may merge tokens into fewer events, so the check is on the text itself. */
function check(kind: string, t: StreamTiming, tokens: number): string | undefined {
  if (t.error) return `${kind}: ${t.error}`;
  if (t.status !== 200) return `${kind}: HTTP ${t.status}`;
  if (!t.finished) return `${kind}: stream ended without finishing`;
  const expected = loremTokens(tokens).join('');
  if (t.text !== expected) return `${kind}: received ${t.text.length} characters of text, expected ${expected.length}`;
  return undefined;
}

async function pair(
  ctx: BenchContext,
  app: AppServer,
  i: number,
  conversationId: string,
  history: Message[],
  text: string,
  tokens: number,
): Promise<Pair> {
  const sendApp = () =>
    timeStream(`${app.url}/api/chat`, {
      kind: 'app',
      agent: ctx.appAgent,
      headers: { ...APP_HEADERS, origin: app.url },
      body: JSON.stringify({ id: conversationId, message: { text } }),
      timeoutMs: 30_000,
    });
  const sendDirect = () =>
    timeStream(`${ctx.standinUrl}/v1/chat/completions`, {
      kind: 'direct',
      agent: ctx.standinAgent,
      headers: STANDIN_HEADERS,
      body: completionBody([...history, { role: 'user', content: text }]),
      timeoutMs: 30_000,
    });
  let result: Pair;
  if (i % 2 === 0) {
    const direct = await sendDirect();
    result = { direct, app: await sendApp() };
  } else {
    const appTiming = await sendApp();
    result = { app: appTiming, direct: await sendDirect() };
  }
  const problem = check('app', result.app, tokens) ?? check('direct', result.direct, tokens);
  if (problem) throw new Error(`TTFT sample ${i}: ${problem}`);
  return result;
}

/** The active branch of a conversation as the model would get it, read through the app's API. */
async function historyOf(ctx: BenchContext, app: AppServer, id: string): Promise<Message[]> {
  const res = await fetchBuffer(`${app.url}/api/conversations/${id}`, { agent: ctx.appAgent });
  if (res.status !== 200) throw new Error(`GET /api/conversations/${id}: HTTP ${res.status}`);
  const body = JSON.parse(res.body.toString('utf8')) as { messages: { role: string; parts: { type: string; text?: string }[] }[] };
  return body.messages.map((m) => ({ role: m.role, content: m.parts.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('') }));
}

function rows(id: string, figure: string, pairs: Pair[], note: string): Row {
  const app = summarize(pairs.map((p) => p.app.firstTextMs));
  const direct = summarize(pairs.map((p) => p.direct.firstTextMs));
  const p50 = app.p50 - direct.p50;
  const p95 = app.p95 - direct.p95;
  note += `; SSE Content-Encoding: ${pairs[0]?.app.headers['content-encoding'] ?? 'none'}`;
  return {
    id,
    area: 'Time to first token',
    figure,
    unit: 'ms',
    p50: round(p50),
    p95: round(p95),
    budget: { text: 'p50 ≤ 10, p95 ≤ 25', pass: p50 <= 10 && p95 <= 25 },
    baseline: `stand-in direct: p50 ${round(direct.p50)} ms, p95 ${round(direct.p95)} ms; via app: p50 ${round(app.p50)}, p95 ${round(app.p95)}`,
    samples: pairs.length,
    note,
  };
}

export async function ttftSuite(ctx: BenchContext, app: AppServer, followUpIds: string[], runTag: string): Promise<Row[]> {
  const warmup = ctx.quick ? 5 : 30;
  const samples = ctx.quick ? 40 : 300;
  const tokens = 8;
  const directives = `[[tokens=${tokens}]] [[delay=0]]`;

  ctx.log(`  new conversations: ${warmup} warm-up + ${samples} interleaved pairs`);
  const fresh: Pair[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const text = `Benchmark question ${i}: how long until the first word arrives? ${directives}`;
    const p = await pair(ctx, app, i, `bench-${runTag}-new-${i}`, [], text, tokens);
    if (i >= warmup) fresh.push(p);
  }

  const followWarmup = Math.min(ctx.quick ? 5 : 20, Math.floor(followUpIds.length / 4));
  const histories = await Promise.all(followUpIds.map((id) => historyOf(ctx, app, id)));
  const sizes = new Set(histories.map((h) => h.length));
  ctx.log(`  follow-ups: ${followWarmup} warm-up + ${followUpIds.length - followWarmup} pairs, each in its own ${[...sizes].join('/')}-message conversation`);
  const follow: Pair[] = [];
  for (let i = 0; i < followUpIds.length; i++) {
    const text = `And a follow-up question ${i}, with the whole thread as context. ${directives}`;
    const p = await pair(ctx, app, i, followUpIds[i]!, histories[i]!, text, tokens);
    if (i >= followWarmup) follow.push(p);
  }

  return [
    rows('ttft.new', 'added, new conversation', fresh, 'first text-delta via POST /api/chat (browser Accept-Encoding) minus first content delta from the stand-in'),
    rows('ttft.followup', 'added, follow-up in a 50-message conversation', follow, 'the direct request carries the same 50 messages + the new one'),
  ];
}
