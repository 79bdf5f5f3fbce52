/**
 * `npm run bench`: the performance suite, against the production build and the stand-in model on
 * loopback. Prints a table and writes bench/results/latest.json. See BENCHMARKS.md.
 *
 *   npm run bench                     everything (builds first if the build is stale)
 *   npm run bench -- --quick          fewer samples and a 100k-message history (a smoke run, ~2 min)
 *   npm run bench -- --only=ttft,history   (suites: ttft, throughput, concurrency, frontend, documents, history)
 *   npm run bench -- --no-build       measure the existing build even if sources are newer
 *   npm run bench -- --strict         exit 1 when a budget is missed
 *   npm run bench -- --out=FILE       write the JSON elsewhere (default bench/results/latest.json;
 *                                     --quick and --only runs default to bench/results/partial.json)
 *
 * Ports: BENCH_PORT (default 5400) and the next three (stand-in, app, app on the large database).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { seedDatabase } from '../db/seed';
import { startApp, type BenchContext, type Row } from './lib/context';
import { keepAliveAgent } from './lib/http';
import { startProcess, waitForHttp, type Proc } from './lib/procs';
import { round } from './lib/stats';
import { ensureBuild, snapshotBuild } from './lib/workspace';
import { concurrencySuite } from './suites/concurrency';
import { documentsSuite } from './suites/documents';
import { frontendSuite } from './suites/frontend';
import { historySuite } from './suites/history';
import { throughputSuite } from './suites/throughput';
import { ttftSuite } from './suites/ttft';

const SUITES = ['ttft', 'throughput', 'concurrency', 'frontend', 'documents', 'history'] as const;
type Suite = (typeof SUITES)[number];

function parseArgs(argv: string[]) {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = value('only')?.split(',').map((s) => s.trim()) as Suite[] | undefined;
  for (const s of only ?? []) if (!SUITES.includes(s)) throw new Error(`--only: unknown suite "${s}" (${SUITES.join(', ')})`);
  const quick = flag('quick');
  const partial = quick || only !== undefined;
  return {
    quick,
    noBuild: flag('no-build'),
    strict: flag('strict'),
    keep: flag('keep'),
    suites: new Set<Suite>(only ?? SUITES),
    out: resolve(value('out') ?? join('bench', 'results', partial ? 'partial.json' : 'latest.json')),
  };
}

function machine() {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  let nproc = cpus().length;
  try {
    nproc = Number(execSync('nproc').toString().trim());
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    cpu: cpuModel,
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    freeMemoryGB: round(freemem() / 1024 ** 3, 1),
    node: process.version,
    next: (JSON.parse(readFileSync('node_modules/next/package.json', 'utf8')) as { version: string }).version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
  };
}

/** Jiffies of the whole machine (busy, total) and of this process with its reaped children. */
function cpuTicks(): { busy: number; total: number; own: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3]! + fields[4]!;
  const self = readFileSync('/proc/self/stat', 'utf8');
  const own = self
    .slice(self.lastIndexOf(')') + 2)
    .split(' ')
    .slice(11, 15)
    .reduce((a, b) => a + Number(b), 0);
  return { busy: total - idle, total, own };
}

function fmt(n: number | undefined, unit: string): string {
  if (n === undefined || Number.isNaN(n)) return '';
  const digits = unit === 'CLS' ? 4 : Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return n.toFixed(digits);
}

