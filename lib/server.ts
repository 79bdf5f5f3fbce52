import 'server-only';
import { getConfig } from '@/lib/config';
import { getDb, type DB } from '@/db/client';

/** The process-wide database, opened (and migrated) on first use. */
export function appDb(): Promise<DB> {
  const config = getConfig();
  return getDb(config.databasePath, { shared: config.REDIS_URL !== undefined });
}

export { getConfig };
