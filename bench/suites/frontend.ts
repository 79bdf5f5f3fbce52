/**
 * Front end: first-load JavaScript of `/` and `/chat/[id]` (every `<script src>` of the served HTML,
 * each file gzipped at level 9 like Next's old build report, summed), and layout shift while a reply
 * streams, measured in Chromium with a PerformanceObserver for 'layout-shift'.
 */
import { chromium, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AppServer, BenchContext, Row } from '../lib/context';
import { fetchBuffer } from '../lib/http';
import { LAYOUT_SHIFT_PROBE } from '../lib/page-probes';
import { round } from '../lib/stats';
import { chromiumLaunchOptions } from '../../lib/testing/chromium';

const KB = 1024;

async function scriptsOf(ctx: BenchContext, app: AppServer, path: string): Promise<{ files: Map<string, { raw: number; gzip: number }>; html: number }> {
  const page = await fetchBuffer(`${app.url}${path}`, { agent: ctx.appAgent });
  if (page.status !== 200) throw new Error(`GET ${path}: HTTP ${page.status}`);
  const html = page.body.toString('utf8');
  const files = new Map<string, { raw: number; gzip: number }>();
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = match[1] ?? '';
    // Modern browsers skip noModule polyfills.
    if (/\bnomodule\b/i.test(attrs)) continue;
    const src = /\bsrc="([^"]+)"/i.exec(attrs)?.[1];
    if (!src || files.has(src)) continue;
    const file = await fetchBuffer(new URL(src, app.url).href, { agent: ctx.appAgent, decode: false });
    if (file.status !== 200) throw new Error(`GET ${src}: HTTP ${file.status}`);
    files.set(src, { raw: file.body.length, gzip: gzipSync(file.body, { level: 9 }).length });
  }
  return { files, html: page.body.length };
}

/** The build's own first-load list (.next/diagnostics/route-bundle-stats.json), gzipped the same way, as a cross-check. */
function buildStats(workdir: string, route: string): { files: number; gzip: number } | undefined {
  const path = join(workdir, '.next', 'diagnostics', 'route-bundle-stats.json');
  if (!existsSync(path)) return undefined;
  const stats = JSON.parse(readFileSync(path, 'utf8')) as { route: string; firstLoadChunkPaths: string[] }[];
  const entry = stats.find((s) => s.route === route);
  if (!entry) return undefined;
  let gzip = 0;
  for (const file of entry.firstLoadChunkPaths) gzip += gzipSync(readFileSync(join(workdir, file)), { level: 9 }).length;
  return { files: entry.firstLoadChunkPaths.length, gzip };
}

function sum(files: Map<string, { raw: number; gzip: number }>, key: 'raw' | 'gzip', only?: (src: string) => boolean): number {
  let total = 0;
  for (const [src, size] of files) if (!only || only(src)) total += size[key];
  return total;
}

interface Shift {
  value: number;
  t: number;
  recent: boolean;
  sources: string[];
}

interface ClsResult {
  /** Every shift from pressing Send until the reply has finished rendering. */
  streaming: number;
  /** The same, without shifts within 500 ms of the click (the web-vitals definition of CLS). */
  standard: number;
  /** Shifts before sending: page load and 1.5 s idle. */
  before: number;
  count: number;
  sources: string[];
  lazyJsGzip: number;
}

