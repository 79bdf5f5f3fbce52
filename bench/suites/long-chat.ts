/**
 * Long chats (run by the history suite, on its large database): what a 2,000-message conversation
 * costs when the user keeps talking in it.
 *
 * - Server: the time spent before the upstream call (storing the message, reading the branch,
 *   fitting it into the prompt), from the app's own `Server-Timing` header, and the first token as
 *   the client sees it, each against a new conversation in interleaved pairs.
 * - Browser: the longest main-thread task in Chromium while a reply streams into that conversation
 *   with all 2,000 messages loaded (scrolled up page by page first), against the same reply in a
 *   new chat. Task durations come from a Chromium trace (its 'longtask' entries only exist past 50 ms;
 *   they are counted as a cross-check).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { APP_HEADERS, type AppServer, type BenchContext, type Row } from '../lib/context';
import { timeStream, type StreamTiming } from '../lib/http';
import { LONG_TASK_PROBE } from '../lib/page-probes';
import { round, summarize } from '../lib/stats';
import { chromiumLaunchOptions } from '../../lib/testing/chromium';

const AREA = 'Long chats';

interface TurnSample {
  storeMs: number;
  promptMs: number;
  firstTextMs: number;
}

function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  return Object.fromEntries([...text.matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

async function turn(ctx: BenchContext, app: AppServer, conversationId: string, text: string): Promise<TurnSample> {
  const timing: StreamTiming = await timeStream(`${app.url}/api/chat`, {
    kind: 'app',
    agent: ctx.appAgent,
    headers: { ...APP_HEADERS, origin: app.url },
    body: JSON.stringify({ id: conversationId, message: { text } }),
    timeoutMs: 60_000,
  });
  if (timing.error || timing.status !== 200 || !timing.finished) {
    throw new Error(`POST /api/chat (${conversationId}): ${timing.error ?? `HTTP ${timing.status}`}`);
  }
  const server = parseServerTiming(timing.headers['server-timing']);
  if (server.store === undefined || server.prompt === undefined) throw new Error('POST /api/chat: no Server-Timing store/prompt');
  return { storeMs: server.store, promptMs: server.prompt, firstTextMs: timing.firstTextMs };
}

async function serverRows(ctx: BenchContext, app: AppServer, longId: string, runTag: string): Promise<Row[]> {
  const warmup = ctx.quick ? 2 : 5;
  const samples = ctx.quick ? 10 : 40;
  const long: TurnSample[] = [];
  const fresh: TurnSample[] = [];
  ctx.log(`  ${warmup} + ${samples} turns in the 2,000-message conversation, each paired with a new conversation`);
  for (let i = 0; i < warmup + samples; i++) {
    const text = `One more question in a long thread (${i}). [[tokens=8]] [[delay=0]]`;
    // Alternate which goes first, so drift affects both alike.
    const pair =
      i % 2 === 0
        ? [await turn(ctx, app, longId, text), await turn(ctx, app, `bench-${runTag}-longchat-${i}`, text)]
        : [await turn(ctx, app, `bench-${runTag}-longchat-${i}`, text), await turn(ctx, app, longId, text)].reverse();
    if (i < warmup) continue;
    long.push(pair[0]!);
    fresh.push(pair[1]!);
  }
  const before = (s: TurnSample) => s.storeMs + s.promptMs;
  const l = summarize(long.map(before));
  const f = summarize(fresh.map(before));
  const store = summarize(long.map((s) => s.storeMs));
  const prompt = summarize(long.map((s) => s.promptMs));
  const lt = summarize(long.map((s) => s.firstTextMs));
  const ft = summarize(fresh.map((s) => s.firstTextMs));
  return [
    {
      id: 'longchat.upstream-request',
      area: AREA,
      figure: 'server time before the upstream call, 2,000-message chat (store message, read branch, build request)',
      unit: 'ms',
      p50: round(l.p50),
      p95: round(l.p95),
      budget: { text: 'p50 ≤ 20', pass: l.p50 <= 20 },
      baseline: `new conversation: p50 ${round(f.p50)} ms, p95 ${round(f.p95)} ms`,
      samples: l.n,
      note:
        `from the app's Server-Timing header; store + read branch p50 ${round(store.p50)} ms, build request (fit ~2,000 messages / ~1.3 M characters ` +
        `to the context window) p50 ${round(prompt.p50)} ms`,
    },
    {
      id: 'longchat.ttft',
      area: AREA,
      figure: 'first token in a 2,000-message chat, added over a new chat',
      unit: 'ms',
      p50: round(lt.p50 - ft.p50),
      p95: round(lt.p95 - ft.p95),
      baseline: `new conversation: p50 ${round(ft.p50)} ms, p95 ${round(ft.p95)} ms (first text via POST /api/chat)`,
      samples: lt.n,
      note: 'includes sending the whole thread (~1.3 MB of JSON) to the stand-in and the stand-in reading it',
    },
  ];
}

interface MainThread {
  /** Longest task on the page's main thread (Chromium's trace, 'RunTask' events). */
  longestTaskMs: number;
  /** Tasks over 50 ms in the trace, and Chromium's own 'longtask' entries (its definition of the same). */
  tasksOver50: number;
  longTaskEntries: number;
}

