import { APICallError } from 'ai';

export type UpstreamFailure = {
  kind: 'auth' | 'rate_limited' | 'upstream' | 'unreachable' | 'timeout' | 'malformed' | 'interrupted' | 'unknown';
  /** Plain language, shown to the user as is. */
  message: string;
  retryAfterSeconds?: number;
};

/** Turns whatever the provider threw into something a person can act on. Never includes secrets. */
export function describeUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamTimeoutError) {
    return {
      kind: 'timeout',
      message: `The model did not start answering within ${Math.round(error.timeoutMs / 1000)} s. Try again.`,
    };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      return {
        kind: 'auth',
        message: 'The API key was rejected by the model provider. Check AIMLAPI_API_KEY and restart the app.',
      };
    }
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfter(error.responseHeaders?.['retry-after']);
      return {
        kind: 'rate_limited',
        message:
          retryAfterSeconds !== undefined
            ? `The model is rate-limited right now. Try again in ${retryAfterSeconds} s.`
            : 'The model is rate-limited right now. Wait a moment and try again.',
        retryAfterSeconds,
      };
    }
    if (status !== undefined && status >= 500) {
      return { kind: 'upstream', message: `The model service had a problem (HTTP ${status}). Try again.` };
    }
    if (status !== undefined && (status < 200 || status >= 300)) {
      return { kind: 'upstream', message: `The model service refused the request (HTTP ${status}).` };
    }
    // A 2xx (or no status): the request was accepted and the failure is in the transport or the
    // body, which the cause chain tells apart.
  }
  // Order matters: a body cut mid-stream also carries socket error codes, so cut-off comes first.
  if (isMalformed(error)) {
    return { kind: 'malformed', message: 'The model sent a response that could not be read. Try again.' };
  }
  if (isCutOff(error)) {
    return { kind: 'interrupted', message: 'The connection to the model was lost in the middle of the reply. Try again.' };
  }
  if (isConnectionFailure(error)) {
    return { kind: 'unreachable', message: 'Could not reach the model service. Check the network and AIMLAPI_BASE_URL.' };
  }
  return { kind: 'unknown', message: 'The reply failed for an unexpected reason. Try again.' };
}

export class UpstreamTimeoutError extends Error {
  override name = 'UpstreamTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
  }
}

export function parseRetryAfter(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  if (/^\s*[-+]?\d+(\.\d+)?\s*$/.test(value)) {
    const seconds = Number(value);
    return seconds >= 0 ? Math.ceil(seconds) : undefined;
  }
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  for (let i = 0; i < 6 && current; i++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isConnectionFailure(error: unknown): boolean {
  return errorChain(error).some((e) =>
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(
      codeOf(e) ?? '',
    ),
  ) || errorChain(error).some((e) => e instanceof Error && /Cannot connect to API|fetch failed/i.test(e.message));
}

function isMalformed(error: unknown): boolean {
  return errorChain(error).some(
    (e) =>
      e instanceof Error &&
      (/JSONParseError|TypeValidationError|InvalidResponseDataError/.test(e.name) || /JSON parsing failed|Invalid JSON/i.test(e.message)),
  );
}

function isCutOff(error: unknown): boolean {
  return errorChain(error).some(
    (e) =>
      (e instanceof Error &&
        (e.name === 'StandinCutError' || /terminated|other side closed|socket hang up|premature close|connection cut/i.test(e.message))) ||
      codeOf(e) === 'UND_ERR_SOCKET' ||
      codeOf(e) === 'ECONNRESET',
  );
}
