import { describe, expect, it } from 'vitest';
import {
  applySettingsPatch,
  conversationSettingsSchema,
  effectiveSettings,
  readStoredSettings,
  settingsPatchSchema,
  toCallSettings,
  type ConversationSettings,
  type SettingsPatch,
} from './settings';

const ok = (value: unknown) => conversationSettingsSchema.safeParse(value).success;

describe('conversationSettingsSchema', () => {
  it('accepts an empty object and a full set of valid values', () => {
    expect(conversationSettingsSchema.parse({})).toEqual({});
    const full: ConversationSettings = {
      systemPrompt: 'You are terse.',
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 1024,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 42,
    };
    expect(conversationSettingsSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['temperature', 0, true],
    ['temperature', 2, true],
    ['temperature', 1.25, true],
    ['temperature', -0.01, false],
    ['temperature', 2.01, false],
    ['topP', 1, true],
    ['topP', 0.01, true],
    ['topP', 0, false],
    ['topP', -0.5, false],
    ['topP', 1.01, false],
    ['maxTokens', 1, true],
    ['maxTokens', 16_384, true],
    ['maxTokens', 0, false],
    ['maxTokens', 16_385, false],
    ['maxTokens', 100.5, false],
    ['presencePenalty', -2, true],
    ['presencePenalty', 2, true],
    ['presencePenalty', -2.1, false],
    ['presencePenalty', 2.1, false],
    ['frequencyPenalty', -2, true],
    ['frequencyPenalty', 2, true],
    ['frequencyPenalty', -2.1, false],
    ['frequencyPenalty', 2.1, false],
    ['seed', 0, true],
    ['seed', 2_147_483_647, true],
    ['seed', -1, false],
    ['seed', 1.5, false],
  ] as const)('%s = %s → valid: %s', (key, value, valid) => {
    expect(ok({ [key]: value })).toBe(valid);
  });

  it('rejects values of the wrong type', () => {
    expect(ok({ temperature: '0.5' })).toBe(false);
    expect(ok({ maxTokens: '100' })).toBe(false);
    expect(ok({ systemPrompt: 5 })).toBe(false);
    expect(ok({ temperature: Number.NaN })).toBe(false);
    expect(ok({ temperature: null })).toBe(false);
  });

  it('rejects unknown keys', () => {
    expect(ok({ colour: 'red' })).toBe(false);
    expect(ok({ temperature: 0.5, top_p: 0.5 })).toBe(false);
  });

  it('limits the length of the system prompt', () => {
    expect(ok({ systemPrompt: 'x'.repeat(100_000) })).toBe(true);
    expect(ok({ systemPrompt: 'x'.repeat(100_001) })).toBe(false);
  });
});

describe('settingsPatchSchema', () => {
  it('accepts values, nulls (clear) and omitted fields', () => {
    const patch = { temperature: 1, topP: null, systemPrompt: null, seed: 3 };
    expect(settingsPatchSchema.parse(patch)).toEqual(patch);
    expect(settingsPatchSchema.parse({})).toEqual({});
    const allNull = {
      systemPrompt: null,
      temperature: null,
      topP: null,
      maxTokens: null,
      presencePenalty: null,
      frequencyPenalty: null,
      seed: null,
    };
    expect(settingsPatchSchema.parse(allNull)).toEqual(allNull);
  });

  it('keeps the ranges of the settings', () => {
    expect(settingsPatchSchema.safeParse({ temperature: 3 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ topP: 0 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ maxTokens: 0.5 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ seed: -1 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ presencePenalty: -3 }).success).toBe(false);
  });

  it('takes a model name, and refuses one that is not a model name', () => {
    expect(ok({ model: 'qwen-plus' })).toBe(true);
    expect(ok({ model: 'openai/gpt-4o' })).toBe(true);
    expect(ok({ model: 'a b' })).toBe(false);
    expect(ok({ model: '' })).toBe(false);
    expect(settingsPatchSchema.parse({ model: null })).toEqual({ model: null });
  });

  it('rejects unknown keys', () => {
    expect(settingsPatchSchema.safeParse({ bogus: 1 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ bogus: null }).success).toBe(false);
  });
});

describe('applySettingsPatch', () => {
  const current: ConversationSettings = { systemPrompt: 'Be brief', temperature: 0.5, seed: 7 };

  it('sets fields, leaving the others alone', () => {
    expect(applySettingsPatch(current, { topP: 0.8, temperature: 1.5 })).toEqual({
      systemPrompt: 'Be brief',
      temperature: 1.5,
      topP: 0.8,
      seed: 7,
    });
  });

  it('clears a field given null', () => {
    const next = applySettingsPatch(current, { temperature: null, seed: null });
    expect(next).toEqual({ systemPrompt: 'Be brief' });
    expect('temperature' in next).toBe(false);
    expect('seed' in next).toBe(false);
  });

  it('clears the system prompt given an empty or blank string', () => {
    expect(applySettingsPatch(current, { systemPrompt: '' })).toEqual({ temperature: 0.5, seed: 7 });
    expect(applySettingsPatch(current, { systemPrompt: '  \n\t ' })).toEqual({ temperature: 0.5, seed: 7 });
  });

  it('keeps a system prompt with content as given (not trimmed)', () => {
    expect(applySettingsPatch({}, { systemPrompt: '  Answer in French.  ' })).toEqual({ systemPrompt: '  Answer in French.  ' });
  });

  it('treats undefined in a patch as "no change"', () => {
    expect(applySettingsPatch(current, { temperature: undefined })).toEqual(current);
    expect(applySettingsPatch(current, {})).toEqual(current);
  });

  it('clearing a field that is not set is a no-op', () => {
    expect(applySettingsPatch({}, { maxTokens: null })).toEqual({});
  });

  it('does not mutate the current settings', () => {
    const before = { ...current };
    applySettingsPatch(current, { temperature: null, topP: 0.3 });
    expect(current).toEqual(before);
  });

  it('throws on an out-of-range value', () => {
    expect(() => applySettingsPatch(current, { temperature: 2.5 })).toThrow();
    expect(() => applySettingsPatch(current, { maxTokens: 0 })).toThrow();
    expect(() => applySettingsPatch(current, { topP: 0 })).toThrow();
    expect(() => applySettingsPatch(current, { seed: -3 })).toThrow();
  });

  it('throws on an unknown key smuggled past the type', () => {
    expect(() => applySettingsPatch(current, { nope: 1 } as unknown as SettingsPatch)).toThrow();
  });
});

describe('readStoredSettings', () => {
  it('returns valid stored settings as they are', () => {
    expect(readStoredSettings({ temperature: 0.2, maxTokens: 500 })).toEqual({ temperature: 0.2, maxTokens: 500 });
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'temperature=0.5'],
    ['a number', 5],
    ['an array', [{ temperature: 0.5 }]],
    ['an out-of-range value', { temperature: 9 }],
    ['a wrong type', { temperature: 'hot' }],
    ['an unknown key', { temperature: 0.5, legacyField: true }],
  ])('degrades %s to {}', (_label, raw) => {
    expect(readStoredSettings(raw)).toEqual({});
  });
});