export function renderTable(rows: Row[]): string {
  const header = ['Area', 'Figure', 'Unit', 'p50 / value', 'p95', 'Budget', 'OK', 'n'];
  const lines = rows.map((r) => [
    r.area,
    r.figure,
    r.unit,
    r.value !== undefined ? fmt(r.value, r.unit) : r.p50 !== undefined ? fmt(r.p50, r.unit) : 'n/a',
    fmt(r.p95, r.unit),
    r.budget?.text ?? '',
    r.budget ? (r.budget.pass === null ? 'n/a' : r.budget.pass ? '✓' : '✗ MISS') : '',
    r.samples !== undefined ? String(r.samples) : '',
  ]);
  const md = [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`);
  return md.join('\n');
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  process.chdir(root);
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const log = (line: string) => console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s ${line}`);
  const portBase = Number(process.env.BENCH_PORT ?? 5400);
  const ports = { standin: portBase + 1, app: portBase + 2, history: portBase + 3 };
  const runTag = Date.now().toString(36);

  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const build = ensureBuild(root, { skip: args.noBuild, log });
  const ticksBefore = cpuTicks();
  log(`build ${build.buildId} (${build.rebuilt ? `built now in ${round((build.buildMs ?? 0) / 1000, 0)} s` : `from ${build.builtAt}`})`);

  const tmp = mkdtempSync(join(tmpdir(), 'qwen-chat-bench-'));
  const workdir = snapshotBuild(root, join(tmp, 'app'));
  const ctx: BenchContext = {
    root,
    tmp,
    workdir,
    standinUrl: `http://127.0.0.1:${ports.standin}`,
    standinAgent: keepAliveAgent(),
    appAgent: keepAliveAgent(),
    quick: args.quick,
    log: (line) => log(line),
  };
  const procs: Proc[] = [];
  const cleanup = async () => {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    if (!args.keep) rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  const failures: string[] = [];
  // A suite that fails is reported (and fails the run) without losing the others' figures.
  const timed = async (name: string, fn: () => Promise<Row[]>) => {
    const t = performance.now();
    log(`▸ ${name}`);
    try {
      rows.push(...(await fn()));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`✗ ${name} failed: ${message}`);
      failures.push(`${name}: ${message.split('\n')[0]}`);
    }
    timings[name] = round((performance.now() - t) / 1000, 1);
  };

  try {
    const standin = startProcess(process.execPath, ['--import', 'tsx', join(root, 'lib', 'standin', 'cli.ts')], {
      cwd: root,
      name: 'standin',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', STANDIN_PORT: String(ports.standin), STANDIN_DELAY_MS: '0' },
    });
    procs.push(standin);
    await waitForHttp(`${ctx.standinUrl}/v1/models`, standin);
    log(`stand-in on :${ports.standin}`);

    const needsSmallApp = ['ttft', 'throughput', 'concurrency', 'frontend', 'documents'].some((s) => args.suites.has(s as Suite));
    let freshStartupMs = Number.NaN;
    if (needsSmallApp || args.suites.has('history')) {
      // Conversations of exactly 50 messages for the follow-up TTFT samples and the /chat/[id] page.
      const followUps = args.quick ? 45 : 170;
      const seeded = seedDatabase(join(tmp, 'chat.db'), { conversations: 0, messages: 0, exact: [{ count: followUps, messages: 50 }], seed: 3 });
      // Start-up on this small database is the reference for the large one (history suite).
      const app = await startApp(ctx, ports.app, seeded.path);
      procs.push(app.proc);
      freshStartupMs = app.startupMs;
      log(`app on :${ports.app} (up in ${round(app.startupMs, 0)} ms)`);
      const ids = seeded.exactIds[0]!;
      const chatPageId = ids.pop()!;
      if (args.suites.has('ttft')) await timed('time to first token', () => ttftSuite(ctx, app, ids, runTag));
      if (args.suites.has('throughput')) await timed('relay throughput', () => throughputSuite(ctx, app, runTag));
      if (args.suites.has('concurrency')) {
        const instances = { counts: [1, 2, 4], firstPort: portBase + 10, redisPort: portBase + 20, postgresPort: portBase + 21 };
        await timed('concurrency', () => concurrencySuite(ctx, app, runTag, instances));
      }
      if (args.suites.has('frontend')) await timed('front end', () => frontendSuite(ctx, app, chatPageId));
      // Last on this app: it leaves an extraction worker and ~10 MB of file text behind.
      if (args.suites.has('documents')) await timed('documents', () => documentsSuite(ctx, app, runTag));
      await app.stop();
      procs.pop();
    }
    if (args.suites.has('history')) {
      await timed('history at scale', () =>
        historySuite(ctx, {
          port: ports.history,
          conversations: args.quick ? 1_000 : 10_000,
          messages: args.quick ? 100_000 : 1_000_000,
          freshStartupMs,
          runTag,
        }),
      );
    }
  } finally {
    await cleanup();
  }

  const totalS = round((performance.now() - started) / 1000, 0);
  // Other work on the machine skews every figure: say how much there was.
  const ticksAfter = cpuTicks();
  const span = ticksAfter.total - ticksBefore.total || 1;
  const load = {
    loadAverageBefore: loadBefore,
    loadAverageAfter: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
    machineBusyPercent: round(((ticksAfter.busy - ticksBefore.busy) / span) * 100, 0),
    benchPercent: round(((ticksAfter.own - ticksBefore.own) / span) * 100, 0),
    otherPercent: round((((ticksAfter.busy - ticksBefore.busy) - (ticksAfter.own - ticksBefore.own)) / span) * 100, 0),
  };
  const table = renderTable(rows);
  const missed = rows.filter((r) => r.budget?.pass === false);
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    build,
    options: { quick: args.quick, suites: [...args.suites] },
    durationSeconds: totalS,
    load,
    suiteSeconds: timings,
    missed: missed.map((r) => r.id),
    failures,
    rows,
    table,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\n${table}\n`);
  for (const r of rows) {
    const extra = [r.baseline && `baseline: ${r.baseline}`, r.note].filter(Boolean).join(' — ');
    if (extra) console.log(`- ${r.id}: ${extra}`);
  }
  const m = result.machine;
  console.log(`\n${m.nproc} × ${m.cpu}, ${m.memoryGB} GB, Node ${m.node}, Next ${m.next}. ${totalS} s in all. Wrote ${args.out}.`);
  console.log(
    `CPU during the run: ${load.machineBusyPercent} % of the machine busy, ${load.benchPercent} % the bench and its servers, ${load.otherPercent} % other processes` +
      (load.otherPercent > 10 ? ' (figures are skewed by other work on this machine: rerun when it is idle)' : ''),
  );
  if (missed.length) console.log(`Budgets missed: ${missed.map((r) => r.id).join(', ')}`);
  if (failures.length) console.log(`Suites that failed: ${failures.join('; ')}`);
  if (failures.length || (args.strict && missed.length)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
