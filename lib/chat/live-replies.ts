import 'server-only';
import type { UIMessageChunk } from 'ai';
import { getConfig } from '@/lib/config';
import { withRedis } from '@/lib/redis';
import { activeGeneration, activeGenerationCount, type Generation } from './generation';

/**
 * The replies being written right now, wherever they are being written. One process keeps them in
 * memory (lib/chat/generation.ts); with REDIS_URL, several instances share them through Redis
 * (lib/chat/redis-live.ts), so a reply started on one instance can be rejoined and stopped from any.
 */
export interface LiveReplies {
  /** Reserves the conversation for a new reply; false when one is being written there (anywhere). */
  claim(conversationId: string, messageId: string): Promise<boolean>;
  /** Gives back a claim that never became a reply (the turn failed before it started). */
  release(conversationId: string): void;
  /** Publishes a reply just started on this instance; it is released when it ends. */
  track(generation: Generation): void;
  active(conversationId: string): Promise<{ messageId: string } | undefined>;
  /** The whole reply so far, then live; undefined when none is being written. */
  subscribe(conversationId: string): Promise<ReadableStream<UIMessageChunk> | undefined>;
  /** Stops the reply and waits until it is stored. */
  stop(conversationId: string): Promise<{ stopped: false } | { stopped: true; status: string }>;
  /** Asks for a stop without waiting (the conversation is being deleted). */
  requestStop(conversationId: string): void;
}

/** One process: the registry in generation.ts is the truth. */
function inProcess(): LiveReplies {
  // Claimed but not started yet: two requests for one conversation in the same tick must not both pass.
  const claimed = new Set<string>();
  return {
    async claim(conversationId) {
      if (claimed.has(conversationId) || activeGeneration(conversationId)) return false;
      claimed.add(conversationId);
      return true;
    },
    release(conversationId) {
      claimed.delete(conversationId);
    },
    track(generation) {
      claimed.delete(generation.conversationId);
    },
    async active(conversationId) {
      const generation = activeGeneration(conversationId);
      return generation && { messageId: generation.messageId };
    },
    async subscribe(conversationId) {
      return activeGeneration(conversationId)?.subscribe();
    },
    async stop(conversationId) {
      return (await stopHere(conversationId)) ?? { stopped: false };
    },
    requestStop(conversationId) {
      activeGeneration(conversationId)?.stop();
    },
  };
}

/** Stops a reply being written by this process, if it is; undefined otherwise. */
export function stopHere(conversationId: string): Promise<{ stopped: true; status: string }> | undefined {
  const generation = activeGeneration(conversationId);
  if (!generation) return undefined;
  generation.stop();
  return generation.done.then((outcome) => ({ stopped: true as const, status: outcome.status }));
}

/** Replies of this process whose end has not reached Redis yet: a graceful stop waits for them too. */
export const sharing = ((globalThis as unknown as { __liveSharing?: Set<string> }).__liveSharing ??= new Set<string>());

/** What must end before this process can stop without cutting a reply off (lib/shutdown.ts). */
export function unfinishedReplies(): number {
  return activeGenerationCount() + sharing.size;
}

const holder = globalThis as unknown as { __liveReplies?: { key: string; live: Promise<LiveReplies> } };

export function liveReplies(): Promise<LiveReplies> {
  const { REDIS_URL, LIVE_HEARTBEAT_MS } = getConfig();
  const key = `${REDIS_URL ?? ''}|${LIVE_HEARTBEAT_MS}`;
  if (holder.__liveReplies?.key !== key) {
    const live = REDIS_URL
      ? withRedis(() => import('./redis-live').then(({ connectRedisLive }) => connectRedisLive({ url: REDIS_URL, heartbeatMs: LIVE_HEARTBEAT_MS })))
      : Promise.resolve(inProcess());
    holder.__liveReplies = { key, live };
    // A failed connection is retried on the next request rather than remembered.
    live.catch(() => {
      if (holder.__liveReplies?.live === live) holder.__liveReplies = undefined;
    });
  }
  return holder.__liveReplies.live;
}
