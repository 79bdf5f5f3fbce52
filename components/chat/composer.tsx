'use client';

import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { AttachmentChip, attachmentDetail, formatTokens } from '@/components/attachments/attachment-chip';
import { loadAttachFiles, usePendingAttachments, type AttachmentLimits } from '@/components/attachments/use-pending-attachments';
import { documentOverheadTokens } from '@/lib/attachments/document-block';
import { estimateTokens } from '@/lib/chat/context-window';
import type { AttachmentInfo } from '@/lib/chat/ui-message';

export type ComposerHandle = { focus(): void; addFiles(files: File[]): void };

/** How the next request fits the context: tokens it uses before this message, and what cannot be left out. */
export type ComposerContext = {
  /** What a request in this conversation always carries: the system prompt and the project's files. */
  fixedTokens: number;
  budget: number;
};

/**
 * The message box. Enter sends, Shift+Enter adds a line; while a reply streams the Send button
 * becomes Stop. Grows with its content up to a limit, then scrolls. Files attached (paperclip,
 * paste, or dropped on the chat) show their token counts before anything is sent, and a file that
 * cannot fit the context budget is named, with Send held back. While a reply streams, Enter (or
 * Queue) hands the message over all the same: the chat queues it.
 */
export const Composer = forwardRef<
  ComposerHandle,
  {
    busy: boolean;
    onSend(text: string, attachments: AttachmentInfo[]): boolean | void;
    onStop(): void;
    maxLength: number;
    limits: AttachmentLimits;
    context: ComposerContext;
    /** Tokens this message adds (text and files), for the context gauge. */
    onDraftTokens?(tokens: number): void;
  }
>(function Composer({ busy, onSend, onStop, maxLength, limits, context, onDraftTokens }, ref) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const attachments = usePendingAttachments(limits);
  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus(), addFiles: attachments.add }), [attachments.add]);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const ready = attachments.items.filter((a) => a.state === 'ready' && a.info);
  const uploading = attachments.items.some((a) => a.state === 'uploading');
  // The files that cannot fit even with every older turn left out: in order, the first that
  // overflows and every one after it.
  const fit = useMemo(() => {
    const textTokens = text ? estimateTokens(text) : 0;
    let used = context.fixedTokens + textTokens;
    let draft = textTokens;
    const over = new Set<string>();
    for (const a of ready) {
      const cost = a.info!.tokens + documentOverheadTokens(a.name);
      used += cost;
      draft += cost;
      if (used > context.budget) over.add(a.key);
    }
    return { over, used, draft };
  }, [text, ready, context]);

  useEffect(() => onDraftTokens?.(fit.draft), [fit.draft, onDraftTokens]);

  // The file picker's list of kinds comes with the attachment code, fetched in idle time: a chat
  // shows without it, and until then the picker offers every file (a kind that cannot be read is
  // refused on its chip all the same).
  useEffect(() => {
    const load = () =>
      void loadAttachFiles().then(({ ACCEPT_ATTRIBUTE }) => {
        if (picker.current) picker.current.accept = ACCEPT_ATTRIBUTE;
      });
    if (typeof requestIdleCallback !== 'function') return load();
    const handle = requestIdleCallback(load, { timeout: 3_000 });
    return () => cancelIdleCallback(handle);
  }, []);

  // While a reply streams, what is sent is queued (see Chat): it goes when the reply ends.
  const canSend = (text.trim().length > 0 || ready.length > 0) && !uploading && fit.over.size === 0;

  function send() {
    if (!canSend) return;
    if (onSend(text, ready.map((a) => a.info!)) !== false) {
      setText('');
      attachments.clear();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  const overNames = ready.filter((a) => fit.over.has(a.key)).map((a) => a.name);

  return (
    <form
      className="mx-auto w-full max-w-3xl rounded-2xl border border-border bg-card p-2 shadow-sm focus-within:border-primary focus-within:ring-2 focus-within:ring-primary/30"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {attachments.items.length ? (
        <ul aria-label="Attachments" className="mb-2 flex flex-wrap gap-2 px-1">
          {attachments.items.map((a) => (
            <AttachmentChip
              key={a.key}
              name={a.name}
              error={a.error}
              progress={a.state === 'uploading' ? a.progress : undefined}
              detail={a.info ? attachmentDetail(a.info) : undefined}
              over={fit.over.has(a.key)}
              onRemove={() => attachments.remove(a.key)}
            />
          ))}
        </ul>
      ) : null}
      {overNames.length ? (
        <p role="alert" className="mb-2 px-2 text-xs text-danger" data-testid="context-overflow">
          {overNames.join(', ')} {overNames.length > 1 ? 'do' : 'does'} not fit: this message needs about{' '}
          {formatTokens(fit.used)} and a request can use {formatTokens(context.budget)}. Remove{' '}
          {overNames.length > 1 ? 'them' : 'it'} or attach a shorter file.
        </p>
      ) : null}
      <div className="flex items-end gap-2">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(e) => {
            attachments.add([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          onClick={() => picker.current?.click()}
          aria-label="Attach files"
          title="Attach files (or drop them on the chat, or paste)"
          className="inline-flex size-10 shrink-0 items-center justify-center rounded-xl text-muted-foreground hover:bg-muted hover:text-foreground"
        >
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
          </svg>
        </button>
        <textarea
          ref={area}
          id="message"
          aria-label="Message"
          placeholder="Message Qwen…"
          rows={1}
          autoFocus
          maxLength={maxLength}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (files.length) {
              e.preventDefault();
              attachments.add(files);
            }
          }}
          className="max-h-60 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-[15px] leading-6 outline-none placeholder:text-muted-foreground focus-visible:outline-none"
        />
        {busy && canSend ? (
          <button
            type="submit"
            title="Sent when the reply ends"
            className="inline-flex h-10 items-center rounded-xl border border-border px-3 text-sm font-medium hover:bg-muted"
          >
            Queue
          </button>
        ) : null}
        {busy ? (
          <button
            type="button"
            onClick={onStop}
            className="inline-flex h-10 items-center gap-1.5 rounded-xl border border-border px-3 text-sm font-medium hover:bg-muted"
          >
            <span className="size-2.5 rounded-[2px] bg-foreground" aria-hidden="true" /> Stop
          </button>
        ) : (
          <button
            type="submit"
            disabled={!canSend}
            className="inline-flex h-10 items-center rounded-xl bg-primary px-4 text-sm font-medium text-primary-foreground hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-40"
          >
            Send
          </button>
        )}
      </div>
    </form>
  );
});
