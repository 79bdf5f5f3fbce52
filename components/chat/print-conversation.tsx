'use client';

import { lazy, memo, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { readApiError } from '@/components/api-error';
import { conversationStore } from '@/components/sidebar/conversation-store';
import { toast } from '@/components/toast';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';

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
 */

/** The chat's markdown renderer, loaded on its own (as the message list does); null until it has arrived. */
let renderer: typeof import('./markdown') | null = null;
let rendererLoading: Promise<typeof import('./markdown')> | null = null;
function loadRenderer() {
  rendererLoading ??= import('./markdown').then(
    (m) => (renderer = m),
    (error: unknown) => {
      rendererLoading = null; // a failed chunk may load on the next try
      throw error;
    },
  );
  return rendererLoading;
}
const LazyMarkdown = lazy(() => loadRenderer().then((m) => ({ default: m.Markdown })));

/** What a print shows: the messages, and how many older ones it leaves out (null: some, how many unknown). */
type PrintJob = { messages: ChatUIMessage[]; omitted?: number | null; title: string };

const PAGE = 500;

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
      const rendererReady = loadRenderer().catch(() => null);
      let messages = loaded;
      let omitted: number | null | undefined;
      const first = loaded[0];
      if (older && first) {
        try {
          const previous = await fetchOlder(id, first.id);
          // The list may have moved on meanwhile (a reply streamed, a page was loaded): take it as it is now.
          const now = latest.current.loadedMessages;
          const sameBranch = now.some((m) => m.id === first.id);
          const onScreen = new Set((sameBranch ? now : loaded).map((m) => m.id));
          messages = [...previous.filter((m) => !onScreen.has(m.id)), ...(sameBranch ? now : loaded)];
        } catch (error) {
          omitted = null;
          toast.error(`Could not load the older messages (${error instanceof Error ? error.message : 'network error'}); printing the ones loaded.`);
        }
      }
      if (messages.some((m) => m.role === 'assistant' && messageText(m).includes('$'))) {
        await import('./math').catch(() => undefined);
      }
      await rendererReady;
      await new Promise<void>((resolve) => {
        committed.current = resolve;
        setJob({ messages, omitted, title: titleOf(id) });
      });
      const view = document.querySelector<HTMLElement>('[data-print-view]');
      if (view) {
        await settled(view, Math.min(60_000, 10_000 + messages.length * 10));
        annotateLinks(view);
        await loadMathFonts(view);
      }
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
      if (view) annotateLinks(view);
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

  // The renderer is the one the chat loads; have it here before a print from the browser's menu needs it.
  useEffect(() => {
    void loadRenderer().catch(() => undefined);
  }, []);

  return {
    printMessages: job?.messages ?? null,
    omitted: job?.omitted,
    title: job?.title ?? '',
    preparing,
    printNow,
  };
}

/** The older messages of the branch, before message `before`, oldest first. */
async function fetchOlder(conversationId: string, before: string): Promise<ChatUIMessage[]> {
  const pages: ChatUIMessage[][] = [];
  let cursor = before;
  // At most a million messages: a guard against a server that keeps saying there is more.
  for (let i = 0; i < 2_000; i++) {
    const res = await fetch(
      `/api/conversations/${encodeURIComponent(conversationId)}/messages?before=${encodeURIComponent(cursor)}&limit=${PAGE}`,
    );
    if (!res.ok) throw new Error(await readApiError(res));
    const page = (await res.json()) as { messages: ChatUIMessage[]; hasOlder: boolean };
    pages.unshift(page.messages);
    const oldest = page.messages[0];
    if (!page.hasOlder || !oldest) break;
    cursor = oldest.id;
  }
  return pages.flat();
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
 * Resolves once the print view has stopped changing (markdown rendered, code highlighted, math
 * typeset), or at the deadline: a print should never wait forever for one block.
 */
async function settled(view: HTMLElement, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let changed = performance.now();
  const observer = new MutationObserver(() => (changed = performance.now()));
  observer.observe(view, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (performance.now() - changed >= 250 && isRendered(view)) return true;
    }
    return false;
  } finally {
    observer.disconnect();
  }
}

function isRendered(view: HTMLElement): boolean {
  if (view.querySelector('[data-print-pending]')) return false;
  // Until Shiki has answered, a code block shows its text with every token's colour `inherit`.
  for (const pre of view.querySelectorAll<HTMLElement>('[data-streamdown="code-block-body"] pre')) {
    const token = pre.querySelector<HTMLElement>('code > span > span');
    if (token && token.style.getPropertyValue('--sdm-c').trim() === 'inherit') return false;
  }
  return true;
}

