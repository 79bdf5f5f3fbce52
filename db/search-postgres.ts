import 'server-only';
import type { Db } from './types';
import type { SearchPlan } from '@/lib/search';
import type { SearchResult } from './search';

export async function searchMessagesPostgres(_db: Db, _plan: SearchPlan, _limit: number): Promise<SearchResult[]> {
  throw new Error('not yet');
}
