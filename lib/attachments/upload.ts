import 'server-only';
import { createHash } from 'node:crypto';
import { getFileMetas, storeFile, type FileMeta } from '@/db/files';
import type { Db } from '@/db/types';
import { ApiError } from '@/lib/api/errors';
import { readBytes } from '@/lib/api/request';
import { estimateTokens } from '@/lib/chat/context-window';
import type { AppConfig } from '@/lib/config';
import type { AttachmentInfo } from '@/lib/chat/ui-message';
import { isExtractionError } from './extract';
import { extractInWorker } from './extraction-pool';
import { fileKind } from './file-kind';
import { safeFileName } from './file-name';
import { formatBytes } from './format-bytes';

/**
 * POST /api/files?name=<file name>: the file's bytes are the body (its type in content-type).
 * Its text is extracted off the main thread and stored once per content; the answer is what the
 * chip shows. Nothing is stored for a file that is refused.
 */
export async function receiveFile(
  db: Db,
  request: Request,
  config: Pick<AppConfig, 'MAX_ATTACHMENT_BYTES'>,
): Promise<{ file: AttachmentInfo }> {
  const rawName = new URL(request.url).searchParams.get('name');
  if (!rawName || rawName.length > 1_000) throw new ApiError('bad_request', 'name: the file name is required (at most 1,000 characters).');
  const name = safeFileName(rawName);
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
  const kind = fileKind(name, mediaType);
  if (!kind) {
    throw new ApiError(
      'unsupported_media_type',
      `${name}: this kind of file is not supported. Attach text, Markdown, code, CSV, JSON, HTML, PDF or DOCX.`,
    );
  }
  const limit = config.MAX_ATTACHMENT_BYTES;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(name, declared, limit);
  const bytes = await readBody(request, name, limit);

  const id = createHash('sha256').update(bytes).digest('hex');
  const known = (await getFileMetas(db, [id])).get(id);
  if (known) return { file: info(known, name) };
  let extracted;
  try {
    extracted = await extractInWorker(bytes, name, mediaType);
  } catch (error) {
    if (isExtractionError(error)) throw new ApiError('unprocessable', error.message);
    throw error;
  }
  const stored = await storeFile(
    db,
    {
      id,
      kind: extracted.kind,
      mediaType,
      sizeBytes: bytes.byteLength,
      text: extracted.text,
      tokens: estimateTokens(extracted.text),
      pages: extracted.pages ?? null,
    },
    Date.now(),
  );
  return { file: info(stored, name) };
}

function info(meta: FileMeta, name: string): AttachmentInfo {
  return { id: meta.id, name, kind: meta.kind, sizeBytes: meta.sizeBytes, tokens: meta.tokens, pages: meta.pages };
}

async function readBody(request: Request, name: string, limit: number): Promise<Uint8Array> {
  const bytes = await readBytes(request, limit, (size) => tooLarge(name, size, limit));
  if (bytes.byteLength === 0) throw new ApiError('unprocessable', `${name} is empty.`);
  return bytes;
}

function tooLarge(name: string, size: number, limit: number): ApiError {
  return new ApiError(
    'payload_too_large',
    `${name} is ${size > limit * 1.5 ? formatBytes(size) : 'larger than the limit'}; files can be at most ${formatBytes(limit)} (MAX_ATTACHMENT_BYTES).`,
  );
}
