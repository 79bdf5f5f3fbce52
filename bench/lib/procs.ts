/** Child processes for the bench (stand-in, app) and their memory, read from /proc. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchBuffer } from './http';

export interface Proc {
  child: ChildProcess;
  pid: number;
  /** Last lines of stdout and stderr, for error messages. */
  output: string[];
  stop(): Promise<void>;
}

export function startProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; name: string }): Proc {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (data: Buffer): void => {
    for (const line of data.toString('utf8').split('\n')) if (line.trim()) output.push(`[${options.name}] ${line}`);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (child.pid === undefined) throw new Error(`could not start ${options.name}`);
  const pid = child.pid;
  return {
    child,
    pid,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Only this process and its own descendants: never anything found by name.
      const tree = [...descendants(pid), pid];
      for (const p of tree) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
      if (timedOut) {
        for (const p of tree) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers with `okStatus` (any status when omitted). Returns the ms it took. */
export async function waitForHttp(url: string, proc: Proc, { timeoutMs = 60_000, okStatus }: { timeoutMs?: number; okStatus?: number } = {}): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}) before ${url} answered:\n${proc.output.join('\n')}`);
    try {
      const res = await fetchBuffer(url, { timeoutMs: 2_000 });
      if (okStatus === undefined || res.status === okStatus) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${proc.output.join('\n')}`);
}

/** Every process whose parent chain leads to `pid` (from /proc/<n>/stat). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** VmRSS of one process, in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS of a process and all its descendants, in bytes. */
export function treeRssBytes(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => sum + rssBytes(p), 0);
}

/** Samples the tree's RSS every `intervalMs` until stopped; keeps the peak. */
export function rssSampler(pid: number, intervalMs = 100): { stop(): { peak: number; samples: number } } {
  let peak = treeRssBytes(pid);
  let samples = 1;
  // The tree is re-walked once a second; RSS of the known processes is read every tick.
  let tree = [pid, ...descendants(pid)];
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % 10 === 0) tree = [pid, ...descendants(pid)];
    const rss = tree.reduce((sum, p) => sum + rssBytes(p), 0);
    peak = Math.max(peak, rss);
    samples++;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}

/** CPU time (user + system) used so far by a process and its descendants, in ms (clock ticks of 10 ms). */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command name: state is field 3, utime 14 and stime 15 (1-based) → indices 11 and 12.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks * 10;
}
