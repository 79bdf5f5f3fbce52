import 'server-only';
import type { ModelMessage, UIMessageChunk } from 'ai';
import { streamCompletion, type CompletionSettings, type UpstreamEndpoint } from './completion-stream';
import type { MessageMetadata } from './ui-message';
import { describeUpstreamError, UpstreamTimeoutError, type UpstreamFailure } from './upstream-error';

export type TokenUsage = { promptTokens?: number; completionTokens?: number; cachedTokens?: number };

export type GenerationOutcome = {
  status: 'complete' | 'stopped' | 'error';
  content: string;
  failure?: UpstreamFailure;
  usage?: TokenUsage;
};

export type CallSettings = CompletionSettings;

export type GenerationInput = {
  conversationId: string;
  messageId: string;
  endpoint: UpstreamEndpoint;
  modelName: string;
  messages: ModelMessage[];
  system?: string;
  settings?: CallSettings;
  /** Extra facts for the client with the first chunk (e.g. how much context was left out). */
  startMetadata?: MessageMetadata;
  /** Give up (status error) when the upstream has sent no text by then. */
  firstTokenTimeoutMs: number;
  /** How often the text so far is written to the database while streaming. */
  progressIntervalMs?: number;
  onProgress: (content: string) => void | Promise<void>;
  /** Stores the outcome; runs before any client sees the end of the stream. */
  onEnd: (outcome: GenerationOutcome) => void | Promise<void>;
};

type Listener = (chunk: UIMessageChunk | null) => void;

/**
 * One reply being generated. It belongs to the server, not to the HTTP request that started it:
 * a browser that disconnects only unsubscribes, the generation runs on and is stored, and any
 * number of clients can (re)subscribe and get the whole reply replayed from the first chunk.
 * Only an explicit stop() aborts the upstream call.
 */
export class Generation {
  readonly chunks: UIMessageChunk[] = [];
  readonly abortController = new AbortController();
  readonly done: Promise<GenerationOutcome>;
  text = '';
  private listeners = new Set<Listener>();
  private ended = false;
  private stopRequested = false;
  private resolveDone!: (o: GenerationOutcome) => void;

