// Entry of an extraction worker thread (started by extraction-pool.ts). Node loads it directly with
// type stripping: erasable TypeScript only, sibling imports with their `.ts` extension.
//
// In:  { id, bytes: ArrayBuffer, name, mediaType }
// Out: { id, ok: true, result } or { id, ok: false, error: { code, message } }

import { parentPort } from 'node:worker_threads';
import { extractText, extractionMessage, isExtractionError } from './extract.ts';
import type { ExtractionErrorCode, ExtractionResult } from './extract.ts';

export type ExtractionRequest = { id: number; bytes: ArrayBuffer; name: string; mediaType: string };
export type ExtractionReply =
  | { id: number; ok: true; result: ExtractionResult }
  | { id: number; ok: false; error: { code: ExtractionErrorCode; message: string } };

const port = parentPort;
if (port === null) throw new Error('extract-worker.ts runs as a worker thread (see extraction-pool.ts)');

port.on('message', (request: ExtractionRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});

async function handle(request: ExtractionRequest): Promise<ExtractionReply> {
  const { id, name, mediaType } = request;
  try {
    const result = await extractText(new Uint8Array(request.bytes), name, mediaType);
    return { id, ok: true, result };
  } catch (error) {
    if (isExtractionError(error)) return { id, ok: false, error: { code: error.code, message: error.message } };
    return { id, ok: false, error: { code: 'corrupt', message: extractionMessage('failed', name) } };
  }
}
