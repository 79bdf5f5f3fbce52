import 'server-only';
import { ApiError } from '@/lib/api/errors';
import { unfinishedReplies } from '@/lib/chat/live-replies';

/**
 * A graceful stop: on SIGTERM (a restart, a deploy, `docker stop`) or SIGINT the server takes no new
 * chats and lets the replies it is writing finish and be stored before it exits, instead of cutting
 * them off (they would be stored as interrupted). New chats meanwhile get 503, so a load balancer
 * or the user's Retry sends them to an instance that is up. Active only when Next leaves the signals
 * to the app (NEXT_MANUAL_SIG_HANDLE=1, as `npm run start` sets it); otherwise Next exits at once.
 */
const state = globalThis as unknown as { __draining?: boolean };

export function installGracefulShutdown(graceMs: number): void {
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) return;
  const stop = (signal: NodeJS.Signals) => {
    if (state.__draining) return;
    state.__draining = true;
    const started = Date.now();
    const live = unfinishedReplies();
    console.log(`› ${signal}: ${live ? `finishing ${live} repl${live === 1 ? 'y' : 'ies'} before stopping` : 'stopping'}`);
    const check = () => {
      if (unfinishedReplies() === 0 || Date.now() - started >= graceMs) {
        if (unfinishedReplies() > 0) console.warn(`› stopping with ${unfinishedReplies()} replies unfinished (SHUTDOWN_GRACE_MS)`);
        process.exit(0);
      }
      setTimeout(check, 50);
    };
    check();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Refuses a new chat while the server is stopping. */
export function assertAcceptingChats(): void {
  if (state.__draining) throw new ApiError('unavailable', 'The server is restarting. Send your message again in a moment.', { 'retry-after': '5' });
}