interface LongTaskLog {
  observing: boolean;
  tasks: { t: number; d: number }[];
}

async function watchMainThread(page: Page): Promise<void> {
  await page.addInitScript({ content: LONG_TASK_PROBE });
}

async function mark(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

type TraceEvent = { ph: string; name: string; pid: number; tid: number; dur?: number };

/**
 * Runs `fn` while Chromium traces, and returns every task's duration on the page's main thread, in ms.
 */
async function traceTasks(page: Page, fn: () => Promise<void>): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  try {
    await fn();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  // The main thread is where style, layout and script run (thread names are not always in the trace).
  const work = new Map<string, number>();
  for (const e of events) {
    if (e.name === 'UpdateLayoutTree' || e.name === 'Layout' || e.name === 'FunctionCall') work.set(`${e.pid}:${e.tid}`, (work.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  }
  const busiest = [...work].sort((a, b) => b[1] - a[1])[0]?.[0];
  const main = new Set(busiest ? [busiest] : []);
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.dur !== undefined && main.has(`${e.pid}:${e.tid}`));
  if (tasks.length === 0) throw new Error('the trace has no tasks of the page\'s main thread');
  return tasks.map((e) => e.dur! / 1000);
}

async function longTaskEntries(page: Page, from: number, to: number): Promise<number> {
  const log = await page.evaluate(() => (window as unknown as { __benchLongTasks?: LongTaskLog }).__benchLongTasks);
  if (!log?.observing) throw new Error('longtask probe did not run in the page');
  return log.tasks.filter((t) => t.t >= from && t.t <= to).length;
}

async function mainThreadDuring(page: Page, fn: () => Promise<void>): Promise<MainThread> {
  const from = await mark(page);
  const tasks = await traceTasks(page, fn);
  return {
    longestTaskMs: Math.max(...tasks),
    tasksOver50: tasks.filter((d) => d > 50).length,
    longTaskEntries: await longTaskEntries(page, from, await mark(page)),
  };
}

/*
 * The measured phases use plain CSS selectors and checks that run in the page: Playwright's role
 * locators compute accessible names over the whole DOM on every poll, and with 2,000 messages on
 * the page that alone blocks the main thread for hundreds of ms, which the probe would then
 * report as the app's.
 */
const COMPOSER = 'textarea[aria-label="Message"]';
const SCROLLER = '[data-testid="message-scroller"]';

/**
 * Messages loaded into the chat's list, in the page or not (a long list renders only what is near
 * the view). Checks are functions, not strings: the app's CSP forbids eval.
 */
const loadedMessages = (page: Page) =>
  page.evaluate(() => Number(document.querySelector('[data-testid="message-list"]')?.getAttribute('data-messages') ?? 0));

/** Sends `text` and waits until the reply has finished rendering (and 1 s more); the main thread's worst moment meanwhile. */
async function streamReply(page: Page, text: string): Promise<MainThread & { loaded: number; inPage: number }> {
  const before = await loadedMessages(page);
  await page.locator(COMPOSER).fill(text);
  await page.waitForTimeout(500);
  const main = await mainThreadDuring(page, async () => {
    // The keyboard, not a locator: resolving a locator runs Playwright's script in the page, 40–65 ms
    // with 2,000 messages, which the trace would count as the app's.
    await page.keyboard.press('Enter');
    // The question and its reply are in the list, and no reply is streaming any more.
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('[data-testid="message-list"]')?.getAttribute('data-messages') ?? 0) >= n &&
        document.querySelectorAll('[data-role="assistant"][data-status="streaming"]').length === 0,
      before + 2,
      { timeout: 60_000, polling: 250 },
    );
    await page.waitForTimeout(1_000);
  });
  return { ...main, loaded: await loadedMessages(page), inPage: await page.locator('[data-role]').count() };
}

