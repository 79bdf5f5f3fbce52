import 'server-only';
import type { AppConfig } from '@/lib/config';
import { pricesOf } from '@/lib/conversations';
import { KNOWN_MODEL_PRICES } from './model-prices';

/**
 * The settings a chat page hands to the browser: limits it checks before uploading, the default
 * model, and prices by model for what the cache saved on each reply. Nothing secret.
 */
export function chatClientConfig(config: AppConfig) {
  return {
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    attachmentLimits: { maxBytes: config.MAX_ATTACHMENT_BYTES, maxFiles: config.MAX_FILES_PER_MESSAGE },
    defaultModel: config.CHAT_MODEL,
    // The configured prices are the default model's; the table's for the others.
    prices: { ...KNOWN_MODEL_PRICES, [config.CHAT_MODEL]: pricesOf(config) },
  };
}
