import 'server-only';
import { ConfigError, describeDatabase, getConfig } from '@/lib/config';
import { appDb } from '@/lib/server';
import { installGracefulShutdown } from '@/lib/shutdown';

export async function startServer(): Promise<void> {
  try {
    const config = getConfig();
    await appDb();
    installGracefulShutdown(config.SHUTDOWN_GRACE_MS);
    console.log(
      config.demo
        ? `› Demo model: no AIMLAPI_API_KEY set, replies come from the built-in stand-in. Database: ${describeDatabase(config.databasePath)}`
        : `› Chatting with ${config.CHAT_MODEL} at ${config.AIMLAPI_BASE_URL}. Database: ${describeDatabase(config.databasePath)}`,
    );
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `Could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}
