import { z } from 'zod';
import type { CallSettings } from './generation';

/**
 * A conversation's system prompt and sampling parameters: the optional parameters of the
 * chat-completions API. Only what is set is sent upstream.
 */
export const conversationSettingsSchema = z
  .object({
    /** The model this conversation talks to (CHAT_MODEL when unset). */
    model: z.string().regex(/^[A-Za-z0-9._:/@-]{1,200}$/, 'must be a model name such as qwen-turbo'),
    systemPrompt: z.string().max(100_000),
    temperature: z.number().min(0).max(2),
    topP: z.number().gt(0).max(1),
    maxTokens: z.number().int().min(1).max(16_384),
    presencePenalty: z.number().min(-2).max(2),
    frequencyPenalty: z.number().min(-2).max(2),
    seed: z.number().int().min(0).max(2_147_483_647),
  })
  .partial()
  .strict();

export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;

/** A change to the settings: a value sets a field, null clears it (back to the default). */
export const settingsPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(conversationSettingsSchema.shape).map(([k, v]) => [k, (v as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()]),
    ) as { [K in keyof ConversationSettings]-?: z.ZodOptional<z.ZodNullable<z.ZodType<NonNullable<ConversationSettings[K]>>>> },
  )
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export function applySettingsPatch(current: ConversationSettings, patch: SettingsPatch): ConversationSettings {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || (key === 'systemPrompt' && typeof value === 'string' && value.trim() === '')) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return conversationSettingsSchema.parse(next);
}

/** Stored settings are re-validated on read: a bad row degrades to the defaults, never to a 500. */
export function readStoredSettings(raw: unknown): ConversationSettings {
  const parsed = conversationSettingsSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

/** The conversation's own settings over the server's defaults. */
export function effectiveSettings(defaults: ConversationSettings, own: ConversationSettings): ConversationSettings {
  return { ...defaults, ...own };
}

export function toCallSettings(s: ConversationSettings): CallSettings {
  const out: CallSettings = {};
  if (s.temperature !== undefined) out.temperature = s.temperature;
  if (s.topP !== undefined) out.topP = s.topP;
  if (s.maxTokens !== undefined) out.maxOutputTokens = s.maxTokens;
  if (s.presencePenalty !== undefined) out.presencePenalty = s.presencePenalty;
  if (s.frequencyPenalty !== undefined) out.frequencyPenalty = s.frequencyPenalty;
  if (s.seed !== undefined) out.seed = s.seed;
  return out;
}
