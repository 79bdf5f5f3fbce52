import { defineConfig, devices } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests run against the production build (`next build` first) and the in-repo
 * stand-in model on loopback: nothing reaches the internet. One app instance talks to the
 * stand-in through AIMLAPI_BASE_URL exactly as it would to AI/ML API; a second one runs without a
 * key, on the built-in demo model.
 */
export const STANDIN_PORT = 4310;
export const APP_PORT = 3310;
export const DEMO_PORT = 3311;
/** An app whose upstream refuses connections (nothing listens on port 9 of loopback). */
export const UNREACHABLE_PORT = 3313;

// Workers re-evaluate this file; the run id (inherited through the environment) keeps one database per run.
const runId = (process.env.E2E_RUN_ID ??= `${Date.now()}-${process.pid}`);
const dataDir = join(tmpdir(), `qwen-chat-e2e-${runId}`);

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    ...devices['Desktop Chrome'],
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: [
    {
      command: `npx tsx lib/standin/cli.ts`,
      url: `http://127.0.0.1:${STANDIN_PORT}/v1/models`,
      env: { STANDIN_PORT: String(STANDIN_PORT), STANDIN_DELAY_MS: '5' },
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${APP_PORT}`,
      url: `http://127.0.0.1:${APP_PORT}/api/conversations?limit=1`,
      env: {
        AIMLAPI_API_KEY: 'e2e-test-key',
        AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
        DATABASE_URL: `file:${join(dataDir, 'chat.db')}`,
        UPSTREAM_TIMEOUT_MS: '4000',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${DEMO_PORT}`,
      url: `http://127.0.0.1:${DEMO_PORT}/api/conversations?limit=1`,
      env: {
        AIMLAPI_API_KEY: '',
        DATABASE_URL: `file:${join(dataDir, 'demo.db')}`,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${UNREACHABLE_PORT}`,
      url: `http://127.0.0.1:${UNREACHABLE_PORT}/api/conversations?limit=1`,
      env: {
        AIMLAPI_API_KEY: 'e2e-test-key',
        AIMLAPI_BASE_URL: 'http://127.0.0.1:9/v1',
        DATABASE_URL: `file:${join(dataDir, 'unreachable.db')}`,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
