/**
 * Documents: what attachments cost.
 *
 * - Extraction: `POST /api/files` of a 300-page PDF (lib/attachments/fixtures.ts `makeLongPdf(300)`),
 *   end to end, interleaved with the same extraction run in a separate process straight through
 *   `extractInWorker` (lib/attachments/extraction-pool.ts, the code the route calls) as the reference.
 *   Uploads are deduplicated by a hash of their bytes, so every upload gets its own bytes: the same PDF
 *   with a different comment after `%%EOF` (the same text, pages and parsing work; each result is
 *   checked against the first).
 * - Chats during an extraction: new chats sent one after another while a 300-page upload is being
 *   read, against the same chats with nothing else running, in alternating phases.
 * - Projects: new chats in a project whose files hold ~500,000 tokens (every request carries them,
 *   ~2 MB of system prompt), against a direct request to the stand-in carrying the same prompt; plain
 *   new chats and their direct requests in the same rounds give the app's usual share.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Agent } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_HEADERS, STANDIN_HEADERS, type AppServer, type BenchContext, type Row } from '../lib/context';
import { completionBody, fetchBuffer, timeStream, type StreamTiming } from '../lib/http';
import { round, summarize } from '../lib/stats';
import { fillerText, makeLongPdf } from '../../lib/attachments/fixtures';
import { withDocuments } from '../../lib/attachments/document-block';
import { loremTokens } from '../../lib/standin';

const AREA = 'Documents';
const PAGES = 300;
const TOKENS = 8;
const DIRECTIVES = `[[tokens=${TOKENS}]] [[delay=0]]`;
const EXPECTED = loremTokens(TOKENS).join('');
/** Pause between two chats of a phase (both phases alike): a user's chat, not a load generator. */
const CHAT_GAP_MS = 20;
const PROJECT_FILES = 5;
/** Characters per project file: ~100,000 tokens each at the app's estimate (4 Latin characters per token). */
const PROJECT_FILE_CHARS = 400_000;

interface UploadedFile {
  id: string;
  name: string;
  kind: string;
  sizeBytes: number;
  tokens: number;
  pages: number | null;
}

interface Upload {
  file: UploadedFile;
  /** performance.now() when sent, and when the last byte of the answer arrived. */
  startedAt: number;
  endedAt: number;
  ms: number;
}

/** POST of raw bytes (lib/http's client sends strings only); resolves at the last byte of the answer. */
function postBytes(url: string, bytes: Uint8Array, headers: Record<string, string>, agent: Agent, timeoutMs: number): Promise<{ status: number; body: string; startedAt: number; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(bytes.byteLength) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), startedAt, endedAt: performance.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.end(bytes);
  });
}

