import { z } from 'zod';

/** Ids come from URLs and request bodies; only this alphabet is ever accepted or produced. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"');

export function newId(): string {
  return crypto.randomUUID();
}
