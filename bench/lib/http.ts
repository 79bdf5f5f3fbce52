/**
 * A small HTTP client for timing: node:http with keep-alive agents, an incremental SSE parser, and
 * timestamps (performance.now(), ms) taken when bytes arrive, before any parsing.
 *
 * Both paths under comparison (app and stand-in) go through this same code, so its own overhead
 * cancels out of every "added" figure. Requests to the app carry a browser's Accept-Encoding, as
 * useChat in a browser would, and the (gzip) stream is inflated as it arrives.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';

export const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Time to the response headers and to the last byte, from the moment the request was sent. */
  headersMs: number;
  totalMs: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: Agent;
  /** Inflate a compressed body (default true). */
  decode?: boolean;
  timeoutMs?: number;
}

function decoder(encoding: string | undefined): Transform | undefined {
  const flush = { flush: zlibConstants.Z_SYNC_FLUSH, finishFlush: zlibConstants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
      return createGunzip(flush);
    case 'deflate':
      return createInflate(flush);
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/** A whole request, body buffered. */
export function fetchBuffer(url: string, options: RequestOptions = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const headersMs = performance.now() - started;
      const chunks: Buffer[] = [];
      const inflate = (options.decode ?? true) ? decoder(res.headers['content-encoding']) : undefined;
      const source = inflate ? res.pipe(inflate) : res;
      source.on('data', (chunk: Buffer) => chunks.push(chunk));
      source.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), headersMs, totalMs: performance.now() - started }),
      );
      source.on('error', reject);
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`timeout after ${options.timeoutMs} ms: ${url}`)));
    req.end(options.body);
  });
}

export type StreamKind = 'app' | 'direct';

export interface StreamTiming {
  status: number;
  headers: IncomingHttpHeaders;
  /** ms from sending the request to the first chunk carrying text (app: a "text-delta" event; direct: a non-empty content delta). */
  firstTextMs: number;
  /** ms from sending to the last text chunk, and to the end of the response. */
  lastTextMs: number;
  endMs: number;
  /** Text events seen (one per upstream token). */
  textEvents: number;
  /** Arrival time (ms from sending) of every text event, when `recordArrivals` is set. */
  arrivals?: number[];
  /** Whether the stream ended the way a complete reply does (app: a "finish" event; direct: `[DONE]`). */
  finished: boolean;
  error?: string;
  text: string;
}

export interface StreamOptions extends RequestOptions {
  kind: StreamKind;
  recordArrivals?: boolean;
}

/** Sends a request whose answer is SSE and times the text in it. Never rejects: failures come back in `error`. */
export function timeStream(url: string, options: StreamOptions): Promise<StreamTiming> {
  return new Promise((resolve) => {
    const started = performance.now();
    const result: StreamTiming = {
      status: 0,
      headers: {},
      firstTextMs: Number.NaN,
      lastTextMs: Number.NaN,
      endMs: Number.NaN,
      textEvents: 0,
      arrivals: options.recordArrivals ? [] : undefined,
      finished: false,
      text: '',
    };
    let settled = false;
    const done = (error?: string): void => {
      if (settled) return;
      settled = true;
      result.endMs = performance.now() - started;
      if (error) result.error = error;
      resolve(result);
    };

    let buffer = '';
    const onEvent = (payload: string, at: number): void => {
      if (options.kind === 'direct') {
        if (payload === '[DONE]') {
          result.finished = true;
          return;
        }
        const chunk = JSON.parse(payload) as { choices?: { delta?: { content?: string } }[] };
        const content = chunk.choices?.[0]?.delta?.content;
        if (content) text(content, at);
      } else {
        if (payload === '[DONE]') return;
        const chunk = JSON.parse(payload) as { type: string; delta?: string; errorText?: string };
        if (chunk.type === 'text-delta') text(chunk.delta ?? '', at);
        else if (chunk.type === 'finish') result.finished = true;
        else if (chunk.type === 'error') result.error = `stream error: ${chunk.errorText}`;
      }
    };
    const text = (content: string, at: number): void => {
      if (result.textEvents === 0) result.firstTextMs = at;
      result.lastTextMs = at;
      result.textEvents++;
      result.text += content;
      result.arrivals?.push(at);
    };
    const onData = (chunk: Buffer | string): void => {
      const at = performance.now() - started;
      buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        for (const line of event.split('\n')) {
          if (line.startsWith('data: ')) {
            try {
              onEvent(line.slice(6), at);
            } catch (error) {
              result.error ??= `bad event: ${(error as Error).message}`;
            }
          }
        }
      }
    };

    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (res) => {
      result.status = res.statusCode ?? 0;
      result.headers = res.headers;
      const inflate = decoder(res.headers['content-encoding']);
      const source = inflate ? res.pipe(inflate) : res;
      source.on('data', onData);
      source.on('end', () => done(result.status >= 400 ? `HTTP ${result.status}: ${buffer.slice(0, 200)}` : undefined));
      source.on('error', (error: Error) => done(error.message));
      res.on('error', (error: Error) => done(error.message));
      res.on('aborted', () => done('aborted'));
    });
    req.on('error', (error) => done(error.message));
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`timeout after ${options.timeoutMs} ms`)));
    req.end(options.body);
  });
}

/** The request the app sends upstream for a conversation, as a body for the stand-in. */
export function completionBody(messages: { role: string; content: string }[]): string {
  return JSON.stringify({ model: 'qwen-turbo', messages, stream: true, stream_options: { include_usage: true } });
}