async function upload(ctx: BenchContext, app: AppServer, bytes: Uint8Array, name: string, mediaType: string): Promise<Upload> {
  const res = await postBytes(`${app.url}/api/files?name=${encodeURIComponent(name)}`, bytes, { 'content-type': mediaType, origin: app.url }, ctx.appAgent, 120_000);
  if (res.status !== 201) throw new Error(`POST /api/files (${name}): HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  const { file } = JSON.parse(res.body) as { file: UploadedFile };
  return { file, startedAt: res.startedAt, endedAt: res.endedAt, ms: res.endedAt - res.startedAt };
}

async function postJson<T>(ctx: BenchContext, app: AppServer, path: string, body: unknown, expect: number[]): Promise<T> {
  const res = await fetchBuffer(`${app.url}${path}`, {
    method: 'POST',
    agent: ctx.appAgent,
    headers: { 'content-type': 'application/json', origin: app.url },
    body: JSON.stringify(body),
    timeoutMs: 30_000,
  });
  if (!expect.includes(res.status)) throw new Error(`POST ${path}: HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(res.body.toString('utf8')) as T;
}

/**
 * The reference: a separate Node process (no Next, no HTTP) that imports the app's extraction pool
 * and runs `extractInWorker` on each file named on its stdin, answering a line of JSON per file.
 * It runs from the build snapshot, like the server, with the `react-server` condition so that the
 * pool's `import 'server-only'` resolves as it does in the server bundle (Node strips the types).
 */
const REFERENCE_SCRIPT = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
const { extractInWorker, closeExtractionPool } = await import(pathToFileURL(join(process.cwd(), 'lib', 'attachments', 'extraction-pool.ts')).href);
for await (const line of createInterface({ input: process.stdin })) {
  if (!line) continue;
  const { path, name, mediaType } = JSON.parse(line);
  const bytes = readFileSync(path);
  const started = performance.now();
  try {
    const result = await extractInWorker(bytes, name, mediaType);
    process.stdout.write(JSON.stringify({ ms: performance.now() - started, pages: result.pages ?? null, chars: result.text.length }) + '\\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error && error.message || error) }) + '\\n');
  }
}
await closeExtractionPool();
`;

interface ReferenceResult {
  ms: number;
  pages: number | null;
  chars: number;
}

function startReference(ctx: BenchContext) {
  const child = spawn(
    process.execPath,
    // The server's V8 flag too (bench/lib/context.ts startApp): V8 flags apply to its worker threads.
    ['--max-semi-space-size=16', '--conditions=react-server', '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', REFERENCE_SCRIPT],
    { cwd: ctx.workdir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString('utf8')));
  const waiting: { resolve: (r: ReferenceResult) => void; reject: (e: Error) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (!next) return;
    const answer = JSON.parse(line) as ReferenceResult & { error?: string };
    if (answer.error) next.reject(new Error(`extractInWorker (reference process): ${answer.error}`));
    else next.resolve(answer);
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the reference extraction process exited (${code}): ${stderr.join('').slice(-1000)}`));
  });
  return {
    extract(path: string, name: string, mediaType: string): Promise<ReferenceResult> {
      return new Promise((resolve, reject) => {
        if (child.exitCode !== null) return reject(new Error(`the reference extraction process exited (${child.exitCode}): ${stderr.join('').slice(-1000)}`));
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify({ path, name, mediaType })}\n`);
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The same PDF with a unique comment after %%EOF: identical text and parsing work, a different hash. */
function variant(pdf: Uint8Array, tag: string): Uint8Array {
  return Buffer.concat([pdf, Buffer.from(`\n% bench ${tag}\n`, 'latin1')]);
}

interface Chat {
  timing: StreamTiming;
  sentAt: number;
  storeMs?: number;
  promptMs?: number;
}

function parseServerTiming(header: string | string[] | undefined): Record<string, number> {
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  return Object.fromEntries([...text.matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

function problem(t: StreamTiming): string | undefined {
  if (t.error) return t.error;
  if (t.status !== 200) return `HTTP ${t.status}`;
  if (!t.finished) return 'stream ended without finishing';
  if (t.text !== EXPECTED) return `received ${t.text.length} characters of text, expected ${EXPECTED.length}`;
  return undefined;
}

async function appChat(ctx: BenchContext, app: AppServer, id: string, text: string, projectId?: string): Promise<Chat> {
  const sentAt = performance.now();
  const timing = await timeStream(`${app.url}/api/chat`, {
    kind: 'app',
    agent: ctx.appAgent,
    headers: { ...APP_HEADERS, origin: app.url },
    body: JSON.stringify({ id, ...(projectId ? { projectId } : {}), message: { text } }),
    timeoutMs: 60_000,
  });
  const bad = problem(timing);
  if (bad) throw new Error(`POST /api/chat (${id}): ${bad}`);
  const server = parseServerTiming(timing.headers['server-timing']);
  return { timing, sentAt, storeMs: server.store, promptMs: server.prompt };
}

async function directChat(ctx: BenchContext, body: string): Promise<Chat> {
  const sentAt = performance.now();
  const timing = await timeStream(`${ctx.standinUrl}/v1/chat/completions`, { kind: 'direct', agent: ctx.standinAgent, headers: STANDIN_HEADERS, body, timeoutMs: 60_000 });
  const bad = problem(timing);
  if (bad) throw new Error(`stand-in direct: ${bad}`);
  return { timing, sentAt };
}

const ttft = (chats: Chat[]) => summarize(chats.map((c) => c.timing.firstTextMs));

// ── 1. extraction of a 300-page PDF ──────────────────────────────────────────────────────────────

async function extractionRow(
  ctx: BenchContext,
  app: AppServer,
  pdf: Uint8Array,
  dir: string,
  nextTag: () => string,
): Promise<{ row: Row; expected: UploadedFile }> {
  const runs = ctx.quick ? 2 : 4;
  ctx.log(`  ${PAGES}-page PDF (${round(pdf.byteLength / 1e6, 2)} MB): 1 warm-up + ${runs} uploads, interleaved with extractInWorker in a separate process`);
  const reference = startReference(ctx);
  try {
    const file = (tag: string) => {
      const bytes = variant(pdf, tag);
      const path = join(dir, `long-${tag}.pdf`);
      writeFileSync(path, bytes);
      return { bytes, path };
    };
    // Warm-up of both: the first job starts the worker and loads PDF.js.
    const warm = await upload(ctx, app, file(nextTag()).bytes, 'long-300.pdf', 'application/pdf');
    const expected = warm.file;
    if (expected.pages !== PAGES) throw new Error(`POST /api/files: ${expected.pages} pages, expected ${PAGES}`);
    const refWarm = await reference.extract(file(nextTag()).path, 'long-300.pdf', 'application/pdf');
    if (refWarm.pages !== PAGES) throw new Error(`extractInWorker: ${refWarm.pages} pages, expected ${PAGES}`);

    const uploads: Upload[] = [];
    const references: ReferenceResult[] = [];
    for (let i = 0; i < runs; i++) {
      const u = file(nextTag());
      const r = file(nextTag());
      const doUpload = async () => uploads.push(await upload(ctx, app, u.bytes, 'long-300.pdf', 'application/pdf'));
      const doReference = async () => references.push(await reference.extract(r.path, 'long-300.pdf', 'application/pdf'));
      if (i % 2 === 0) {
        await doUpload();
        await doReference();
      } else {
        await doReference();
        await doUpload();
      }
    }
    for (const u of uploads) {
      if (u.file.pages !== expected.pages || u.file.tokens !== expected.tokens || u.file.id === expected.id) {
        throw new Error(`upload ${u.file.id}: ${u.file.pages} pages / ${u.file.tokens} tokens, expected a new file of ${expected.pages} pages / ${expected.tokens} tokens`);
      }
    }
    for (const r of references) if (r.pages !== refWarm.pages || r.chars !== refWarm.chars) throw new Error('extractInWorker: results differ between runs');
    const up = summarize(uploads.map((u) => u.ms));
    const ref = summarize(references.map((r) => r.ms));
    return {
      expected,
      row: {
        id: 'documents.extract-300',
        area: AREA,
        figure: `extraction of a ${PAGES}-page PDF: POST /api/files end to end`,
        unit: 'ms',
        p50: round(up.p50, 0),
        p95: round(up.p95, 0),
        baseline: `extractInWorker in a separate process (no HTTP, no Next): p50 ${round(ref.p50, 0)} ms, p95 ${round(ref.p95, 0)} ms; upload − extraction p50 ${round(up.p50 - ref.p50, 0)} ms`,
        samples: up.n,
        note:
          `${round(pdf.byteLength / 1e6, 2)} MB, ${expected.pages} pages, ${expected.tokens.toLocaleString('en')} tokens (${refWarm.chars.toLocaleString('en')} characters) of text; ` +
          `each upload and reference run a different file (the same PDF with its own comment after %%EOF); first upload (worker start, PDF.js load) ${round(warm.ms, 0)} ms`,
      },
    };
  } finally {
    await reference.stop();
  }
}

// ── 2. a chat's first token while a 300-page PDF is being extracted ──────────────────────────────

async function duringExtractionRow(ctx: BenchContext, app: AppServer, pdf: Uint8Array, expected: UploadedFile, runTag: string, nextTag: () => string): Promise<Row> {
  const cycles = ctx.quick ? 1 : 3;
  const idlePerCycle = ctx.quick ? 30 : 60;
  ctx.log(`  ${cycles} × (a ${PAGES}-page upload with chats sent one after another during it | ${idlePerCycle} chats with nothing else running), alternating`);
  let n = 0;
  const send = () => appChat(ctx, app, `bench-${runTag}-doc-${n}`, `A question while a document is read (${n++}). ${DIRECTIVES}`);
  for (let i = 0; i < 30; i++) await send(); // warm-up

  const during: Chat[] = [];
  const idle: Chat[] = [];
  const uploadMs: number[] = [];
  /** The slowest chat sent during each upload, and how long before the upload's answer it was sent. */
  const worst: { ms: number; beforeEndMs: number }[] = [];
  const loadedPhase = async () => {
    let finished = false;
    const pending = upload(ctx, app, variant(pdf, nextTag()), 'long-300.pdf', 'application/pdf').finally(() => {
      finished = true;
    });
    const chats: Chat[] = [];
    while (!finished) {
      chats.push(await send());
      await sleep(CHAT_GAP_MS);
    }
    const u = await pending;
    if (u.file.pages !== expected.pages || u.file.tokens !== expected.tokens) throw new Error(`upload during chats: ${u.file.pages} pages / ${u.file.tokens} tokens`);
    uploadMs.push(u.ms);
    // Chats sent while the upload was in progress (the last may get its first token just after it).
    const inside = chats.filter((c) => c.sentAt >= u.startedAt && c.sentAt <= u.endedAt);
    during.push(...inside);
    const slowest = inside.reduce((a, c) => (c.timing.firstTextMs > a.timing.firstTextMs ? c : a), inside[0]!);
    if (slowest) worst.push({ ms: slowest.timing.firstTextMs, beforeEndMs: u.endedAt - slowest.sentAt });
  };
  const idlePhase = async () => {
    for (let i = 0; i < idlePerCycle; i++) {
      idle.push(await send());
      await sleep(CHAT_GAP_MS);
    }
  };
  for (let c = 0; c < cycles; c++) {
    if (c % 2 === 0) {
      await idlePhase();
      await loadedPhase();
    } else {
      await loadedPhase();
      await idlePhase();
    }
  }
  if (during.length < 10) throw new Error(`only ${during.length} chats fell within the uploads`);
  const d = ttft(during);
  const b = ttft(idle);
  const added = { p50: d.p50 - b.p50, p95: d.p95 - b.p95 };
  const up = summarize(uploadMs);
  return {
    id: 'documents.ttft-during-extraction',
    area: AREA,
    figure: `first token of a new chat while a ${PAGES}-page PDF is extracted, added`,
    unit: 'ms',
    p50: round(added.p50),
    p95: round(added.p95),
    budget: { text: 'p95 ≤ 50', pass: added.p95 <= 50 },
    baseline: `the same chats with nothing else running: p50 ${round(b.p50)} ms, p95 ${round(b.p95)} ms, max ${round(b.max)}; during the uploads: p50 ${round(d.p50)}, p95 ${round(d.p95)}`,
    samples: d.n,
    note:
      `new conversations sent one after another (${CHAT_GAP_MS} ms apart) during ${cycles} uploads (p50 ${round(up.p50, 0)} ms each, with the chats); ` +
      `slowest first token during each upload: ${worst.map((w) => `${round(w.ms, 0)} ms (sent ${round(w.beforeEndMs, 0)} ms before the upload's answer)`).join(', ')}; ${b.n} baseline chats in alternating phases`,
  };
}

// ── 3. a new chat in a project with ~500,000 tokens of files ─────────────────────────────────────

/** A project file's text: varied sentences, exactly PROJECT_FILE_CHARS characters. */
function projectText(seed: number): string {
  let words = PROJECT_FILE_CHARS / 5;
  let text = fillerText(words, seed);
  while (text.length < PROJECT_FILE_CHARS) text = fillerText((words *= 1.5), seed);
  return `${text.slice(0, PROJECT_FILE_CHARS - 1)}.`;
}

async function projectRow(ctx: BenchContext, app: AppServer, runTag: string): Promise<Row> {
  const warmup = ctx.quick ? 3 : 5;
  const samples = ctx.quick ? 12 : 40;
  const files = Array.from({ length: PROJECT_FILES }, (_, i) => ({ name: `handbook-${i + 1}.txt`, text: projectText(1_000 + i) }));
  const uploaded: UploadedFile[] = [];
  for (const f of files) uploaded.push((await upload(ctx, app, Buffer.from(f.text, 'utf8'), f.name, 'text/plain; charset=utf-8')).file);
  const project = await postJson<{ id: string }>(ctx, app, '/api/projects', { name: `Bench ${runTag}: 500k tokens of files` }, [201]);
  let detail: { tokens: number; files: unknown[] } | undefined;
  for (let i = 0; i < files.length; i++) {
    detail = await postJson(ctx, app, `/api/projects/${project.id}/files`, { fileId: uploaded[i]!.id, name: files[i]!.name }, [201]);
  }
  const fileTokens = uploaded.reduce((s, f) => s + f.tokens, 0);
  if (detail?.files.length !== PROJECT_FILES) throw new Error(`the project has ${detail?.files.length} files, expected ${PROJECT_FILES}`);
  // What the app puts first in the system prompt of every request of the project's chats.
  const system = withDocuments('', files);
  ctx.log(`  project of ${PROJECT_FILES} files, ${fileTokens.toLocaleString('en')} tokens (${round(system.length / 1e6, 2)} M characters of system prompt): ${warmup} + ${samples} rounds`);

  const inProject: Chat[] = [];
  const plain: Chat[] = [];
  const directBig: Chat[] = [];
  const directSmall: Chat[] = [];
  let bodyBytes = 0;
  for (let i = 0; i < warmup + samples; i++) {
    const text = `A question about the handbooks (${i}). ${DIRECTIVES}`;
    const bigBody = completionBody([
      { role: 'system', content: system },
      { role: 'user', content: text },
    ]);
    const smallBody = completionBody([{ role: 'user', content: text }]);
    bodyBytes = Buffer.byteLength(bigBody);
    const steps: (() => Promise<void>)[] = [
      async () => void inProject.push(await appChat(ctx, app, `bench-${runTag}-project-${i}`, text, project.id)),
      async () => void directBig.push(await directChat(ctx, bigBody)),
      async () => void plain.push(await appChat(ctx, app, `bench-${runTag}-plain-${i}`, text)),
      async () => void directSmall.push(await directChat(ctx, smallBody)),
    ];
    // Alternate the order, so drift affects every side alike.
    for (const step of i % 2 === 0 ? steps : steps.reverse()) await step();
    if (i < warmup) {
      inProject.pop();
      directBig.pop();
      plain.pop();
      directSmall.pop();
    }
  }
  const p = ttft(inProject);
  const big = ttft(directBig);
  const f = ttft(plain);
  const small = ttft(directSmall);
  const store = summarize(inProject.map((c) => c.storeMs ?? Number.NaN));
  const prompt = summarize(inProject.map((c) => c.promptMs ?? Number.NaN));
  const plainBefore = summarize(plain.map((c) => (c.storeMs ?? Number.NaN) + (c.promptMs ?? Number.NaN)));
  const added = { p50: p.p50 - big.p50, p95: p.p95 - big.p95 };
  return {
    id: 'documents.project-ttft',
    area: AREA,
    figure: `first token of a new chat in a project with ${Math.round(fileTokens / 1000)}k tokens of files, added by the app`,
    unit: 'ms',
    p50: round(added.p50),
    p95: round(added.p95),
    budget: { text: 'p50 ≤ 20', pass: added.p50 <= 20 },
    baseline:
      `stand-in direct with the same ${round(bodyBytes / 1e6, 2)} MB request: p50 ${round(big.p50)} ms, p95 ${round(big.p95)} ms; via app: p50 ${round(p.p50)}, p95 ${round(p.p95)}; ` +
      `plain new chat via app p50 ${round(f.p50)} / direct p50 ${round(small.p50)} (the app's usual share: ${round(f.p50 - small.p50)} ms); ` +
      `project chat over plain chat, both via app: p50 +${round(p.p50 - f.p50)} ms`,
    samples: p.n,
    note:
      `Server-Timing of the project chats: store p50 ${round(store.p50)} ms, prompt (files into the system prompt, upstream request) p50 ${round(prompt.p50)} ms, p95 ${round(prompt.p95)} ms ` +
      `(plain chat: store + prompt p50 ${round(plainBefore.p50)} ms); ${PROJECT_FILES} text files of ${PROJECT_FILE_CHARS.toLocaleString('en')} characters`,
  };
}

export async function documentsSuite(ctx: BenchContext, app: AppServer, runTag: string): Promise<Row[]> {
  const dir = join(ctx.tmp, 'documents');
  mkdirSync(dir, { recursive: true });
  let tags = 0;
  const nextTag = () => `${runTag}-${tags++}`;
  const built = performance.now();
  const pdf = await makeLongPdf(PAGES);
  ctx.log(`  built the ${PAGES}-page PDF in ${round(performance.now() - built, 0)} ms`);
  const extraction = await extractionRow(ctx, app, pdf, dir, nextTag);
  const during = await duringExtractionRow(ctx, app, pdf, extraction.expected, runTag, nextTag);
  const project = await projectRow(ctx, app, runTag);
  return [extraction.row, during, project];
}