async function streamAndWatch(page: Page, url: string, message: string): Promise<ClsResult> {
  const lazy = new Set<string>();
  let sent = false;
  page.on('response', (res) => {
    if (sent && res.url().endsWith('.js')) lazy.add(res.url());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.waitFor();
  await page.waitForTimeout(1_500);
  await composer.fill(message);
  const sendAt = await page.evaluate(() => performance.now());
  sent = true;
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('button', { name: 'Stop', exact: true }).waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
  await page.getByRole('button', { name: 'Stop', exact: true }).waitFor({ state: 'detached', timeout: 60_000 });
  // Code highlighting and late fonts land after the text: give them time to shift things if they do.
  await page.waitForTimeout(1_500);
  const probe = await page.evaluate(() => (window as unknown as { __benchShiftProbe?: string }).__benchShiftProbe);
  // No shifts from a probe that never ran would read as a perfect score: fail loudly instead.
  if (probe !== 'observing') throw new Error('layout-shift probe did not run in the page');
  const shifts = await page.evaluate(() => (window as unknown as { __benchShifts: Shift[] }).__benchShifts);
  const after = shifts.filter((s) => s.t >= sendAt);
  let lazyJsGzip = 0;
  for (const src of lazy) {
    const res = await page.request.get(src);
    lazyJsGzip += gzipSync(await res.body(), { level: 9 }).length;
  }
  return {
    streaming: after.reduce((s, x) => s + x.value, 0),
    standard: after.filter((s) => !s.recent).reduce((s, x) => s + x.value, 0),
    before: shifts.filter((s) => s.t < sendAt).reduce((s, x) => s + x.value, 0),
    count: after.length,
    sources: [...new Set(after.flatMap((s) => s.sources))].slice(0, 5),
    lazyJsGzip,
  };
}

export async function frontendSuite(ctx: BenchContext, app: AppServer, existingChatId: string): Promise<Row[]> {
  const rows: Row[] = [];
  const home = await scriptsOf(ctx, app, '/');
  const chat = await scriptsOf(ctx, app, `/chat/${existingChatId}`);
  const shared = (src: string) => home.files.has(src) && chat.files.has(src);
  for (const [id, path, s] of [
    ['frontend.js.home', '/', home],
    ['frontend.js.chat', '/chat/[id]', chat],
  ] as const) {
    const gzip = sum(s.files, 'gzip');
    const own = buildStats(ctx.workdir, path);
    rows.push({
      id,
      area: 'Front end',
      figure: `first-load JS of ${path} (gzip)`,
      unit: 'KB',
      value: round(gzip / KB, 1),
      budget: { text: '≤ 250', pass: gzip / KB <= 250 },
      baseline: `shared by both pages: ${round(sum(s.files, 'gzip', shared) / KB, 1)} KB`,
      samples: s.files.size,
      note:
        `${s.files.size} scripts, ${round(sum(s.files, 'raw') / KB, 0)} KB before gzip; HTML ${round(s.html / KB, 0)} KB` +
        (own ? `; the build's own first-load list (route-bundle-stats.json): ${own.files} files, ${round(own.gzip / KB, 1)} KB gzip` : ''),
    });
  }

  ctx.log('  layout shift while replies stream (Chromium)');
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const scenarios = [
      { id: 'frontend.cls.new', figure: 'layout shift while a reply streams: new chat, markdown reply', url: '/', message: 'markdown [[delay=10]]' },
      { id: 'frontend.cls.code', figure: 'layout shift: 50-message chat, code reply', url: `/chat/${existingChatId}`, message: 'code [[delay=10]]' },
      { id: 'frontend.cls.long', figure: 'layout shift: new chat, long reply (scrolls)', url: '/', message: 'long [[delay=4]]' },
    ];
    for (const sc of scenarios) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: app.url });
      await context.addInitScript({ content: LAYOUT_SHIFT_PROBE });
      const page = await context.newPage();
      const result = await streamAndWatch(page, sc.url, sc.message);
      await context.close();
      rows.push({
        id: sc.id,
        area: 'Front end',
        figure: sc.figure,
        unit: 'CLS',
        value: round(result.streaming, 4),
        budget: { text: '≤ 0.01 (none visible)', pass: result.streaming <= 0.01 },
        baseline: `before sending (load + 1.5 s idle): ${round(result.before, 4)}`,
        note:
          `${result.count} shift(s); web-vitals CLS (excluding 500 ms after the click) ${round(result.standard, 4)}` +
          (result.sources.length ? `; moved: ${result.sources.join(', ')}` : '') +
          (result.lazyJsGzip ? `; JS loaded on demand during the reply: ${round(result.lazyJsGzip / KB, 1)} KB gzip` : ''),
      });
    }
  } finally {
    await browser.close();
  }
  return rows;
}
