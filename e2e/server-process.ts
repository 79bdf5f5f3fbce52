import { spawn, type ChildProcess } from 'node:child_process';

/** A `next start` of the production build that a test owns, so it can kill and restart it. */
export type OwnServer = { url: string; process: ChildProcess; kill(signal?: NodeJS.Signals): Promise<void> };

export async function startOwnServer(port: number, env: Record<string, string>): Promise<OwnServer> {
  // A server left over from an aborted run would answer in this one's place, with another database.
  if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) throw new Error(`port ${port} is already in use`);
  const child = spawn('node', ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', String(port)], {
    // Titles by the model are off unless a test turns them on (they would rename chats under its feet).
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', AUTO_TITLE: '0', ...env },
    stdio: 'ignore',
    detached: true, // its own process group, so a kill reaches every process it started
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      // Any answer from the app counts (a 401 when APP_PASSWORD is set): the database opens before it serves.
      if ((await fetch(`${url}/api/conversations?limit=1`)).status < 500) break;
    } catch {
      // not listening yet
    }
    // Exited (the port is taken?) or never ready: fail, without leaving a server behind for the next run.
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server on ${port} exited before it was ready`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`server on ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(-child.pid!, signal);
      }),
  };
}
