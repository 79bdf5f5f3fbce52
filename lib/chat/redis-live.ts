import 'server-only';
import { randomUUID } from 'node:crypto';
import type { UIMessageChunk } from 'ai';
import { getMessage, getStreamingReplies, markReplyInterrupted } from '@/db/messages';
import { ApiError } from '@/lib/api/errors';
import { redisClient, type Redis } from '@/lib/redis';
import { appDb } from '@/lib/server';
import { activeGeneration, mergeTextDeltas, type Generation } from './generation';
import { sharing, stopHere, type LiveReplies } from './live-replies';

/**
 * Replies being written, shared by several app instances through Redis.
 *
 * - `qc:live:<conversation>` says which instance writes the conversation's reply, and which message it
 *   is. Set with NX (one reply per conversation across all instances), it expires after three missed
 *   heartbeats: a killed instance's claims lapse by themselves.
 * - `qc:chunks:<message>` is a Redis Stream of the reply's UI chunks, appended by the writing instance
 *   as they leave the generation, then an end entry. Any instance can replay it from the first entry
 *   and follow it live (XREAD BLOCK), so the stream outlives the HTTP request and, for a while, its
 *   instance. (Not `resumable-stream`: it keeps the chunks in the producer's memory, so a listener
 *   hangs when the producer dies, and it has no stop.)
 * - `qc:stop` (pub/sub) carries stop requests to whichever instance writes the reply.
 * - A reply whose instance died is marked interrupted, keeping every chunk that reached Redis, by
 *   whoever notices first: a listener, a stop, or the sweep every instance runs once per heartbeat.
 */

const PREFIX = 'qc:';
const liveKey = (conversationId: string) => `${PREFIX}live:${conversationId}`;
const chunksKey = (messageId: string) => `${PREFIX}chunks:${messageId}`;
const STOP_CHANNEL = `${PREFIX}stop`;
/** A finished reply's chunks stay for late listeners that saw it live a moment ago. */
const CHUNKS_KEPT_SECONDS = 300;
const ORPHAN_KEPT_SECONDS = 24 * 3600;

const MISSED_BEATS = 3;

// Only the holder of a claim may refresh or drop it.
// A claim that vanished while its reply is still being written (Redis restarted without persistence, or
// an outage longer than three beats) is put back, so nobody takes the running reply for dead.
const REFRESH = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

type Claim = { instance: string; messageId: string };

export type RedisLiveOptions = { url: string; heartbeatMs: number };

export async function connectRedisLive({ url, heartbeatMs }: RedisLiveOptions): Promise<LiveReplies> {
  const redis = await redisClient(url);
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  try {
    await subscriber.connect();
    // "<conversation> <message>": a stop meant for a reply that has ended must not stop the next one.
    await subscriber.subscribe(STOP_CHANNEL, (message) => {
      const [conversationId, messageId] = message.split(' ');
      const generation = activeGeneration(conversationId ?? '');
      if (generation && (!messageId || generation.messageId === messageId)) generation.stop();
    });
  } catch (error) {
    subscriber.destroy(); // the next request tries again from scratch
    throw error;
  }
  const live = new RedisLiveReplies(redis, heartbeatMs);
  live.startTimers();
  return live;
}

class RedisLiveReplies implements LiveReplies {
  private readonly instance = randomUUID();
  /** Claims held by this instance: conversation → the claim's value. */
  private readonly owned = new Map<string, string>();
  private readonly ttlMs: number;
  private sweeping = false;

  constructor(
    private readonly redis: Redis,
    private readonly heartbeatMs: number,
  ) {
    this.ttlMs = heartbeatMs * MISSED_BEATS;
  }

  startTimers(): void {
    setInterval(() => this.heartbeat(), this.heartbeatMs).unref();
    setInterval(() => void this.sweep(), this.heartbeatMs).unref();
    void this.sweep();
  }

  async claim(conversationId: string, messageId: string): Promise<boolean> {
    const value = JSON.stringify({ instance: this.instance, messageId } satisfies Claim);
    const result = await this.command(() => this.redis.set(liveKey(conversationId), value, { NX: true, PX: this.ttlMs }));
    if (result !== 'OK') return false;
    this.owned.set(conversationId, value);
    return true;
  }

  release(conversationId: string): void {
    const value = this.owned.get(conversationId);
    if (value === undefined) return;
    this.owned.delete(conversationId);
    this.redis.eval(RELEASE, { keys: [liveKey(conversationId)], arguments: [value] }).catch(() => undefined);
  }

