import { describe, expect, it } from 'vitest';
import { ConfigError, databasePathFromUrl, describeDatabase, parseConfig } from './config';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('fills in defaults and runs in demo mode without an API key', () => {
    const cfg = parseConfig({});
    expect(cfg.AIMLAPI_BASE_URL).toBe('https://api.aimlapi.com/v1');
    expect(cfg.CHAT_MODEL).toBe('qwen-turbo');
    expect(cfg.DATABASE_URL).toBe('file:data/chat.db');
    expect(cfg.databasePath).toBe('data/chat.db');
    expect(cfg.PORT).toBe(3000);
    expect(cfg.AIMLAPI_API_KEY).toBeUndefined();
    expect(cfg.demo).toBe(true);
  });

  it('is not in demo mode when a key is set, and reads every variable', () => {
    const cfg = parseConfig({
      AIMLAPI_API_KEY: 'sk-123',
      AIMLAPI_BASE_URL: 'http://localhost:8080/v1/',
      CHAT_MODEL: 'qwen-plus',
      DATABASE_URL: 'file:/tmp/x.db',
      PORT: '8080',
      UPSTREAM_TIMEOUT_MS: '1000',
    });
    expect(cfg.demo).toBe(false);
    expect(cfg.AIMLAPI_API_KEY).toBe('sk-123');
    expect(cfg.AIMLAPI_BASE_URL).toBe('http://localhost:8080/v1');
    expect(cfg.CHAT_MODEL).toBe('qwen-plus');
    expect(cfg.databasePath).toBe('/tmp/x.db');
    expect(cfg.PORT).toBe(8080);
    expect(cfg.UPSTREAM_TIMEOUT_MS).toBe(1000);
  });

  it('treats empty and blank strings as unset', () => {
    const cfg = parseConfig({
      AIMLAPI_API_KEY: '',
      AIMLAPI_BASE_URL: '',
      CHAT_MODEL: '  ',
      DATABASE_URL: '',
      PORT: '',
      UPSTREAM_TIMEOUT_MS: '',
    });
    expect(cfg.demo).toBe(true);
    expect(cfg.AIMLAPI_API_KEY).toBeUndefined();
    expect(cfg.AIMLAPI_BASE_URL).toBe('https://api.aimlapi.com/v1');
    expect(cfg.CHAT_MODEL).toBe('qwen-turbo');
    expect(cfg.databasePath).toBe('data/chat.db');
    expect(cfg.PORT).toBe(3000);
    expect(cfg.UPSTREAM_TIMEOUT_MS).toBe(60_000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '0'],
    ['AIMLAPI_BASE_URL', 'notaurl'],
    ['AIMLAPI_BASE_URL', 'ftp://example.com/v1'],
    ['UPSTREAM_TIMEOUT_MS', '5'],
    ['DATABASE_URL', 'mysql://db/chat'],
  ])('rejects %s=%s with a one-line message naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
    expect(error.message).toContain(value);
    expect(error.message).not.toContain('\n');
  });

  it('takes a postgres:// (or postgresql://) DATABASE_URL as PostgreSQL, anything else as a SQLite file', () => {
    for (const url of ['postgres://chat:pw@db:5432/chat', 'postgresql://db/chat']) {
      const cfg = parseConfig({ DATABASE_URL: url });
      expect(cfg.databaseDialect).toBe('postgres');
      expect(cfg.databasePath).toBe(url);
    }
    expect(parseConfig({ DATABASE_URL: 'file:/tmp/x.db' })).toMatchObject({ databaseDialect: 'sqlite', databasePath: '/tmp/x.db' });
    expect(parseConfig({})).toMatchObject({ databaseDialect: 'sqlite', databasePath: 'data/chat.db' });
  });

  it('logs where the data is without a PostgreSQL password', () => {
    expect(describeDatabase('postgres://chat:s3cret@db:5432/chat')).toBe('postgres://chat:***@db:5432/chat');
    expect(describeDatabase('postgres://db/chat')).toBe('postgres://db/chat');
    expect(describeDatabase('data/chat.db')).toBe('data/chat.db');
    expect(describeDatabase('postgres://db/chat?sslmode=require&password=s3cret')).toBe('postgres://db/chat?sslmode=require&password=***');
    const error = configError({ DATABASE_URL: 'postgresql+asyncpg://chat:s3cret@db/chat' });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('s3cret');
  });

  it('does not print the API key when another variable is wrong', () => {
    const error = configError({ AIMLAPI_API_KEY: 'sk-secret-value', PORT: 'abc' });
    expect(error.message).toContain('PORT');
    expect(error.message).not.toContain('sk-secret-value');
  });
});

describe('databasePathFromUrl', () => {
  it.each([
    ['file:data/x.db', 'data/x.db'],
    ['file:/abs/x.db', '/abs/x.db'],
    ['file:///abs/x.db', '/abs/x.db'],
    [':memory:', ':memory:'],
    ['file::memory:', ':memory:'],
    ['data/plain.db', 'data/plain.db'],
  ])('%s → %s', (url, path) => {
    expect(databasePathFromUrl(url)).toBe(path);
  });
});

describe('who may connect', () => {
  it('listens on 127.0.0.1 by default, with no password and the chat limit at 30 per minute', () => {
    const cfg = parseConfig({});
    expect(cfg.HOST).toBe('127.0.0.1');
    expect(cfg.APP_PASSWORD).toBeUndefined();
    expect(cfg.CHAT_RATE_LIMIT_PER_MINUTE).toBe(30);
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'chat.example.com'])('refuses HOST=%s without APP_PASSWORD, saying what to do', (host) => {
    const error = configError({ HOST: host });
    expect(error.message).toContain(`HOST=${host}`);
    expect(error.message).toContain('APP_PASSWORD');
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).not.toContain('\n');
  });

  it('accepts HOST=0.0.0.0 with APP_PASSWORD', () => {
    const cfg = parseConfig({ HOST: '0.0.0.0', APP_PASSWORD: 'long-enough-password' });
    expect(cfg.HOST).toBe('0.0.0.0');
    expect(cfg.APP_PASSWORD).toBe('long-enough-password');
  });

  it.each(['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'])('HOST=%s is loopback: no password needed', (host) => {
    expect(parseConfig({ HOST: host }).HOST).toBe(host);
  });

  it('refuses an APP_PASSWORD shorter than 8 characters without printing it', () => {
    const error = configError({ HOST: '0.0.0.0', APP_PASSWORD: 'shorty' });
    expect(error.message).toContain('APP_PASSWORD');
    expect(error.message).toContain('at least 8 characters');
    expect(error.message).not.toContain('shorty');
  });

  it('reads CHAT_RATE_LIMIT_PER_MINUTE; 0 turns the limit off, negatives are refused', () => {
    expect(parseConfig({ CHAT_RATE_LIMIT_PER_MINUTE: '0' }).CHAT_RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(parseConfig({ CHAT_RATE_LIMIT_PER_MINUTE: '5' }).CHAT_RATE_LIMIT_PER_MINUTE).toBe(5);
    expect(configError({ CHAT_RATE_LIMIT_PER_MINUTE: '-1' }).message).toContain('CHAT_RATE_LIMIT_PER_MINUTE');
  });
});
