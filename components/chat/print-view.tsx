'use client';

import { lazy, memo, Suspense } from 'react';
import { readApiError } from '@/components/api-error';
import { toast } from '@/components/toast';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';

/*
 * The heavy half of print / save as PDF (see print-conversation.tsx for how a print goes): what a
 * print renders, and the work around it (fetching the older pages, waiting for the view to settle,
 * link addresses, KaTeX's fonts). None of it is needed to show a chat, so it is not in the page's
 * first load: usePrint fetches this module in idle time after the chat mounts (a print from the
 * browser's menu then finds it loaded), or when Print / Ctrl+P is used before that.
 */

/** The chat's markdown renderer, loaded on its own (as the message list does); null until it has arrived. */
let renderer: typeof import('./markdown') | null = null;
let rendererLoading: Promise<typeof import('./markdown')> | null = null;
export function loadRenderer() {
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

const PAGE = 500;

/**
 * The messages a print shows: the older ones of the branch, fetched (a page of the list may have
 * been loaded meanwhile), then the ones loaded; with math and the renderer loaded before they render.
 * `omitted` is null when the older ones could not be fetched (the toast says so).
 */
export async function gather(
  conversationId: string,
  loaded: ChatUIMessage[],
  hasOlder: boolean,
  loadedNow: () => ChatUIMessage[],
): Promise<{ messages: ChatUIMessage[]; omitted?: number | null }> {
  const rendererReady = loadRenderer().catch(() => null);
  let messages = loaded;
  let omitted: number | null | undefined;
  const first = loaded[0];
  if (hasOlder && first) {
    try {
      const previous = await fetchOlder(conversationId, first.id);
      // The list may have moved on meanwhile (a reply streamed, a page was loaded): take it as it is now.
      const now = loadedNow();
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
  return { messages, omitted };
}

/** Once the print view has rendered `count` messages: waits for it to settle, then gives links their addresses and loads math fonts. */
export async function finish(view: HTMLElement, count: number): Promise<void> {
  await settled(view, Math.min(60_000, 10_000 + count * 10));
  annotateLinks(view);
  await loadMathFonts(view);
}

/**
 * For a print from the browser's menu made before this module had arrived: the view filled in
 * after its `beforeprint`, so its links get their addresses once it has rendered.
 */
export async function annotateWhenRendered(view: HTMLElement): Promise<void> {
  await settled(view, 10_000);
  annotateLinks(view);
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
export function annotateLinks(view: HTMLElement): void {
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
 * Every message of the branch, for paper, inside the print view (PrintView, which is hidden on
 * screen and the only thing printed). Replies are rendered by the chat's own markdown renderer
 * (static), so code is highlighted and math typeset.
 */
export function PrintContent({
  title,
  messages,
  omitted,
}: {
  title: string;
  messages: readonly ChatUIMessage[];
  /** Older messages left out: how many, or null when some are and how many is unknown. */
  omitted?: number | null;
}) {
  return (
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
