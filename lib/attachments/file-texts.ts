import 'server-only';
import { getFileTexts } from '@/db/files';
import type { Db } from '@/db/types';

/**
 * Files' texts by id, remembered in memory. A file's id is the hash of its content and rows never
 * change, so nothing here can go stale; every turn of a project chat sends the same documents
 * again (up to the whole 1M-token window), and reading megabytes of text from SQLite each time
 * would sit on the path to the first token.
 */
const cache = new Map<string, string>();
let cachedChars = 0;
/** ~64 M characters (128 MB of UTF-16): the whole window many times over. */
const MAX_CACHED_CHARS = 64_000_000;

export async function fileTexts(db: Db, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const id of ids) {
    const text = cache.get(id);
    if (text === undefined) missing.push(id);
    else {
      // Refresh its place: the least recently used text is forgotten first.
      cache.delete(id);
      cache.set(id, text);
      found.set(id, text);
    }
  }
  if (missing.length) {
    for (const [id, text] of await getFileTexts(db, missing)) {
      found.set(id, text);
      remember(id, text);
    }
  }
  return found;
}

function remember(id: string, text: string): void {
  if (text.length > MAX_CACHED_CHARS) return;
  cache.set(id, text);
  cachedChars += text.length;
  while (cachedChars > MAX_CACHED_CHARS) {
    const [oldest, value] = cache.entries().next().value!;
    cache.delete(oldest);
    cachedChars -= value.length;
  }
}
