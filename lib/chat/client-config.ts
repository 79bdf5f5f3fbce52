import 'server-only';
import type { AppConfig } from '@/lib/config';
import { pricesOf } from '@/lib/conversations';

/** The settings a chat page hands to the browser: limits it checks before uploading, prices for the cache saving. Nothing secret. */
export function chatClientConfig(config: AppConfig) {
  return {
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    attachmentLimits: { maxBytes: config.MAX_ATTACHMENT_BYTES, maxFiles: config.MAX_FILES_PER_MESSAGE },
    prices: pricesOf(config),
  };
}
