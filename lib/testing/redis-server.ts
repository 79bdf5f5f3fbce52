import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway redis-server on loopback (Debian's `redis-server`; scripts/test.sh installs it when
 * missing and it runs as root): no persistence, its own folder, stopped by the test that started it.
 */
export type RedisServer = { url: string; stop(): Promise<void> };

export function redisServerPath(): string {
  for (const candidate of [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/sbin/redis-server']) {
    if (candidate && spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  const found = spawnSync('sh', ['-c', 'command -v redis-server']).stdout?.toString().trim();
  if (found) return found;
  throw new Error('redis-server not found: install it (Debian: apt-get install redis-server) or set REDIS_SERVER');
}

export async function startRedis(port: number): Promise<RedisServer> {
  // One left over from an aborted run would hold other data (and be left running).
  if (await answersPing(port)) throw new Error(`port ${port} is already in use by a Redis`);
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-redis-'));
  const child = spawn(
    redisServerPath(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
