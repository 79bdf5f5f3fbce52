'use client';

import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ComponentProps, type ComponentType } from 'react';
import { flushSync } from 'react-dom';
import { conversationStore } from '@/components/sidebar/conversation-store';
import { toast } from '@/components/toast';
import type { ChatUIMessage } from '@/lib/chat/ui-message';

/*
 * Print / save as PDF. The message list on screen holds only what is loaded, and past 60 turns
 * only the turns near the view, so printing it would print a window of the conversation. Instead
 * the chat renders a print view: every message of the branch, hidden on screen and the only thing
 * on paper (app/globals.css, `@media print`). It is rendered only while printing, so the page
 * does not carry a second copy of the conversation.
 *
 * - Print (the header's button) or Ctrl/Cmd+P: the older messages that are not loaded are fetched,
 *   everything is rendered, highlighted and typeset, then the browser's print dialog opens.
 * - Print from the browser's menu (no key, no button): there is no time to fetch, so what is
 *   loaded is rendered at once (`beforeprint`) and the page says what is left out.
 *
 * This module is in the chat's first load, so it holds only the listeners, the state and the
 * button. What a print renders and the work around it (print-view.tsx) are loaded on their own:
 * in idle time after the chat mounts, so that a print from the browser's menu, which must render
 * within its `beforeprint` event, finds them loaded; Print and Ctrl+P wait for them if need be.
 */

/** print-view.tsx; null until it has arrived. */
let printModule: typeof import('./print-view') | null = null;
let printLoading: Promise<typeof import('./print-view')> | null = null;
function loadPrintView() {
  printLoading ??= import('./print-view').then(
    (m) => (printModule = m),
    (error: unknown) => {
      printLoading = null; // a failed chunk may load on the next try
      throw error;
    },
  );
  return printLoading;
}
// Only for a print from the browser's menu before print-view.tsx has arrived: the view fills in
// when it does. A chunk that fails renders nothing here rather than breaking the chat; a later
// print loads it again (and then renders printModule's component directly).
const LazyPrintContent = lazy(() =>
  loadPrintView().then(
    (m) => ({ default: m.PrintContent }),
    () => ({ default: (() => null) as ComponentType<ComponentProps<typeof import('./print-view').PrintContent>> }),
  ),
);

/** What a print shows: the messages, and how many older ones it leaves out (null: some, how many unknown). */
type PrintJob = { messages: ChatUIMessage[]; omitted?: number | null; title: string };

export type PrintState = {
  /** The messages the print view renders; null when nothing is being printed. */
  printMessages: ChatUIMessage[] | null;
  /** Older messages left out of the print view: a number, null when some are and how many is unknown. */
  omitted?: number | null;
  /** The conversation's title, for the print view's heading. */
  title: string;
  /** The whole conversation is being fetched and rendered for printing. */
  preparing: boolean;
  /** Prints the whole branch: fetches what is not loaded, renders it, then opens the print dialog. */
  printNow(): Promise<void>;
};

