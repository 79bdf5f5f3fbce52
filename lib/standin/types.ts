/**
 * Types shared by the stand-in model's modules. Kept apart so that the pure
 * pieces (directives, replies, tokens) don't import the HTTP machinery.
 */
import type { Directives } from './directives';

/** A chat message after normalisation: content is always plain text. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Why a request ended; finer-grained than `aborted` for tests that script failures. */
export type RequestOutcome =
  | 'completed' // a full answer (JSON body, or stream through `data: [DONE]`)
  | 'error' // answered with an HTTP error status (auth, validation, [[status]])
  | 'aborted' // the client went away (request.signal aborted or body cancelled)
  | 'cut' // [[cut]]: the connection was dropped on purpose
  | 'malformed'; // [[malformed]]: a broken SSE line was sent, then the body closed

export type FinishReason = 'stop' | 'length';

/** What the stand-in saw and did for one chat-completions request; reported once, when it ends. */
export interface StandinRequestInfo {
  id: string;
  /** The model named in the request (the handler's default model if the body had none). */
  model: string;
  messageCount: number;
  /** Role of each message received, in order (e.g. system, user, assistant, user). */
  roles: string[];
  /** Text of the system message, when there is one. */
  system: string | null;
  /** Optional parameters present in the request (temperature, top_p, max_tokens, …), as sent. */
  params: Record<string, unknown>;
  /** The raw text of the last user message, directives included: exactly what the upstream received. */
  lastUserText: string;
  directives: Directives;
  stream: boolean;
  /** HTTP status sent; 499 when the client left before the headers were sent. */
  status: number;
  aborted: boolean;
  outcome: RequestOutcome;
  /** Content pieces delivered (streamed chunks with text, or the pieces in a JSON answer). */
  chunksSent: number;
  /** Set only when the answer finished normally. */
  finishReason: FinishReason | null;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number;
}

export interface StandinHandlerOptions {
  /** Pause between streamed content chunks unless `[[delay]]` says otherwise. Default 0. */
  defaultDelayMs?: number;
  /** Listed by GET /models and used when a request names no model. Default `qwen-turbo`. */
  model?: string;
  /** Called once per chat-completions request, when it ends (including rejected ones). */
  onRequest?(info: StandinRequestInfo): void;
}

export type StandinHandler = (request: Request) => Promise<Response>;
