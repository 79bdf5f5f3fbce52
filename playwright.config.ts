import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './lib/testing/chromium';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests run against the production build (`next build` first) and the in-repo
 * stand-in model on loopback: nothing reaches the internet. One app instance talks to the
 * stand-in through AIMLAPI_BASE_URL exactly as it would to AI/ML API; a second one runs without a
 * key, on the built-in demo model; a third has APP_PASSWORD set and a low chat rate limit.
 */
// E2E_PORT_OFFSET lets two runs share a machine (with NEXT_DIST_DIR naming separate builds).
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
/** For tests that start a server of their own (e2e/crash.spec.ts). */
export const SPARE_PORT = 3320 + offset;
/** The screenshot suite's own server, with a database of its own (e2e/visual.spec.ts). */
export const VISUAL_PORT = 3321 + offset;
export const STANDIN_PORT = 4310 + offset;
export const APP_PORT = 3310 + offset;
export const DEMO_PORT = 3311 + offset;
/** An app whose upstream refuses connections (nothing listens on port 9 of loopback). */
export const UNREACHABLE_PORT = 3313 + offset;
/** An app with APP_PASSWORD and a chat limit of 3 per minute (e2e/auth.spec.ts); its output goes to AUTH_LOG too. */
export const AUTH_PORT = 3312 + offset;
export const AUTH_PASSWORD = 'e2e-password-123';
export const AUTH_CHAT_LIMIT = 3;
/** The key every app with a key is given; e2e/security.spec.ts proves it never leaves the server. */
export const E2E_API_KEY = 'e2e-test-key';

// Workers re-evaluate this file; the run id (inherited through the environment) keeps one database per run.
const runId = (process.env.E2E_RUN_ID ??= `${Date.now()}-${process.pid}`);
const dataDir = join(tmpdir(), `qwen-chat-e2e-${runId}`);
export const AUTH_LOG = join(dataDir, 'auth-app.log');
// The other suites send many chats from one address; the limit itself is tested on AUTH_PORT.
const NO_CHAT_LIMIT = '100000';
// Titles written by the model would change sidebar titles under the other suites' feet; e2e/titles.spec.ts
// has a server of its own with them on.
const NO_AUTO_TITLE = '0';


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
    launchOptions: chromiumLaunchOptions(),
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
        AIMLAPI_API_KEY: E2E_API_KEY,
        AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
        DATABASE_URL: `file:${join(dataDir, 'chat.db')}`,
        UPSTREAM_TIMEOUT_MS: '4000',
        CHAT_RATE_LIMIT_PER_MINUTE: NO_CHAT_LIMIT,
        NEXT_TELEMETRY_DISABLED: '1',
        AUTO_TITLE: NO_AUTO_TITLE,
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
        CHAT_RATE_LIMIT_PER_MINUTE: NO_CHAT_LIMIT,
        NEXT_TELEMETRY_DISABLED: '1',
        AUTO_TITLE: NO_AUTO_TITLE,
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${UNREACHABLE_PORT}`,
      url: `http://127.0.0.1:${UNREACHABLE_PORT}/api/conversations?limit=1`,
      env: {
        AIMLAPI_API_KEY: E2E_API_KEY,
        AIMLAPI_BASE_URL: 'http://127.0.0.1:9/v1',
        DATABASE_URL: `file:${join(dataDir, 'unreachable.db')}`,
        CHAT_RATE_LIMIT_PER_MINUTE: NO_CHAT_LIMIT,
        NEXT_TELEMETRY_DISABLED: '1',
        AUTO_TITLE: NO_AUTO_TITLE,
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // Output is copied to AUTH_LOG (and stderr still reaches this console), so a test can read
      // every line the server logged.
      command: `bash -c 'mkdir -p "$(dirname "$AUTH_LOG")" && exec npx next start -H 127.0.0.1 -p ${AUTH_PORT} > >(tee -a "$AUTH_LOG") 2> >(tee -a "$AUTH_LOG" >&2)'`,
      url: `http://127.0.0.1:${AUTH_PORT}/sign-in`,
      env: {
        AIMLAPI_API_KEY: E2E_API_KEY,
        AIMLAPI_BASE_URL: `http://127.0.0.1:${STANDIN_PORT}/v1`,
        DATABASE_URL: `file:${join(dataDir, 'auth.db')}`,
        APP_PASSWORD: AUTH_PASSWORD,
        CHAT_RATE_LIMIT_PER_MINUTE: String(AUTH_CHAT_LIMIT),
        UPSTREAM_TIMEOUT_MS: '4000',
        AUTH_LOG,
        NEXT_TELEMETRY_DISABLED: '1',
        AUTO_TITLE: NO_AUTO_TITLE,
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
