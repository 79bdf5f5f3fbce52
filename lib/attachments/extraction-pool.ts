import 'server-only';

// Text extraction off the main thread: a small pool of persistent worker threads running
// extract-worker.ts, so that parsing a 300-page PDF never stalls the server's event loop (streaming
// replies, other requests). Jobs queue when every worker is busy. A job that runs longer than its
// timeout has its worker terminated (PDF.js cannot be interrupted otherwise) and replaced; a worker
// that crashes (or runs out of its heap) is replaced too. Idle workers are unref()'d: they do not keep
// the process (or a test run) alive.

import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ExtractionError, extractionMessage } from './extract.ts';
import type { ExtractionResult } from './extract.ts';
import type { ExtractionReply, ExtractionRequest } from './extract-worker.ts';

// Not `new URL('./extract-worker.ts', import.meta.url)`: bundlers rewrite import.meta.url. The server
// and the tests both run from the repository root, and Node loads the .ts file with type stripping.
const WORKER_FILE = path.join(process.cwd(), 'lib', 'attachments', 'extract-worker.ts');
const POOL_SIZE = 1;
const DEFAULT_TIMEOUT_MS = 60_000;
// Per-worker heap cap: a hostile or pathological file kills its worker, not the server.
const MAX_WORKER_HEAP_MB = 1024;
// The repo's package.json has no "type", so Node warns once per worker that it parsed the .ts files as
// ES modules. Harmless; not worth a line in the server log for every worker started.
const WORKER_EXEC_ARGV = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];

type Job = {
  id: number;
  bytes: ArrayBuffer;
  name: string;
  mediaType: string;
  timeoutMs: number;
  resolve: (result: ExtractionResult) => void;
  reject: (error: ExtractionError) => void;
};

type Slot = {
  worker: Worker;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  retired: boolean;
};

const slots: Slot[] = [];
const queue: Job[] = [];
let nextJobId = 1;
const stats = { workersStarted: 0, completed: 0, failed: 0, timedOut: 0, crashed: 0 };

/**
 * The text of an attachment, read in a worker thread. Rejects with ExtractionError: the codes of
 * extractText, or 'corrupt' when the file took longer than `timeoutMs` (default 60 s) or crashed its
 * worker. The caller's `bytes` are copied, never detached.
 */
export function extractInWorker(
  bytes: Uint8Array,
  name: string,
  mediaType: string,
  opts: { timeoutMs?: number } = {},
): Promise<ExtractionResult> {
  // A copy of exactly these bytes, ours to transfer. Not bytes.slice(): on a Buffer that is a view of
  // the same memory, often Node's shared pool, which cannot be transferred at all.
  const owned = new Uint8Array(bytes.byteLength);
  owned.set(bytes);
  const copy = owned.buffer;
  const timeoutMs = Math.max(1, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return new Promise<ExtractionResult>((resolve, reject) => {
    queue.push({ id: nextJobId++, bytes: copy, name, mediaType, timeoutMs, resolve, reject });
    dispatch();
  });
}

/** Counters and the pool's current state (for logs, benchmarks and tests). */
export function extractionStats(): {
  workers: number;
  busy: number;
  queued: number;
  workersStarted: number;
  completed: number;
  failed: number;
  timedOut: number;
  crashed: number;
} {
  return {
    workers: slots.length,
    busy: slots.filter((slot) => slot.job !== null).length,
    queued: queue.length,
    ...stats,
  };
}

/** Terminates every worker; queued and running jobs are rejected. The pool starts afresh on next use. */
export async function closeExtractionPool(): Promise<void> {
  const jobs = [...queue.splice(0), ...slots.flatMap((slot) => (slot.job ? [slot.job] : []))];
  const retiring = [...slots];
  for (const slot of retiring) retire(slot);
  for (const job of jobs) job.reject(new ExtractionError('corrupt', extractionMessage('failed', job.name)));
  await Promise.all(retiring.map((slot) => slot.worker.terminate().catch(() => 0)));
}

function dispatch(): void {
  while (queue.length > 0) {
    let slot = slots.find((candidate) => candidate.job === null && !candidate.retired);
    if (slot === undefined) {
      if (slots.length >= POOL_SIZE) return;
      slot = spawn();
    }
    const job = queue.shift();
    if (job === undefined) return;
    run(slot, job);
  }
}

function spawn(): Slot {
  const worker = new Worker(WORKER_FILE, {
    name: 'attachment-extraction',
    execArgv: WORKER_EXEC_ARGV,
    resourceLimits: { maxOldGenerationSizeMb: MAX_WORKER_HEAP_MB },
  });
  const slot: Slot = { worker, job: null, timer: null, retired: false };
  stats.workersStarted++;
  worker.on('message', (reply: ExtractionReply) => onReply(slot, reply));
  worker.on('error', (error: Error) => onLost(slot, error));
  worker.on('exit', (code: number) => onLost(slot, new Error(`extraction worker exited with code ${code}`)));
  worker.unref();
  slots.push(slot);
  return slot;
}

function run(slot: Slot, job: Job): void {
  slot.job = job;
  slot.worker.ref();
  slot.timer = setTimeout(() => onTimeout(slot), job.timeoutMs);
  const request: ExtractionRequest = { id: job.id, bytes: job.bytes, name: job.name, mediaType: job.mediaType };
  try {
    slot.worker.postMessage(request, [job.bytes]);
  } catch {
    onLost(slot, new Error('could not send the file to the extraction worker'));
  }
}

function onReply(slot: Slot, reply: ExtractionReply): void {
  const job = slot.job;
  if (slot.retired || job === null || reply.id !== job.id) return;
  release(slot);
  if (reply.ok) {
    stats.completed++;
    job.resolve(reply.result);
  } else {
    stats.failed++;
    job.reject(new ExtractionError(reply.error.code, reply.error.message));
  }
  dispatch();
}

function onTimeout(slot: Slot): void {
  const job = slot.job;
  if (slot.retired || job === null) return;
  stats.timedOut++;
  retire(slot);
  void slot.worker.terminate().catch(() => 0);
  job.reject(new ExtractionError('corrupt', extractionMessage('timeout', job.name)));
  dispatch();
}

function onLost(slot: Slot, error: Error): void {
  if (slot.retired) return;
  const job = slot.job;
  stats.crashed++;
  retire(slot);
  void slot.worker.terminate().catch(() => 0);
  console.error('[attachments] extraction worker lost:', error);
  if (job !== null) {
    const outOfMemory = (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    job.reject(new ExtractionError('corrupt', extractionMessage(outOfMemory ? 'memory' : 'failed', job.name)));
  }
  dispatch();
}

/** The slot's job is done: the worker waits for the next one without keeping the process alive. */
function release(slot: Slot): void {
  if (slot.timer !== null) clearTimeout(slot.timer);
  slot.timer = null;
  slot.job = null;
  slot.worker.unref();
}

/** Takes the slot out of the pool (its worker is being terminated or has died). */
function retire(slot: Slot): void {
  if (slot.timer !== null) clearTimeout(slot.timer);
  slot.timer = null;
  slot.retired = true;
  const index = slots.indexOf(slot);
  if (index !== -1) slots.splice(index, 1);
}
