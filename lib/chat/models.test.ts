import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '@/lib/config';
import { listModels, pricesForModel, resetModelCache } from './models';

const config = parseConfig({ AIMLAPI_API_KEY: 'k', AIMLAPI_BASE_URL: 'http://upstream.test/v1', CHAT_MODEL: 'qwen-turbo' });
const T0 = 1_700_000_000_000;

function upstream(body: unknown, status = 200) {
  return vi.fn(async () => Response.json(body, { status }));
}

beforeEach(() => resetModelCache());

describe('listModels', () => {
  it('lists the upstream’s chat models, CHAT_MODEL first, with prices where known', async () => {
    const fetchImpl = upstream({
      data: [
        { id: 'gpt-image-1', type: 'image' },
        { id: 'qwen-max', type: 'chat-completion' },
        { id: 'qwen-turbo', type: 'chat-completion' },
        { id: 'mystery-model' },
      ],
    });
    const list = await listModels(config, fetchImpl as unknown as typeof fetch, T0);
    expect(list.source).toBe('upstream');
    expect(list.models.map((m) => m.id)).toEqual(['qwen-turbo', 'qwen-max', 'mystery-model']);
    expect(list.models[1]!.prices).toEqual({ input: 1.6, cachedInput: 0.32, output: 6.4 });
    expect(list.models[2]!.prices).toBeUndefined();
    expect(fetchImpl).toHaveBeenCalledWith('http://upstream.test/v1/models', expect.objectContaining({ headers: { authorization: 'Bearer k' } }));
  });

  it('asks the upstream once per ten minutes', async () => {
    const fetchImpl = upstream({ data: [{ id: 'qwen-turbo' }] });
    await listModels(config, fetchImpl as unknown as typeof fetch, T0);
    await listModels(config, fetchImpl as unknown as typeof fetch, T0 + 9 * 60_000);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    await listModels(config, fetchImpl as unknown as typeof fetch, T0 + 11 * 60_000);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['a 5xx', upstream({ error: 'down' }, 503)],
    ['a body that is not a list', upstream({ models: 'nope' })],
    ['no chat model', upstream({ data: [{ id: 'img', type: 'image' }] })],
    ['no network', vi.fn(async () => Promise.reject(new TypeError('fetch failed')))],
  ])('falls back to the models it knows on %s, and asks again a minute later', async (_, fetchImpl) => {
    const list = await listModels(config, fetchImpl as unknown as typeof fetch, T0);
    expect(list.source).toBe('fallback');
    expect(list.models[0]!.id).toBe('qwen-turbo');
    expect(list.models.map((m) => m.id)).toContain('qwen-plus');
    await listModels(config, fetchImpl as unknown as typeof fetch, T0 + 30_000);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    await listModels(config, fetchImpl as unknown as typeof fetch, T0 + 61_000);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it('keeps a CHAT_MODEL the upstream does not list first', async () => {
    const own = parseConfig({ AIMLAPI_API_KEY: 'k', CHAT_MODEL: 'my-finetune' });
    const list = await listModels(own, upstream({ data: [{ id: 'qwen-turbo' }] }) as unknown as typeof fetch, T0);
    expect(list.models.map((m) => m.id)).toEqual(['my-finetune', 'qwen-turbo']);
    expect(list.defaultModel).toBe('my-finetune');
  });
});

describe('pricesForModel', () => {
  it('prices the default model at the configured prices, a known model at its own, others at the default’s', () => {
    const c = parseConfig({ PRICE_INPUT_PER_M: '1', PRICE_CACHED_INPUT_PER_M: '0.5', PRICE_OUTPUT_PER_M: '2' });
    expect(pricesForModel(c, 'qwen-turbo')).toEqual({ input: 1, cachedInput: 0.5, output: 2 });
    expect(pricesForModel(c, 'qwen-plus')).toEqual({ input: 0.4, cachedInput: 0.08, output: 1.2 });
    expect(pricesForModel(c, 'unknown')).toEqual({ input: 1, cachedInput: 0.5, output: 2 });
    expect(pricesForModel(c, null)).toEqual({ input: 1, cachedInput: 0.5, output: 2 });
  });
});
