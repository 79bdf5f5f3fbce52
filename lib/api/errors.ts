/**
 * Errors the API reports to its callers. Each kind has one HTTP status, assigned here and
 * nowhere else; anything that is not an ApiError becomes a 500 with a generic message.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Well-formed, but its content cannot be used (a file with no text, a damaged PDF). */
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  /** A service the app needs is down (Redis, with several instances). */
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export type ErrorBody = { error: { code: ErrorCode; message: string } };

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    return Response.json(body, { status: error.status, headers: error.headers });
  }
  // Never leak a stack trace or internal detail to the client; the log keeps it.
  console.error('[api] unexpected error', error);
  const body: ErrorBody = { error: { code: 'internal', message: 'Something went wrong on the server.' } };
  return Response.json(body, { status: 500 });
}