const hasOlderButton = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Load earlier messages'));

/** Opens the conversation and loads every older page, as a user scrolling to its start would. */
async function openAllPages(page: Page, url: string): Promise<{ pages: number; loading: MainThread; ms: number }> {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.locator(COMPOSER).waitFor();
  const started = performance.now();
  let pages = 1;
  const loading = await mainThreadDuring(page, async () => {
    while (await hasOlderButton(page)) {
      const before = await loadedMessages(page);
      const scroller = page.locator(SCROLLER);
      // Scrolling to the top loads the previous page; a scroll the page missed (still hydrating) is repeated.
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) await scroller.evaluate((el) => el.scrollTo({ top: 600 }));
        await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
        const grew = await page
          .waitForFunction(
            (n) => Number(document.querySelector('[data-testid="message-list"]')?.getAttribute('data-messages') ?? 0) > n,
            before,
            { timeout: 15_000, polling: 100 },
          )
          .then(() => true, () => false);
        if (grew) break;
        if (attempt === 3) throw new Error(`no older messages loaded after scrolling to the top (${before} on the page)`);
      }
      pages++;
    }
    await page.waitForTimeout(500);
  });
  return { pages, loading, ms: performance.now() - started };
}

async function browserRows(ctx: BenchContext, app: AppServer, longId: string): Promise<Row[]> {
  const browser: Browser = await chromium.launch(chromiumLaunchOptions());
  const rows: Row[] = [];
  try {
    const replies = [
      { kind: 'paragraphs', text: 'Tell me something long [[delay=5]]' },
      { kind: 'code', text: 'Show me some code [[delay=10]]' },
    ];
    for (const reply of replies) {
      const open = async (url: string) => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: app.url });
        const page = await context.newPage();
        await watchMainThread(page);
        return { context, page, url };
      };
      // Baseline first: the same reply into a new chat.
      const base = await open('/');
      await base.page.goto('/', { waitUntil: 'networkidle' });
      await base.page.locator(COMPOSER).waitFor();
      await base.page.waitForTimeout(1_000);
      const baseline = await streamReply(base.page, reply.text);
      await base.context.close();

      const long = await open(`/chat/${longId}`);
      const loaded = await openAllPages(long.page, long.url);
      ctx.log(`  ${reply.kind}: loaded ${loaded.pages} pages in ${round(loaded.ms / 1000, 1)} s; streaming a reply`);
      const streamed = await streamReply(long.page, reply.text);
      await long.context.close();

      rows.push({
        id: `longchat.longest-task.${reply.kind}`,
        area: AREA,
        figure: `longest main-thread task while a reply (${reply.kind}) streams into a 2,000-message chat (Chromium)`,
        unit: 'ms',
        value: round(streamed.longestTaskMs, 1),
        budget: { text: '≤ 50', pass: streamed.longestTaskMs <= 50 },
        baseline: `same reply into a new chat: ${round(baseline.longestTaskMs, 1)} ms`,
        note:
          `${streamed.loaded} messages loaded, ${streamed.inPage} of them in the page (the list is virtualised); tasks over 50 ms: ${streamed.tasksOver50} (Chromium's 'longtask' entries: ${streamed.longTaskEntries}; ` +
          `new chat: ${baseline.tasksOver50} / ${baseline.longTaskEntries}); loading the ${loaded.pages} pages by scrolling up took ` +
          `${round(loaded.ms / 1000, 1)} s, longest task meanwhile ${round(loaded.loading.longestTaskMs, 1)} ms`,
      });
    }
  } finally {
    await browser.close();
  }
  return rows;
}

export async function longChatSuite(ctx: BenchContext, app: AppServer, longId: string, runTag: string): Promise<Row[]> {
  // The browser rows first: the server rows add messages to the conversation.
  const browser = await browserRows(ctx, app, longId);
  const server = await serverRows(ctx, app, longId, runTag);
  return [...server, ...browser];
}