export function usePrint(conversationId: string, loadedMessages: ChatUIMessage[], hasOlder: boolean): PrintState {
  const [job, setJob] = useState<PrintJob | null>(null);
  const [preparing, setPreparing] = useState(false);
  const latest = useRef({ conversationId, loadedMessages, hasOlder, job });
  latest.current = { conversationId, loadedMessages, hasOlder, job };
  /** printNow is running (fetching, rendering, waiting for highlighting). */
  const running = useRef(false);
  /** Inside the window.print() that printNow called: its `beforeprint` must leave the view alone. */
  const printing = useRef(false);
  const committed = useRef<(() => void) | null>(null);

  useEffect(() => {
    const resolve = committed.current;
    committed.current = null;
    resolve?.();
  }, [job]);

  const printNow = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setPreparing(true);
    try {
      const { conversationId: id, loadedMessages: loaded, hasOlder: older } = latest.current;
      let work: typeof import('./print-view');
      try {
        work = await loadPrintView();
      } catch {
        toast.error('Could not prepare the conversation for printing (network error); try again.');
        return;
      }
      const { messages, omitted } = await work.gather(id, loaded, older, () => latest.current.loadedMessages);
      await new Promise<void>((resolve) => {
        committed.current = resolve;
        setJob({ messages, omitted, title: titleOf(id) });
      });
      const view = document.querySelector<HTMLElement>('[data-print-view]');
      if (view) await work.finish(view, messages.length);
      flushSync(() => setPreparing(false));
      printing.current = true;
      try {
        window.print();
      } finally {
        printing.current = false;
      }
    } finally {
      running.current = false;
      setPreparing(false);
    }
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'p') return;
      e.preventDefault();
      if (!e.repeat) void printNow();
    }
    // Printed from the browser's menu: render what is loaded, now (the page is laid out for print
    // right after this event). A print view prepared by Print that is still current stays.
    function onBeforePrint() {
      if (printing.current) return;
      const { conversationId: id, loadedMessages: loaded, hasOlder: older, job: current } = latest.current;
      if (current && current.omitted === undefined && endsWith(current.messages, loaded)) {
        annotateAfterRender();
        return;
      }
      flushSync(() => setJob({ messages: loaded, omitted: older ? null : undefined, title: titleOf(id) }));
      annotateAfterRender();
    }
    function annotateAfterRender() {
      const view = document.querySelector<HTMLElement>('[data-print-view]');
      if (!view) return;
      if (printModule) printModule.annotateLinks(view);
      // Not loaded yet (the menu was used right after the page opened): once the view has filled in.
      else void loadPrintView().then((m) => m.annotateWhenRendered(view), () => undefined);
    }
    // Once printed (or cancelled), the second copy of the conversation leaves the page.
    function onAfterPrint() {
      setJob(null);
    }
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeprint', onBeforePrint);
    window.addEventListener('afterprint', onAfterPrint);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeprint', onBeforePrint);
      window.removeEventListener('afterprint', onAfterPrint);
    };
  }, [printNow]);

  // The print view's code, and the chat's markdown renderer it uses: here before a print from the
  // browser's menu needs them, fetched when the browser is idle so they do not compete with the chat.
  useEffect(() => {
    const load = () => void loadPrintView().then((m) => m.loadRenderer()).catch(() => undefined);
    if (typeof requestIdleCallback !== 'function') return load();
    const handle = requestIdleCallback(load, { timeout: 3_000 });
    return () => cancelIdleCallback(handle);
  }, []);

  return {
    printMessages: job?.messages ?? null,
    omitted: job?.omitted,
    title: job?.title ?? '',
    preparing,
    printNow,
  };
}

/** Whether `all` ends with exactly the messages of `tail` (the same objects: nothing changed since). */
function endsWith(all: readonly ChatUIMessage[], tail: readonly ChatUIMessage[]): boolean {
  if (tail.length > all.length) return false;
  const offset = all.length - tail.length;
  return tail.every((m, i) => all[offset + i] === m);
}

function titleOf(conversationId: string): string {
  const { items, pinned } = conversationStore.get();
  const known = pinned.find((c) => c.id === conversationId) ?? items.find((c) => c.id === conversationId);
  if (known?.title) return known.title;
  const fromPage = document.title.replace(/\s*·\s*Qwen Chat$/, '').trim();
  return fromPage && fromPage !== 'Qwen Chat' ? fromPage : 'Conversation';
}

/**
 * Every message of the branch, for paper: hidden on screen, the only thing printed (app/globals.css
 * prints it while it is not empty). Its content (print-view.tsx) is rendered only while printing.
 */
export function PrintView({
  title,
  messages,
  omitted,
}: {
  title: string;
  messages: readonly ChatUIMessage[] | null;
  /** Older messages left out: how many, or null when some are and how many is unknown. */
  omitted?: number | null;
}) {
  return (
    <div data-print-view="" data-testid="print-view" className="hidden text-[11pt] leading-normal text-black print:block">
      {messages ? (
        printModule ? (
          <printModule.PrintContent title={title} messages={messages} omitted={omitted} />
        ) : (
          <Suspense fallback={null}>
            <LazyPrintContent title={title} messages={messages} omitted={omitted} />
          </Suspense>
        )
      ) : null}
    </div>
  );
}

/** The header's Print button: prints the whole conversation (or saves it as a PDF). */
export function PrintButton({ onPrint, preparing }: { onPrint(): void; preparing: boolean }) {
  return (
    <>
      <button
        type="button"
        onClick={onPrint}
        aria-label="Print conversation"
        aria-busy={preparing || undefined}
        title={preparing ? 'Preparing the conversation for printing…' : 'Print or save as PDF (Ctrl+P)'}
        className="inline-flex shrink-0 items-center rounded-md p-1.5 hover:bg-muted hover:text-foreground"
      >
        {preparing ? (
          <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="motion-safe:animate-spin">
            <path d="M21 12a9 9 0 1 1-6.2-8.56" />
          </svg>
        ) : (
          <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M6 9V2h12v7M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2" />
            <path d="M6 14h12v8H6z" />
          </svg>
        )}
      </button>
      <span role="status" className="sr-only">
        {preparing ? 'Preparing the conversation for printing…' : ''}
      </span>
    </>
  );
}
