'use client';

import { fileKind } from '@/lib/attachments/file-kind';
import { formatBytes } from '@/lib/attachments/format-bytes';
import type { AttachmentInfo } from '@/lib/chat/ui-message';
import { uploadFile } from './upload-file';

export type AttachmentLimits = { maxBytes: number; maxFiles: number };

/**
 * What happens to a file once attached, loaded the first time a file is attached (the list of
 * file kinds and the upload are not needed to show a chat). Refused files say why at once; the
 * others upload, reporting progress and then their stored text's info or the server's reason.
 */
export function refusal(file: File, limits: AttachmentLimits, alreadyAttached: number): string | undefined {
  const name = file.name || 'pasted file';
  if (alreadyAttached >= limits.maxFiles) return `${name}: at most ${limits.maxFiles} files can be attached to one message.`;
  if (file.size > limits.maxBytes) {
    return `${name} is ${formatBytes(file.size)}; files can be at most ${formatBytes(limits.maxBytes)}.`;
  }
  if (!fileKind(name, file.type)) {
    return `${name}: this kind of file is not supported. Attach text, Markdown, code, CSV, JSON, HTML, PDF or DOCX.`;
  }
  return undefined;
}

export { ACCEPT_ATTRIBUTE } from '@/lib/attachments/file-kind';

export function upload(
  file: File,
  onProgress: (share: number) => void,
  signal: AbortSignal,
): Promise<{ ok: true; file: AttachmentInfo } | { ok: false; message: string }> {
  return uploadFile(file, onProgress, signal);
}
