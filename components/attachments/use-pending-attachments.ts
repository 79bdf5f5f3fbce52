'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttachmentInfo } from '@/lib/chat/ui-message';
import type { AttachmentLimits } from './attach-files';

/** A file in the composer: being uploaded, ready to send (with its token count), or refused. */
export type PendingAttachment = {
  key: string;
  name: string;
  sizeBytes: number;
  state: 'uploading' | 'ready' | 'error';
  progress: number;
  info?: AttachmentInfo;
  error?: string;
};

export type { AttachmentLimits };

/** Loaded on first use (or in idle time after the chat has mounted): see attach-files.ts. */
let attachModule: Promise<typeof import('./attach-files')> | undefined;
export function loadAttachFiles(): Promise<typeof import('./attach-files')> {
  attachModule ??= import('./attach-files');
  return attachModule;
}

let nextKey = 0;

/**
 * The composer's attachments. Each file is uploaded as soon as it is picked, dropped or pasted,
 * so its text has been read and counted before Send; a file refused (too large, of a kind that
 * cannot be read, one too many) says why on its own chip and the others go on.
 */
export function usePendingAttachments(limits: AttachmentLimits) {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const count = useRef(0);
  count.current = items.filter((i) => i.state !== 'error').length;

  const update = useCallback((key: string, change: Partial<PendingAttachment>) => {
    setItems((current) => current.map((i) => (i.key === key ? { ...i, ...change } : i)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      if (files.length === 0) return;
      void loadAttachFiles().then(({ refusal, upload }) => {
        const added: PendingAttachment[] = [];
        for (const file of files) {
          const key = `a${nextKey++}`;
          const base = { key, name: file.name || 'pasted file', sizeBytes: file.size, progress: 0 };
          const refused = refusal(file, limits, count.current + added.filter((a) => a.state !== 'error').length);
          if (refused) {
            added.push({ ...base, state: 'error', error: refused });
            continue;
          }
          added.push({ ...base, state: 'uploading' });
          const controller = new AbortController();
          controllers.current.set(key, controller);
          void upload(file, (share) => update(key, { progress: share }), controller.signal).then((result) => {
            controllers.current.delete(key);
            if (controller.signal.aborted) return;
            if (result.ok) update(key, { state: 'ready', progress: 1, info: result.file, name: result.file.name });
            else update(key, { state: 'error', error: result.message });
          });
        }
        count.current += added.filter((a) => a.state !== 'error').length;
        setItems((current) => [...current, ...added]);
      });
    },
    [limits, update],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    setItems((current) => current.filter((i) => i.key !== key));
  }, []);

  /** Empties the composer's list after a send; uploads still running are cancelled. */
  const clear = useCallback(() => {
    for (const c of controllers.current.values()) c.abort();
    controllers.current.clear();
    setItems([]);
  }, []);

  /** Puts files already stored back in the composer (an edit keeps its message's files). */
  const restore = useCallback((files: AttachmentInfo[]) => {
    setItems(files.map((f) => ({ key: `a${nextKey++}`, name: f.name, sizeBytes: f.sizeBytes, state: 'ready', progress: 1, info: f })));
  }, []);

  useEffect(() => {
    const all = controllers.current;
    return () => {
      for (const c of all.values()) c.abort();
    };
  }, []);

  return { items, add, remove, clear, restore };
}
