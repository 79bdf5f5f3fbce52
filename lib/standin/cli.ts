/**
 * `npm run standin` / `tsx lib/standin/cli.ts`: run the stand-in model as a
 * local OpenAI-compatible server. Configured through the environment:
 * STANDIN_PORT (4010), STANDIN_HOST (127.0.0.1), STANDIN_DELAY_MS (15; a small
 * delay makes the demo visibly stream).
 */
import { startStandinServer } from './server';

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw.trim());
}

async function main(): Promise<void> {
  const server = await startStandinServer({
    port: integerFromEnv('STANDIN_PORT', 4010),
    host: process.env.STANDIN_HOST?.trim() || '127.0.0.1',
    defaultDelayMs: integerFromEnv('STANDIN_DELAY_MS', 15),
  });
  console.log(`stand-in model listening on ${server.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// No top-level await: tsx may load this file as CommonJS (package.json has no "type").
main().catch((error: unknown) => {
  console.error(`stand-in model failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