/** KaTeX's fonts load when a formula is first shown; the print view is never shown on screen. */
async function loadMathFonts(view: HTMLElement): Promise<void> {
  if (!view.querySelector('.katex')) return;
  const faces: FontFace[] = [];
  document.fonts.forEach((face) => {
    if (face.status === 'unloaded' && face.family.replace(/["']/g, '').startsWith('KaTeX')) faces.push(face);
  });
  if (!faces.length) return;
  await Promise.race([Promise.allSettled(faces.map((f) => f.load())), new Promise((resolve) => setTimeout(resolve, 5_000))]);
}

/** Each reply's markdown source, for the addresses of its links (the renderer shows them as buttons). */
const replySources = new WeakMap<Element, string>();

/**
 * On paper a link needs its address: the chat renders links as buttons (they ask before opening),
 * which carry no href, so the addresses come from the reply's markdown, matched by link text.
 * A link whose text is its address (a bare URL) gets none.
 */
function annotateLinks(view: HTMLElement): void {
  for (const [el, source] of [...view.querySelectorAll('[data-print-reply]')].map((el) => [el, replySources.get(el)] as const)) {
    if (!source) continue;
    const targets = el.querySelectorAll<HTMLElement>('[data-streamdown="link"], a[href]');
    if (!targets.length) continue;
    const links = markdownLinks(source);
    for (const target of targets) {
      if (target.hasAttribute('data-print-href')) continue;
      const text = target.textContent ?? '';
      const href = target.getAttribute('href');
      const index = href ? -1 : links.findIndex((l) => comparable(l.text) === comparable(text));
      const url = href ?? (index >= 0 ? links.splice(index, 1)[0]!.url : null);
      if (!url || !/^https?:\/\//i.test(url) || sameAddress(text, url)) continue;
      target.setAttribute('data-print-href', url);
    }
  }
}

const comparable = (text: string) => text.replace(/\\(.)/g, '$1').replace(/[\s*_~`]/g, '');

function sameAddress(text: string, url: string): boolean {
  const bare = (s: string) => s.trim().replace(/^(https?:\/\/)?(www\.)?/i, '').replace(/\/$/, '');
  return bare(text) === bare(url);
}

/** The links of a markdown text, in order: `[text](url)`, `[text][ref]`, `[ref]` with its definition. */
export function markdownLinks(markdown: string): { text: string; url: string }[] {
  const prose = markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
  const definitions = new Map<string, string>();
  for (const m of prose.matchAll(/^ {0,3}\[([^\]]+)\]:[ \t]*<?([^\s>]+)>?/gm)) {
    const label = m[1]!.trim().toLowerCase();
    if (!definitions.has(label)) definitions.set(label, m[2]!);
  }
  const links: { text: string; url: string }[] = [];
  const pattern =
    /(!?)\[((?:[^[\]\\]|\\.|\[(?:[^[\]\\]|\\.)*\])*)\](?:\(\s*<?((?:[^\s()<>]|\([^\s()]*\))*)>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)|\[([^\]]*)\])?(?!:)/g;
  for (const m of prose.matchAll(pattern)) {
    if (m[1]) continue; // an image
    const text = m[2]!;
    const url = m[3] ?? definitions.get((m[4] || text).trim().toLowerCase());
    if (url) links.push({ text, url });
  }
  return links;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const STATUS_NOTE: Partial<Record<string, string>> = { stopped: 'stopped', error: 'failed', interrupted: 'interrupted' };

/**
 * Every message of the branch, for paper: hidden on screen, the only thing printed. Replies are
 * rendered by the chat's own markdown renderer (static), so code is highlighted and math typeset.
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
        <>
          <h1 className="mb-1 text-[18pt] leading-tight font-semibold">{title || 'Conversation'}</h1>
          <p className="mb-6 text-[9pt] text-neutral-600">
            {messages.length} {messages.length === 1 ? 'message' : 'messages'} · printed {dateFormat.format(new Date())}
          </p>
          {omitted !== undefined && omitted !== 0 ? (
            <p data-testid="print-omitted" className="mb-6 border border-neutral-400 px-3 py-2 text-[10pt]">
              {omitted === null ? 'Older messages are' : `${omitted} older ${omitted === 1 ? 'message is' : 'messages are'}`} not
              included: use Print in the chat (or Ctrl+P) to print the whole conversation.
            </p>
          ) : null}
          {messages.map((m) => (
            <PrintMessage key={m.id} message={m} />
          ))}
        </>
      ) : null}
    </div>
  );
}

const PrintMessage = memo(function PrintMessage({ message }: { message: ChatUIMessage }) {
  const text = messageText(message);
  const createdAt = message.metadata?.createdAt;
  const status = STATUS_NOTE[message.metadata?.status ?? ''];
  const attachments = message.metadata?.attachments;
  const user = message.role === 'user';
  return (
    <article data-print-message={message.role} className="print-message mb-5">
      <p className="print-message-meta mb-1 text-[9pt] text-neutral-600">
        <span className="font-semibold text-black">{user ? 'You' : 'Qwen'}</span>
        {createdAt ? <> · {dateFormat.format(new Date(createdAt))}</> : null}
        {status ? <> · {status}</> : null}
      </p>
      {user ? (
        <>
          {attachments?.length ? (
            <p className="mb-1 text-[9pt] text-neutral-700">Attached: {attachments.map((a) => a.name).join(', ')}</p>
          ) : null}
          {text ? <div className="border-l-2 border-neutral-400 pl-3 break-words whitespace-pre-wrap">{text}</div> : null}
        </>
      ) : (
        <div
          data-print-reply=""
          ref={(el) => {
            if (el) replySources.set(el, text);
          }}
        >
          {text ? <PrintMarkdown text={text} /> : null}
          {!text && message.metadata?.error ? <p className="italic">{message.metadata.error}</p> : null}
        </div>
      )}
    </article>
  );
});

function PrintMarkdown({ text }: { text: string }) {
  if (renderer) return <renderer.Markdown text={text} streaming={false} />;
  return (
    <Suspense fallback={<div data-print-pending="" className="break-words whitespace-pre-wrap">{text}</div>}>
      <LazyMarkdown text={text} streaming={false} />
    </Suspense>
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
