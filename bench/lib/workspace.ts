/**
 * The production build the bench runs against.
 *
 * `npm run build` runs first when .next/BUILD_ID is missing or older than any source file the build
 * depends on. The build (without .next/cache) and the sources are then copied into a private temp
 * folder with a link to node_modules, and `next start` runs there: a rebuild of the working tree
 * while the bench is running (other work goes on in the same checkout) cannot pull files out from
 * under the server being measured.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

const SOURCE_DIRS = ['app', 'components', 'lib', 'db', 'hooks', 'public', 'styles'];
const SOURCE_FILES = [
  'package.json',
  'package-lock.json',
  'next.config.ts',
  'tsconfig.json',
  'postcss.config.mjs',
  'instrumentation.ts',
  'proxy.ts',
  'middleware.ts',
];
/** Not part of the app bundle: editing them must not trigger a rebuild. */
const IGNORED = [/\.test\.tsx?$/, /^db\/seed\.ts$/, /^lib\/testing\//, /^db\/migrations\/meta\//];

function newestSource(root: string): { path: string; mtimeMs: number } {
  let newest = { path: '', mtimeMs: 0 };
  const visit = (path: string): void => {
    const rel = relative(root, path);
    if (IGNORED.some((re) => re.test(rel))) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (stat.mtimeMs > newest.mtimeMs) {
      newest = { path: rel, mtimeMs: stat.mtimeMs };
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) visit(join(root, file));
  return newest;
}

export interface BuildInfo {
  buildId: string;
  builtAt: string;
  /** True when this run built it. */
  rebuilt: boolean;
  buildMs?: number;
}

/** Builds when needed (unless `skip`), and says which build will be measured. */
export function ensureBuild(root: string, { skip, log }: { skip: boolean; log: (line: string) => void }): BuildInfo {
  const idFile = join(root, '.next', 'BUILD_ID');
  const builtMs = existsSync(idFile) ? statSync(idFile).mtimeMs : 0;
  const newest = newestSource(root);
  let rebuilt = false;
  let buildMs: number | undefined;
  if (builtMs === 0 || newest.mtimeMs > builtMs) {
    const why = builtMs === 0 ? 'no build yet' : `${newest.path} is newer than the build`;
    if (skip) {
      if (builtMs === 0) throw new Error('No production build (.next/BUILD_ID): run `npm run build` first, or drop --no-build.');
      log(`! ${why}; measuring the existing build anyway (--no-build)`);
    } else {
      log(`› ${why}: npm run build …`);
      const started = performance.now();
      const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
      buildMs = performance.now() - started;
      if (result.status !== 0) {
        throw new Error(`npm run build failed:\n${result.stdout?.toString().slice(-3000)}\n${result.stderr?.toString().slice(-3000)}`);
      }
      rebuilt = true;
    }
  }
  return {
    buildId: readFileSync(idFile, 'utf8').trim(),
    builtAt: new Date(statSync(idFile).mtimeMs).toISOString(),
    rebuilt,
    buildMs,
  };
}

/** Top-level entries never copied into the snapshot (big, or not needed by `next start`). */
const NOT_COPIED = new Set(['.next', '.git', '.tools', 'node_modules', 'data', 'test-results', 'playwright-report', 'bench', 'e2e', 'tsconfig.tsbuildinfo']);

/**
 * Copies the build and the working tree's sources (next.config.ts and whatever it imports are read
 * again by `next start`; migrations are read from db/migrations at start-up) into `dir`, links
 * node_modules, and returns `dir`.
 */
export function snapshotBuild(root: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(root)) {
    // Other build folders (NEXT_DIST_DIR=.next-*) are large and not ours.
    if (NOT_COPIED.has(entry) || entry.startsWith('.next')) continue;
    cpSync(join(root, entry), join(dir, entry), { recursive: true, verbatimSymlinks: true });
  }
  cpSync(join(root, '.next'), join(dir, '.next'), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !/^(cache|trace|trace-build|lock)(\/|$)/.test(relative(join(root, '.next'), src)),
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
