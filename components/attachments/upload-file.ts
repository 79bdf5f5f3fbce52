'use client';

import type { AttachmentInfo } from '@/lib/chat/ui-message';

export type UploadResult = { ok: true; file: AttachmentInfo } | { ok: false; message: string };

/**
 * Uploads one file to POST /api/files and reports progress (0–1) while its bytes go out. XHR,
 * not fetch: fetch cannot tell how much of a request body has been sent.
 */
export function uploadFile(file: File, onProgress?: (share: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/files?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { file?: AttachmentInfo; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // an answer that is not JSON (a proxy's error page) gets the generic message below
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.file) resolve({ ok: true, file: body.file });
      else resolve({ ok: false, message: body.error?.message ?? `${file.name} could not be uploaded (HTTP ${xhr.status}).` });
    };
    xhr.onerror = () => resolve({ ok: false, message: `${file.name} could not be uploaded: the server did not answer.` });
    xhr.onabort = () => resolve({ ok: false, message: `${file.name}: upload cancelled.` });
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
