/**
 * The SSE body of a streamed completion, as a pull-driven ReadableStream.
 *
 * Pull-driven (highWaterMark 0) means a chunk is produced only when the consumer
 * asks for one, so a slow reader slows the "model" down exactly like TCP
 * backpressure would, and nothing is generated ahead of need. Every pause is a
 * timer that abort/cancel clears, so once the client is gone no code keeps running.
 */
import { waitForGate } from './gates';
import type { FinishReason, RequestOutcome } from './types';
import type { Usage } from './tokens';
import {
  type CompletionMeta,
  SSE_DONE,
  SSE_MALFORMED,
  contentChunk,
  finishChunk,
  roleChunk,
  sseEvent,
  usageChunk,
} from './wire';

export interface StreamPlan {
  meta: CompletionMeta;
  pieces: readonly string[];
  finishReason: FinishReason;
  delayMs: number;
  /** Hold after GATE_AFTER_CHUNKS content chunks until this gate opens (`[[gate=NAME]]`). */
  gate?: string;
  /** Drop the connection after this many content chunks (or at the end of the content, if fewer). */
  cutAfter?: number;
  /** Send a non-JSON event after this many content chunks (or at the end of the content), then close. */
  malformedAfter?: number;
  /** Present only when the client asked for `stream_options.include_usage`. */
  usage?: Usage;
  signal: AbortSignal;
}

export interface StreamEnd {
  outcome: Exclude<RequestOutcome, 'error'>;
  chunksSent: number;
}

/** Where a gated reply holds: a few words in, so the client already shows it streaming. */
export const GATE_AFTER_CHUNKS = 5;

/** With no delay, emit up to this many content events per pull: 200k tokens shouldn't need 200k pulls. */
const UNDELAYED_BATCH = 256;

/** The error a consumer sees when `[[cut]]` drops the stream. */
export class StandinCutError extends Error {
  constructor(chunksSent: number) {
    super(`stand-in: connection cut after ${chunksSent} content chunks`);
    this.name = 'StandinCutError';
  }
}

export function createCompletionStream(plan: StreamPlan, onEnd: (end: StreamEnd) => void): ReadableStream<Uint8Array> {
  const { meta, pieces, signal } = plan;
  const encoder = new TextEncoder();

  let roleSent = false;
  let sent = 0;
  let ended = false;
  let gatePassed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;

  /** A pause that `stopTimers` can end early, so a pending pull never dangles. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(() => {
        timer = undefined;
        wake = undefined;
        resolve();
      }, ms);
    });
  }

  function stopTimers(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const resolve = wake;
    wake = undefined;
    resolve?.();
  }

  function finish(outcome: StreamEnd['outcome']): void {
    if (ended) return;
    ended = true;
    stopTimers();
    signal.removeEventListener('abort', onAbort);
    onEnd({ outcome, chunksSent: sent });
  }

  function onAbort(): void {
    if (ended) return;
    finish('aborted');
    // Like fetch: a reader waiting on an aborted request's body sees the abort reason.
    try {
      controller.error(signal.reason);
    } catch {
      // already closed or errored
    }
  }

  /** Where a scripted failure strikes: after N chunks, but never later than the end of the content. */
  function breakpoint(after: number | undefined): boolean {
    return after !== undefined && (sent >= after || sent >= pieces.length);
  }

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort);
      },

      async pull(c) {
        if (ended) return;
        if (!roleSent) {
          roleSent = true;
          c.enqueue(encoder.encode(sseEvent(roleChunk(meta))));
          return;
        }

        let text = '';
        let budget = plan.delayMs > 0 ? 1 : UNDELAYED_BATCH;
        while (budget > 0 && sent < pieces.length && !breakpoint(plan.cutAfter) && !breakpoint(plan.malformedAfter)) {
          if (plan.gate && sent === GATE_AFTER_CHUNKS && !gatePassed) {
            // Deliver what came before the gate first, so the client shows a reply in progress.
            if (text !== '') break;
            await waitForGate(plan.gate, signal);
            gatePassed = true;
            if (ended) return;
          }
          if (plan.delayMs > 0) {
            await pause(plan.delayMs);
            if (ended) return;
          }
          text += sseEvent(contentChunk(meta, pieces[sent] ?? ''));
          sent++;
          budget--;
        }
        // Deliver what was produced before acting on a breakpoint: erroring the stream
        // would discard queued chunks, and the client must see the text up to the cut.
        if (text !== '') {
          c.enqueue(encoder.encode(text));
          return;
        }

        if (breakpoint(plan.cutAfter)) {
          // Over a socket the reset arrives after the bytes before it have been read; in process
          // an immediate error would overtake chunks still inside the reader's transform pipeline.
          await pause(20);
          if (ended) return;
          finish('cut');
          c.error(new StandinCutError(sent));
          return;
        }
        if (breakpoint(plan.malformedAfter)) {
          c.enqueue(encoder.encode(SSE_MALFORMED));
          c.close();
          finish('malformed');
          return;
        }

        let tail = sseEvent(finishChunk(meta, plan.finishReason));
        if (plan.usage) tail += sseEvent(usageChunk(meta, plan.usage));
        tail += SSE_DONE;
        c.enqueue(encoder.encode(tail));
        c.close();
        finish('completed');
      },

      cancel() {
        // The consumer hung up (e.g. the server bridge saw the socket close).
        finish('aborted');
      },
    },
    { highWaterMark: 0 },
  );
}
