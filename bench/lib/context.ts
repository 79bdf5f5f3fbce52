/** What every suite gets: the servers under test, HTTP agents, and the shape of a result row. */
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { BROWSER_ACCEPT_ENCODING, keepAliveAgent } from './http';
import { startProcess, waitForHttp, type Proc } from './procs';

export interface Budget {
  /** Human-readable, e.g. "p50 ≤ 10, p95 ≤ 25". */
  text: string;
  /** null: not applicable in this build (not measured). */
  pass: boolean | null;
}

export interface Row {
  id: string;
  area: string;
  figure: string;
  unit: string;
  p50?: number;
  p95?: number;
  /** For single-valued figures (sizes, counts, peaks). */
  value?: number;
  budget?: Budget;
  /** The baseline the figure is measured against, e.g. "stand-in direct: p50 1.2 ms, p95 2.0 ms". */
  baseline?: string;
  samples?: number;
  note?: string;
}

export interface AppServer {
  url: string;
  port: number;
  proc: Proc;
  dbPath: string;
  /** ms from spawning `next start` to the first 200 from /api/conversations. */
  startupMs: number;
  stop(): Promise<void>;
}

export interface BenchContext {
  root: string;
  /** Private temp folder for this run (databases, the build snapshot). */
  tmp: string;
  /** Where `next start` runs (a snapshot of the build). */
  workdir: string;
  standinUrl: string;
  standinAgent: Agent;
  appAgent: Agent;
  quick: boolean;
  log(line: string): void;
}

export const APP_HEADERS = {
  'content-type': 'application/json',
  accept: 'text/event-stream, application/json',
  'accept-encoding': BROWSER_ACCEPT_ENCODING,
};

export const STANDIN_HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer bench',
};

/** `next start` on `port` with a database file, pointed at the stand-in. */
export async function startApp(ctx: BenchContext, port: number, dbPath: string, extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const url = `http://127.0.0.1:${port}`;
  // The same V8 flag as `npm start` (package.json): a capped young generation keeps RSS down.
  const proc = startProcess(process.execPath, ['--max-semi-space-size=16', join(ctx.root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: ctx.workdir,
    name: `app:${port}`,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AIMLAPI_API_KEY: 'bench',
      AIMLAPI_BASE_URL: `${ctx.standinUrl}/v1`,
      CHAT_RATE_LIMIT_PER_MINUTE: '0',
      DATABASE_URL: `file:${dbPath}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      // To compare runtime flags (e.g. --max-semi-space-size=16) without touching the app.
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      ...extraEnv,
    },
  });
  const startupMs = await waitForHttp(`${url}/api/conversations?limit=1`, proc, { okStatus: 200, timeoutMs: 120_000 });
  const agent = ctx.appAgent;
  return {
    url,
    port,
    proc,
    dbPath,
    startupMs,
    async stop() {
      agent.destroy();
      ctx.appAgent = keepAliveAgent();
      await proc.stop();
    },
  };
}