describe('effectiveSettings', () => {
  it("lays the conversation's own settings over the defaults", () => {
    expect(effectiveSettings({ systemPrompt: 'Default', temperature: 0.3, seed: 1 }, { temperature: 1.1, topP: 0.5 })).toEqual({
      systemPrompt: 'Default',
      temperature: 1.1,
      topP: 0.5,
      seed: 1,
    });
  });

  it('with nothing of its own, the defaults; with no defaults, its own', () => {
    expect(effectiveSettings({ temperature: 0.3 }, {})).toEqual({ temperature: 0.3 });
    expect(effectiveSettings({}, { maxTokens: 10 })).toEqual({ maxTokens: 10 });
  });

  it('an own value of 0 overrides a default', () => {
    expect(effectiveSettings({ temperature: 0.3, seed: 5 }, { temperature: 0, seed: 0 })).toEqual({ temperature: 0, seed: 0 });
  });
});

describe('toCallSettings', () => {
  it('is empty when nothing is set (nothing is sent upstream)', () => {
    expect(toCallSettings({})).toEqual({});
  });

  it('maps every sampling field, maxTokens to maxOutputTokens, and leaves the system prompt out', () => {
    expect(
      toCallSettings({
        systemPrompt: 'ignored here',
        temperature: 0.7,
        topP: 0.9,
        maxTokens: 256,
        presencePenalty: 0.1,
        frequencyPenalty: -0.2,
        seed: 99,
      }),
    ).toEqual({ temperature: 0.7, topP: 0.9, maxOutputTokens: 256, presencePenalty: 0.1, frequencyPenalty: -0.2, seed: 99 });
  });

  it('sets only the fields that are set, with no undefined keys', () => {
    const out = toCallSettings({ maxTokens: 100 });
    expect(out).toEqual({ maxOutputTokens: 100 });
    expect(Object.keys(out)).toEqual(['maxOutputTokens']);
    expect('maxTokens' in out).toBe(false);
  });

  it('keeps zero values (0 is a setting, not "unset")', () => {
    expect(toCallSettings({ temperature: 0, seed: 0, presencePenalty: 0, frequencyPenalty: 0 })).toEqual({
      temperature: 0,
      seed: 0,
      presencePenalty: 0,
      frequencyPenalty: 0,
    });
  });
});
