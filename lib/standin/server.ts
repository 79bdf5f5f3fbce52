/**
 * The stand-in as a real HTTP server (node:http), for end-to-end tests and
 * `npm run standin`. It bridges Node's request/response to the Web-standard
 * handler, turning a client disconnect into an aborted `request.signal` and an
 * errored response body (`[[cut]]`) into a destroyed socket.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openGate } from './gates';
import { createStandinHandler } from './handler';
import type { StandinHandler, StandinRequestInfo } from './types';

export interface StandinServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the stand-in accepts any key, so it must not be reachable from outside by accident. */
  host?: string;
  defaultDelayMs?: number;
  model?: string;
}

export interface StandinServer {
  /** Base URL for an OpenAI-compatible client, e.g. `http://127.0.0.1:4010/v1`. */
  url: string;
  port: number;
  /** The most recent requests (oldest first), as also served by `GET /__log`. */
  log: StandinRequestInfo[];
  close(): Promise<void>;
}

const LOG_LIMIT = 500;

// Hop-by-hop and framing headers describe Node's connection, not the request the handler sees.
const SKIPPED_REQUEST_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length', 'host']);

function toHeaders(incoming: IncomingMessage['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || SKIPPED_REQUEST_HEADERS.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // A copy into a plain ArrayBuffer: Buffers may view a shared pool, which BodyInit doesn't accept.
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * Resolves once the chunk has been handed to the OS. Waiting for that (rather than
 * just queueing) gives backpressure, and guarantees the text before a `[[cut]]`
 * really leaves the process before the socket is destroyed.
 */
function writeFlushed(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const onClose = (): void => resolve();
    res.once('close', onClose);
    res.write(chunk, () => {
      res.off('close', onClose);
      resolve();
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function bridge(handler: StandinHandler, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  // 'close' before the response finished means the client went away (or the socket died).
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new Error('client disconnected'));
  });

  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  const request = new Request(new URL(req.url ?? '/', origin), {
    method,
    headers: toHeaders(req.headers),
    body,
    signal: abort.signal,
  });

  const response = await handler(request);
  if (res.destroyed) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // Headers go out now, not with the first body chunk: that is what `[[ttfb]]` measures.
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }

  const reader = response.body.getReader();
  res.on('close', () => {
    if (!res.writableFinished) reader.cancel().catch(() => undefined);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      await writeFlushed(res, value);
    }
    if (!res.destroyed) res.end();
  } catch {
    // The body errored: `[[cut]]`, or the abort above. Drop the connection without
    // the terminating chunk, which is what a crashed upstream looks like to a client.
    res.socket?.destroy();
    res.destroy();
  }
}

export async function startStandinServer(opts: StandinServerOptions = {}): Promise<StandinServer> {
  const host = opts.host ?? '127.0.0.1';
  const log: StandinRequestInfo[] = [];
  const handler = createStandinHandler({
    defaultDelayMs: opts.defaultDelayMs,
    model: opts.model,
    onRequest(info) {
      log.push(info);
      if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
    },
  });

  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (path.endsWith('/__log')) {
      if (req.method === 'GET') return sendJson(res, 200, log);
      if (req.method === 'DELETE') {
        log.length = 0;
        res.writeHead(204).end();
        return;
      }
      return sendJson(res, 405, { error: { message: 'Use GET or DELETE.', type: 'invalid_request_error', param: null, code: null } });
    }
    const gate = /\/__gate\/([^/]+)$/.exec(path);
    if (gate) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'Use POST.', type: 'invalid_request_error', param: null, code: null } });
      openGate(decodeURIComponent(gate[1]!));
      res.writeHead(204).end();
      return;
    }
    bridge(handler, origin, req, res).catch(() => {
      // Reading the request failed (client vanished mid-upload); nothing left to answer.
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { message: 'stand-in bridge failure', type: 'server_error', param: null, code: null } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback; a literal IPv6 address needs brackets in a URL.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;

  return {
    url: `${origin}/v1`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive and in-flight streams would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
