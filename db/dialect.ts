/** Which engine a DATABASE_URL names: `postgres://` or `postgresql://` is PostgreSQL; `file:`, a path or nothing is SQLite. */
export function databaseDialect(url: string | undefined): 'sqlite' | 'postgres' {
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/**
 * Text as both engines can store it: PostgreSQL refuses U+0000 in text (SQLite keeps it), so a NUL in
 * a message, a reply or an import becomes U+FFFD, the replacement character, on either engine alike.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
