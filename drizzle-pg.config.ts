import { defineConfig } from 'drizzle-kit';

/** PostgreSQL (DATABASE_URL=postgres://…): the same tables, their own migrations. `npm run db:generate` runs both configs. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg.ts',
  out: './db/migrations-pg',
});