  track(generation: Generation): void {
    const key = chunksKey(generation.messageId);
    const redis = this.redis;
    void (async () => {
      // Commands on one connection run in the order they were sent: no need to wait for each append.
      const reader = generation.subscribe().getReader();
      let first = true;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        redis.xAdd(key, '*', { c: JSON.stringify(value) }).catch(() => undefined);
        // Bounded from the start: the stream of a writer that dies never gets its end.
        if (first) redis.expire(key, ORPHAN_KEPT_SECONDS).catch(() => undefined);
        first = false;
      }
      const outcome = await generation.done;
      await redis.xAdd(key, '*', { end: outcome.status });
      await redis.expire(key, CHUNKS_KEPT_SECONDS);
    })()
      .catch((error: Error) => console.warn(`[live] could not share reply ${generation.messageId}: ${error.message}`))
      .finally(() => {
        this.release(generation.conversationId);
        sharing.delete(generation.messageId);
      });
    sharing.add(generation.messageId);
  }

  async active(conversationId: string): Promise<{ messageId: string } | undefined> {
    const here = activeGeneration(conversationId);
    if (here) return { messageId: here.messageId };
    const claim = await this.claimOf(conversationId);
    return claim && { messageId: claim.messageId };
  }

  async subscribe(conversationId: string): Promise<ReadableStream<UIMessageChunk> | undefined> {
    const here = activeGeneration(conversationId);
    if (here) return here.subscribe();
    const claim = await this.claimOf(conversationId);
    if (!claim) return undefined;
    return this.follow(conversationId, claim.messageId);
  }

  async stop(conversationId: string): Promise<{ stopped: false } | { stopped: true; status: string }> {
    const here = await stopHere(conversationId);
    if (here) return here;
    const claim = await this.claimOf(conversationId);
    if (!claim) return { stopped: false };
    const publish = () => this.redis.publish(STOP_CHANNEL, `${conversationId} ${claim.messageId}`);
    await this.command(publish);
    // Said again every beat until it ends: a writer whose subscription was reconnecting missed it.
    const again = setInterval(() => void publish().catch(() => undefined), this.heartbeatMs);
    // The writing instance stores the stopped reply, then appends the end: wait for it.
    let status = 'stopped';
    try {
      const reader = this.follow(conversationId, claim.messageId).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.type === 'message-metadata' && typeof value.messageMetadata === 'object' && value.messageMetadata) {
          const s = (value.messageMetadata as { status?: unknown }).status;
          if (typeof s === 'string') status = s;
        }
      }
    } finally {
      clearInterval(again);
    }
    return { stopped: true, status };
  }

  requestStop(conversationId: string): void {
    activeGeneration(conversationId)?.stop();
    this.redis.publish(STOP_CHANNEL, conversationId).catch(() => undefined);
  }

  /**
   * The reply's chunks from the first, then live, on a connection of its own (XREAD BLOCK holds it).
   * When the writer's claim lapses with no end in the stream, the writer is gone: the reply is
   * stored as interrupted with the text that reached Redis, and the stream ends with that error.
   */
  private follow(conversationId: string, messageId: string): ReadableStream<UIMessageChunk> {
    const key = chunksKey(messageId);
    let reader: Redis | undefined;
    let lastId = '0-0';
    let text = '';
    const close = () => {
      reader?.destroy();
      reader = undefined;
    };
    /** Enqueues the next entries, or the end; false when there was nothing new for a whole heartbeat. */
    const step = async (controller: ReadableStreamDefaultController<UIMessageChunk>): Promise<boolean> => {
      if (!reader) return true;
      const batch = await readEntries(reader, key, lastId, this.heartbeatMs);
      if (!batch.length) return false;
      const chunks: UIMessageChunk[] = [];
      let ended = false;
      for (const entry of batch) {
        lastId = entry.id;
        if (entry.end !== undefined) {
          ended = true;
          break;
        }
        const chunk = JSON.parse(entry.chunk!) as UIMessageChunk;
        if (chunk.type === 'text-delta') text += chunk.delta;
        chunks.push(chunk);
      }
      for (const chunk of mergeTextDeltas(chunks)) controller.enqueue(chunk);
      if (ended) {
        close();
        controller.close();
      }
      return true;
    };
    return new ReadableStream<UIMessageChunk>({
      start: async () => {
        reader = this.redis.duplicate();
        reader.on('error', () => undefined);
        await reader.connect();
      },
      pull: async (controller) => {
        try {
          for (;;) {
            if (await step(controller)) return;
            // Nothing new for a whole heartbeat: is the writer still there?
            if ((await this.claimOf(conversationId))?.messageId === messageId) continue;
            // Its claim is gone; an end (or more text) written just before that is read first.
            if (reader && (await readEntries(reader, key, lastId, 0)).length) continue;
            for (const chunk of await this.orphaned(messageId, text)) controller.enqueue(chunk);
            close();
            controller.close();
            return;
          }
        } catch (error) {
          // An errored stream is never cancelled: its connection is closed here.
          close();
          throw error;
        }
      },
      cancel: close,
    });
  }

  /**
   * The writer of a reply is gone with no end in its stream: store it as interrupted with the text that
   * reached Redis, and end the listener's stream with that. If it was stored after all (the writer
   * finished but never appended its end), the listener is told how it really ended.
   */
  private async orphaned(messageId: string, text: string): Promise<UIMessageChunk[]> {
    const db = await appDb();
    if (!(await markReplyInterrupted(db, messageId, Date.now(), text))) {
      const stored = await getMessage(db, messageId);
      if (stored && stored.status !== 'interrupted' && stored.status !== 'streaming') {
        return stored.status === 'error'
          ? [
              { type: 'message-metadata', messageMetadata: { status: 'error', error: stored.error } },
              { type: 'error', errorText: stored.error ?? 'The reply failed.' },
            ]
          : [
              { type: 'message-metadata', messageMetadata: { status: stored.status } },
              { type: 'finish', finishReason: stored.status === 'stopped' ? 'other' : 'stop' },
            ];
      }
    }
    return [
      { type: 'message-metadata', messageMetadata: { status: 'interrupted', error: INTERRUPTED } },
      { type: 'error', errorText: INTERRUPTED },
    ];
  }

  private heartbeat(): void {
    for (const [conversationId, value] of this.owned) {
      this.redis
        .eval(REFRESH, { keys: [liveKey(conversationId)], arguments: [value, String(this.ttlMs)] })
        .catch(() => undefined);
    }
  }

  /** Replies stored as streaming whose writer holds no claim for them any more are interrupted. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = Date.now();
      const db = await appDb();
      for (const reply of await getStreamingReplies(db)) {
        if (activeGeneration(reply.conversationId)?.messageId === reply.id) continue;
        // Claimed before it was stored, so a reply with no live claim has no writer.
        if ((await this.claimOf(reply.conversationId))?.messageId === reply.id) continue;
        const entries = (await this.redis.xRange(chunksKey(reply.id), '-', '+')) ?? [];
        if (entries.some((e) => e.message.end !== undefined)) continue; // finished; its writer stored it
        let text = '';
        for (const e of entries) {
          const chunk = e.message.c ? (JSON.parse(e.message.c) as UIMessageChunk) : undefined;
          if (chunk?.type === 'text-delta') text += chunk.delta;
        }
        await markReplyInterrupted(db, reply.id, now, entries.length ? text : undefined);
      }
    } catch (error) {
      console.warn(`[live] sweep failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async claimOf(conversationId: string): Promise<Claim | undefined> {
    const value = await this.command(() => this.redis.get(liveKey(conversationId)));
    if (!value) return undefined;
    try {
      return JSON.parse(value) as Claim;
    } catch {
      return undefined;
    }
  }

  /** A Redis command whose failure the user is told about as the service being unavailable. */
  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      console.warn(`[live] redis: ${(error as Error).message}`);
      throw new ApiError('unavailable', 'The server cannot reach Redis right now, which replies need. Try again in a moment.');
    }
  }
}

const INTERRUPTED = 'The server stopped while this reply was being written.';

type Entry = { id: string; chunk?: string; end?: string };

async function readEntries(reader: Redis, key: string, afterId: string, blockMs: number): Promise<Entry[]> {
  const reply = (await reader.xRead({ key, id: afterId }, blockMs > 0 ? { BLOCK: blockMs, COUNT: 1_000 } : { COUNT: 1_000 })) as
    | { name: string; messages: { id: string; message: Record<string, string> }[] }[]
    | null;
  const messages = reply?.[0]?.messages ?? [];
  return messages.map((m) => ({ id: m.id, chunk: m.message.c, end: m.message.end }));
}
