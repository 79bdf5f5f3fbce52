import 'server-only';
import type { z } from 'zod';
import { ApiError } from './errors';

/** Default ceiling for JSON bodies; /api/chat passes its own, derived from the message limit. */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/**
 * Reads and validates a JSON body. The size is checked while reading, so an oversized body
 * is refused with 413 without being buffered whole.
 */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<z.infer<S>> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType && !/^application\/json\b/i.test(contentType) && !/^text\/plain\b/i.test(contentType)) {
    throw new ApiError('unsupported_media_type', 'Send the request body as application/json.');
  }
  const text = await readText(request, maxBytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'The request body is not valid JSON.');
  }
  return parseWith(schema, data);
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiError('bad_request', `${where}${issue?.message ?? 'invalid input'}`);
  }
  return result.data;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  return (await readBytes(request, maxBytes, () => tooLarge(maxBytes))).toString('utf8');
}

/**
 * A request body, at most `maxBytes` of it: past that the rest is not read and `tooLarge(size)`
 * is thrown, so an oversized body is never buffered whole.
 */
export async function readBytes(request: Request, maxBytes: number, tooLargeError: (size: number) => Error): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLargeError(size);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than the limit of ${maxBytes} bytes.`);
}
