import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractionError } from './extract.ts';
import { closeExtractionPool, extractInWorker, extractionStats } from './extraction-pool.ts';
import { REPORT_PAGES, makeEncryptedPdf, makeLongPdf, makeTextPdf } from './fixtures.ts';

let report: Uint8Array;
let long: Uint8Array;

beforeAll(async () => {
  report = await makeTextPdf(REPORT_PAGES);
  long = await makeLongPdf(300);
});

afterAll(async () => {
  await closeExtractionPool();
});

async function rejection(promise: Promise<unknown>): Promise<ExtractionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractionError);
    return error as ExtractionError;
  }
  throw new Error('expected a rejection');
}

describe('extractInWorker', () => {
  it('extracts a PDF in a worker thread and leaves the caller’s bytes alone', async () => {
    const result = await extractInWorker(report, 'report.pdf', 'application/pdf');
    expect(result.kind).toBe('pdf');
    expect(result.pages).toBe(2);
    expect(result.text).toMatch(/^Quarterly report for Acme[\s\S]*zebra budget grew by 42 percent\.\n\nOutlook/);
    expect(report.byteLength).toBeGreaterThan(0); // not detached by the transfer
    expect(extractionStats().workers).toBe(1);
  });

  it('takes a small Buffer, which Node allocates from its shared pool (not transferable as it is)', async () => {
    const small = Buffer.concat([Buffer.from('hello '), Buffer.from('world\n')]);
    const result = await extractInWorker(small, 'x.txt', 'text/plain');
    expect(result.text).toBe('hello world');
    expect(small.toString()).toBe('hello world\n');
  });

  it('extracts 300 pages in order while the main event loop stays responsive', async () => {
    let maxLag = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    try {
      const result = await extractInWorker(long, 'long-300.pdf', 'application/pdf');
      const elapsed = performance.now() - started;
      expect(result.pages).toBe(300);
      const first = result.text.indexOf('Page 1.');
      const middle = result.text.indexOf('Page 150.');
      const lastPage = result.text.indexOf('Page 300.');
      expect(first).toBe(0);
      expect(middle).toBeGreaterThan(first);
      expect(lastPage).toBeGreaterThan(middle);
      for (let n = 1; n <= 300; n++) expect(result.text, `page ${n}`).toContain(`Page ${n}. `);
      console.log(`300-page PDF: ${Math.round(elapsed)} ms in the worker, ${result.text.length} characters; max main-thread lag ${Math.round(maxLag)} ms`);
    } finally {
      clearInterval(ticker);
    }
    expect(maxLag).toBeLessThan(200);
  });

  it('brings an extraction error back across the worker boundary', async () => {
    const error = await rejection(extractInWorker(await makeEncryptedPdf(), 'secret.pdf', 'application/pdf'));
    expect(error.code).toBe('encrypted');
    expect(error.message).toBe('secret.pdf is password-protected; remove the password and attach it again.');
    const unsupported = await rejection(extractInWorker(new Uint8Array([1, 2, 3]), 'photo.png', 'image/png'));
    expect(unsupported.code).toBe('unsupported');
  });

  it('queues jobs and answers each with its own result', async () => {
    const files = ['one', 'two', 'three', 'four'].map((word) => new TextEncoder().encode(`file ${word}\n`));
    const results = await Promise.all(files.map((bytes, i) => extractInWorker(bytes, `f${i}.txt`, 'text/plain')));
    expect(results.map((result) => result.text)).toEqual(['file one', 'file two', 'file three', 'file four']);
  });

  it('gives up on a job past its timeout, and the pool still works afterwards', async () => {
    const before = extractionStats();
    const queued = extractInWorker(report, 'queued.pdf', 'application/pdf'); // waits behind the slow one
    const slow = rejection(extractInWorker(long, 'long-300.pdf', 'application/pdf', { timeoutMs: 30 }));
    expect((await queued).pages).toBe(2);
    const error = await slow;
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^long-300\.pdf took too long to read/);
    expect(extractionStats().timedOut).toBe(before.timedOut + 1);
    const after = await extractInWorker(report, 'report.pdf', 'application/pdf');
    expect(after.text).toContain('Quarterly report for Acme');
    expect(extractionStats().workersStarted).toBeGreaterThan(before.workersStarted);
  });

  it('rejects running jobs when the pool is closed, and starts afresh on the next job', async () => {
    const running = rejection(extractInWorker(long, 'long-300.pdf', 'application/pdf'));
    await closeExtractionPool();
    expect((await running).code).toBe('corrupt');
    expect(extractionStats().workers).toBe(0);
    expect((await extractInWorker(report, 'report.pdf', 'application/pdf')).pages).toBe(2);
  });
});