  constructor(
    readonly conversationId: string,
    readonly messageId: string,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get isStopped(): boolean {
    return this.stopRequested;
  }

  stop(): void {
    if (this.ended) return;
    this.stopRequested = true;
    this.abortController.abort();
  }

  emit(chunk: UIMessageChunk): void {
    this.chunks.push(chunk);
    for (const listener of this.listeners) listener(chunk);
  }

  end(outcome: GenerationOutcome): void {
    this.ended = true;
    for (const listener of this.listeners) listener(null);
    this.listeners.clear();
    this.resolveDone(outcome);
  }

  /**
   * A stream of the whole reply so far, then the rest live. Cancelling it never stops the generation.
   * Chunks that arrive faster than one event-loop turn are sent together, text deltas merged: a
   * fast upstream then costs one SSE event per batch instead of one per token, and a slow one
   * (a person-speed model) still gets every token at once.
   */
  subscribe(): ReadableStream<UIMessageChunk> {
    let listener: Listener | undefined;
    let pending: UIMessageChunk[] = [];
    let closing = false;
    let scheduled = false;
    return new ReadableStream<UIMessageChunk>({
      start: (controller) => {
        for (const chunk of mergeTextDeltas(this.chunks)) controller.enqueue(chunk);
        if (this.ended) return controller.close();
        const flush = () => {
          scheduled = false;
          if (!listener) return; // cancelled meanwhile
          for (const chunk of mergeTextDeltas(pending)) controller.enqueue(chunk);
          pending = [];
          if (closing) controller.close();
        };
        listener = (chunk) => {
          if (chunk) pending.push(chunk);
          else closing = true;
          if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        };
        this.listeners.add(listener);
      },
      cancel: () => {
        if (listener) this.listeners.delete(listener);
        listener = undefined;
      },
    });
  }
}

/** Joins runs of text deltas of the same text part into one chunk; everything else passes as is. */
export function mergeTextDeltas(chunks: readonly UIMessageChunk[]): UIMessageChunk[] {
  const out: UIMessageChunk[] = [];
  for (const chunk of chunks) {
    const last = out[out.length - 1];
    if (chunk.type === 'text-delta' && last?.type === 'text-delta' && last.id === chunk.id) {
      out[out.length - 1] = { ...last, delta: last.delta + chunk.delta };
    } else {
      out.push(chunk);
    }
  }
  return out;
}

const registry = ((globalThis as unknown as { __generations?: Map<string, Generation> }).__generations ??= new Map());

/** The reply being generated in a conversation right now, if any. */
export function activeGeneration(conversationId: string): Generation | undefined {
  return registry.get(conversationId);
}

export function activeGenerationCount(): number {
  return registry.size;
}

export function startGeneration(input: GenerationInput): Generation {
  const generation = new Generation(input.conversationId, input.messageId);
  registry.set(input.conversationId, generation);
  const metadata: MessageMetadata = { ...input.startMetadata, status: 'streaming', model: input.modelName, createdAt: Date.now() };
  generation.emit({ type: 'start', messageId: input.messageId, messageMetadata: metadata });
  void run(generation, input).finally(() => release(generation));
  return generation;
}

function release(generation: Generation): void {
  if (registry.get(generation.conversationId) === generation) registry.delete(generation.conversationId);
}

async function run(generation: Generation, input: GenerationInput): Promise<void> {
  const progressIntervalMs = input.progressIntervalMs ?? 300;
  let failure: unknown;
  let finished = false;
  let usage: TokenUsage | undefined;
  let finishReason: string | undefined;
  let receivedText = false;
  let savedLength = 0;
  let lastSave = Date.now();
  // One progress write at a time: on PostgreSQL two in flight could land out of order (older text last).
  let saving: Promise<void> | undefined;

  const timeout = setTimeout(() => {
    if (!receivedText) {
      failure = new UpstreamTimeoutError(input.firstTokenTimeoutMs);
      generation.abortController.abort(failure);
    }
  }, input.firstTokenTimeoutMs);

  // The UI message's one text part, opened with the first text and closed before the end.
  const TEXT_ID = 'text-0';
  let textOpen = false;
  try {
    const parts = streamCompletion(
      input.endpoint,
      { model: input.modelName, system: input.system, messages: input.messages, settings: input.settings },
      generation.abortController.signal,
    );
    for await (const part of parts) {
      if (part.type === 'finish') {
        finished = true;
        finishReason = part.finishReason;
        usage = part.usage;
        continue;
      }
      if (!receivedText) {
        receivedText = true;
        clearTimeout(timeout);
      }
      generation.text += part.text;
      if (!textOpen) {
        textOpen = true;
        generation.emit({ type: 'text-start', id: TEXT_ID });
      }
      generation.emit({ type: 'text-delta', id: TEXT_ID, delta: part.text });
      if (!saving && Date.now() - lastSave >= progressIntervalMs && generation.text.length !== savedLength) {
        saving = safely(() => input.onProgress(generation.text)).finally(() => (saving = undefined));
        savedLength = generation.text.length;
        lastSave = Date.now();
      }
    }
  } catch (error) {
    failure ??= error;
  } finally {
    clearTimeout(timeout);
    if (textOpen) generation.emit({ type: 'text-end', id: TEXT_ID });
  }

  let outcome: GenerationOutcome;
  if (generation.isStopped) {
    outcome = { status: 'stopped', content: generation.text, usage };
  } else if (failure !== undefined || !finished || finishReason === 'error') {
    // A stream that ends without its finish event was cut off, even if the transport closed cleanly.
    const described = describeUpstreamError(failure ?? new Error('terminated'));
    outcome = { status: 'error', content: generation.text, failure: described, usage };
  } else {
    outcome = { status: 'complete', content: generation.text, usage };
  }

  if (outcome.failure) {
    console.warn(`[chat] reply ${input.messageId} failed: ${outcome.failure.kind}`);
  }
  // Stored before anyone is told the reply ended: whoever reads it next finds it final.
  await saving;
  await safely(() => input.onEnd(outcome));

  const endMetadata: MessageMetadata = {
    status: outcome.status,
    error: outcome.failure?.message ?? null,
    retryAt:
      outcome.failure?.retryAfterSeconds !== undefined ? Date.now() + outcome.failure.retryAfterSeconds * 1000 : undefined,
    usage: {
      promptTokens: usage?.promptTokens ?? null,
      completionTokens: usage?.completionTokens ?? null,
      cachedTokens: usage?.cachedTokens ?? null,
    },
  };
  generation.emit({ type: 'message-metadata', messageMetadata: endMetadata });
  if (outcome.status === 'error') {
    generation.emit({ type: 'error', errorText: outcome.failure?.message ?? 'The reply failed.' });
  } else {
    generation.emit({ type: 'finish', finishReason: outcome.status === 'stopped' ? 'other' : (finishReason as 'stop') });
  }
  // Leave the registry before anyone awaiting `done` looks: a stored reply is no longer active.
  release(generation);
  generation.end(outcome);
}

async function safely(fn: () => void | Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    console.error('[chat] could not store the reply', error);
  }
}
