/**
 * Which constraint a failed write broke, the same on both engines: better-sqlite3 sets `code`
 * (SQLITE_CONSTRAINT_PRIMARYKEY, …); node-postgres sets SQLSTATE 23505 and the constraint's name
 * (`…_pkey` for a primary key), and drizzle wraps its error with the driver's as `cause`.
 */
export type ConstraintKind = 'primary_key' | 'unique' | 'other';

export function violatedConstraint(error: unknown): ConstraintKind | undefined {
  for (let e = error as { code?: unknown; constraint?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 3; depth++) {
    if (typeof e.code === 'string') {
      if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'primary_key';
      if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') return 'unique';
      if (e.code.startsWith('SQLITE_CONSTRAINT')) return 'other';
      if (e.code === '23505') return typeof e.constraint === 'string' && e.constraint.endsWith('_pkey') ? 'primary_key' : 'unique';
      if (e.code.startsWith('23')) return 'other';
    }
    e = e.cause as typeof e;
  }
  return undefined;
}
