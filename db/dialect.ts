/** Which engine a DATABASE_URL names: `postgres://` or `postgresql://` is PostgreSQL; `file:`, a path or nothing is SQLite. */
export function databaseDialect(url: string | undefined): 'sqlite' | 'postgres' {
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}
