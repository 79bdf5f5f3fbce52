/**
 * Runs once when the server starts: a bad setting stops start-up with one line naming the
 * variable, and the database is created and migrated before the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/startup');
  await startServer();
}
