'use client';

import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent } from 'react';

export type ComposerHandle = { focus(): void };

/**
 * The message box. Enter sends, Shift+Enter adds a line; while a reply streams the Send button
 * becomes Stop. Grows with its content up to a limit, then scrolls.
 */
export const Composer = forwardRef<
  ComposerHandle,
  { busy: boolean; onSend(text: string): boolean | void; onStop(): void; maxLength: number }
>(function Composer({ busy, onSend, onStop, maxLength }, ref) {
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus() }), []);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const canSend = text.trim().length > 0 && !busy;

  function send() {
    if (!canSend) return;
    if (onSend(text) !== false) setText('');
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  return (
    <form
      className="mx-auto flex w-full max-w-3xl items-end gap-2 rounded-2xl border border-border bg-card p-2 shadow-sm focus-within:border-primary focus-within:ring-2 focus-within:ring-primary/30"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
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
        className="max-h-60 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-[15px] leading-6 outline-none placeholder:text-muted-foreground focus-visible:outline-none"
      />
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
    </form>
  );
});
