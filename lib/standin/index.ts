/** The stand-in model: an in-repo, offline, scriptable OpenAI-compatible "qwen-turbo". */
export { createStandinHandler } from './handler';
export { startStandinServer, type StandinServer, type StandinServerOptions } from './server';
export { parseDirectives, type Directives, type ParsedDirectives } from './directives';
export { estimateTokens, computeUsage, type Usage } from './tokens';
export { cannedReply, loremTokens } from './replies';
export { splitIntoPieces } from './pieces';
export { GATE_AFTER_CHUNKS, StandinCutError } from './stream';
export type {
  ChatMessage,
  FinishReason,
  RequestOutcome,
  StandinHandler,
  StandinHandlerOptions,
  StandinRequestInfo,
  // The brief's name; import it explicitly (it shadows the DOM's `RequestInfo` where imported).
  StandinRequestInfo as RequestInfo,
} from './types';
export type { Completion, CompletionChunk, ErrorBody } from './wire';
