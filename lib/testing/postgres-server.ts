import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster on loopback, for the benchmark (scripts/postgres.sh does the same
 * for the test run): Debian's binaries, initdb in a temp folder, pg_ctl, no durability (fsync off),
 * owned by the `postgres` user when we run as root (initdb refuses root). Stopped by its caller.
 */
export type PostgresServer = { url: string; createDatabase(name: string): Promise<string>; stop(): Promise<void> };

/**
 * Statements on their own connection, one after another (CREATE/DROP DATABASE cannot run inside a
 * pool's transaction).
 */
export async function runOnServer(url: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The URL of database `name` on the server `url` names. */
export function databaseUrl(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

export function postgresBinDir(): string {
  const candidates = [process.env.PG_BINDIR, ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`) : [])];
  for (const dir of candidates) if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  throw new Error('PostgreSQL not found: install it (Debian: apt-get install postgresql) or set PG_BINDIR');
}

export async function startPostgres(port: number): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'qwen-chat-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const result = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args]) : spawnSync(cmd, args);
    if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr?.toString() || result.stdout?.toString()}`);
  };
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', options, 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async createDatabase(name) {
      await runOnServer(url, `CREATE DATABASE ${name}`);
      return databaseUrl(url, name);
    },
    async stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const [uid, gid] = spawnSync('id', ['-u', name]).stdout.toString().trim().split('\n').concat(spawnSync('id', ['-g', name]).stdout.toString().trim());
  return { uid: Number(uid), gid: Number(gid) };
}
