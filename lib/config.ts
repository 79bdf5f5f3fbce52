import 'server-only';

import { z } from 'zod';
import { databaseDialect } from '@/db/dialect';

/**
 * Every setting the server reads from its environment, validated once.
 * A bad value must stop start-up with one line that names the variable, so the
 * schema is flat and each field carries its own name in the message.
 */
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  AIMLAPI_API_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  AIMLAPI_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.aimlapi.com/v1' })
      .default('https://api.aimlapi.com/v1')
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  CHAT_MODEL: z.preprocess(emptyToUndefined, z.string().min(1).max(200).default('qwen-turbo')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('file:data/chat.db')
      .refine(
        (v) => v.startsWith('file:') || !v.includes('://') || databaseDialect(v) === 'postgres',
        'must be a SQLite file URL such as file:data/chat.db, or postgres://user:password@host:5432/database',
      ),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  /** Abort the upstream call when no first byte arrives within this time. */
  UPSTREAM_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(600_000).default(60_000)),
  /** Longest user message accepted, in characters. */
  MAX_MESSAGE_CHARS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(4_000_000).default(200_000)),
  /** Largest request body accepted, in bytes (413 above it). */
  MAX_BODY_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(100_000_000).default(4_000_000)),
  /** Largest upload accepted by POST /api/import (a ChatGPT export can be hundreds of MB; it is streamed, never buffered). */
  MAX_IMPORT_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(100_000_000_000).default(1_000_000_000)),
  /** Largest file accepted as an attachment (413 above it, said on the file's chip). */
  MAX_ATTACHMENT_BYTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(2_000_000_000).default(25_000_000)),
  /** Most files attached to one message. */
  MAX_FILES_PER_MESSAGE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(500).default(20)),
  /** 0 turns off titles written by the model after a conversation's first reply. */
  AUTO_TITLE: z.preprocess(emptyToUndefined, z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('1').transform((v) => v === '1')),
  /** Most files in one project. */
  MAX_PROJECT_FILES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000).default(50)),
  /** Address the server listens on. Anything but loopback requires APP_PASSWORD. */
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).max(255).default('127.0.0.1')),
  /** Password for the sign-in page; required when HOST is not a loopback address. */
  APP_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(8, 'must be at least 8 characters').max(1024).optional()),
  /** Defaults for every conversation's parameters; each conversation can override them. Unset: not sent. */
  DEFAULT_SYSTEM_PROMPT: z.preprocess(emptyToUndefined, z.string().max(100_000).optional()),
  DEFAULT_TEMPERATURE: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(2).optional()),
  DEFAULT_TOP_P: z.preprocess(emptyToUndefined, z.coerce.number().gt(0).max(1).optional()),
  DEFAULT_MAX_TOKENS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(16_384).optional()),
  DEFAULT_PRESENCE_PENALTY: z.preprocess(emptyToUndefined, z.coerce.number().min(-2).max(2).optional()),
  DEFAULT_FREQUENCY_PENALTY: z.preprocess(emptyToUndefined, z.coerce.number().min(-2).max(2).optional()),
  DEFAULT_SEED: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(2_147_483_647).optional()),
  /** USD per million tokens, for the cost estimate. Defaults: qwen-turbo's list prices (see README). */
  PRICE_INPUT_PER_M: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(10_000).default(0.05)),
  PRICE_CACHED_INPUT_PER_M: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(10_000).default(0.01)),
  PRICE_OUTPUT_PER_M: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(10_000).default(0.2)),
  /** The model's context window, and the most of it a request may use (leave room for the reply). */
  CONTEXT_WINDOW_TOKENS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1_000).max(10_000_000).default(1_000_000)),
  CONTEXT_BUDGET_TOKENS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000_000).optional()),
  /**
   * Redis for several app instances: replies being written are shared through it (rejoin and stop from
   * any instance), and so are the rate limits. Unset: one process keeps them in memory.
   */
  REDIS_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional()),
  /** With REDIS_URL: how often an instance says it is still writing its replies; 3 missed beats and they count as interrupted. */
  LIVE_HEARTBEAT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(60_000).default(2_000)),
  /** On SIGTERM/SIGINT: the longest wait for replies being written to finish before the server exits. */
  SHUTDOWN_GRACE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(30_000)),
  /** Chat requests allowed per client per minute (0 turns the limit off). */
  CHAT_RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(100_000).default(30)),
});

export type AppConfig = z.infer<typeof envSchema> & {
  /** True when no API key is set: the built-in stand-in model answers instead of qwen-turbo. */
  demo: boolean;
  /** Filesystem path of the SQLite database (or ':memory:'), or the postgres:// URL. */
  databasePath: string;
  databaseDialect: 'sqlite' | 'postgres';
};

const SECRET_VARIABLES = new Set(['AIMLAPI_API_KEY', 'APP_PASSWORD']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') || 'environment';
    // Secrets are never echoed: this message goes to the log.
    const name = String(issue?.path[0]);
    const raw = issue && !SECRET_VARIABLES.has(name) ? env[name] : undefined;
    // A database URL may carry a password.
    const received = name === 'DATABASE_URL' && raw !== undefined ? describeDatabase(raw) : raw;
    throw new ConfigError(
      `Invalid configuration: ${variable}${received !== undefined ? `=${JSON.stringify(received)}` : ''} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const cfg = parsed.data;
  if (!isLoopbackHost(cfg.HOST) && !cfg.APP_PASSWORD) {
    throw new ConfigError(
      `Refusing to listen on HOST=${cfg.HOST} without a password: set APP_PASSWORD (8+ characters), or use HOST=127.0.0.1 to keep the app on this machine.`,
    );
  }
  return { ...cfg, demo: !cfg.AIMLAPI_API_KEY, databasePath: databasePathFromUrl(cfg.DATABASE_URL), databaseDialect: databaseDialect(cfg.DATABASE_URL) };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Where the data is, for the log: a postgres:// URL without its password. */
export function describeDatabase(target: string): string {
  return target.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@').replace(/([?&]password=)[^&]*/i, '$1***');
}

export function databasePathFromUrl(url: string): string {
  if (databaseDialect(url) === 'postgres') return url;
  const path = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (path === ':memory:' || path === '') return ':memory:';
  return path.replace(/^\/\/(?=\/)/, ''); // file:///abs/path → /abs/path
}

let cached: AppConfig | undefined;

/** The process-wide configuration (parsed on first use; start-up validates it early, see instrumentation.ts). */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
