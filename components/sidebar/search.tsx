'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Fragment, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SnippetSegment } from '@/lib/search';

export type SearchHit = {
  conversationId: string;
  messageId: string;
  title: string;
  snippet: string;
  segments: SnippetSegment[];
  role: 'user' | 'assistant' | 'system';
  /** Set when the match is inside this file, attached to the message. */
  file?: string;
};

function PaperclipIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="shrink-0">
      <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
    </svg>
  );
}

const DEBOUNCE_MS = 150;
const MAX_QUERY_CHARS = 500;

type Found = { query: string; results: SearchHit[] | null; error: string | null };

/**
 * The sidebar's search box. While it holds a query its results replace the conversation list
 * (`children`); each result opens the conversation at the message that matched (for a match in an
 * attached file, the message it is attached to, and the result names the file). Escape clears it.
 */
export function SidebarSearch({ children }: { children: ReactNode }) {
  const [input, setInput] = useState('');
  const box = useRef<HTMLInputElement>(null);
  const [found, setFound] = useState<Found>({ query: '', results: null, error: null });
  const query = input.trim().slice(0, MAX_QUERY_CHARS);

  // Text typed before the page became interactive is in the box but not yet in state: take it.
  useEffect(() => {
    if (box.current?.value) setInput(box.current.value);
  }, []);

  useEffect(() => {
    if (!query) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/api/search?q=${encodeURIComponent(query)}&limit=30`, { signal: controller.signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { results: SearchHit[] };
        setFound({ query, results: body.results, error: null });
      } catch {
        if (!controller.signal.aborted) setFound({ query, results: null, error: 'Search is unavailable right now.' });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="px-3 pb-2">
        <input
          ref={box}
          type="search"
          aria-label="Search conversations"
          placeholder="Search"
          value={input}
          maxLength={MAX_QUERY_CHARS}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && input) {
              e.preventDefault();
              setInput('');
            }
          }}
          className="w-full rounded-lg border border-border bg-background px-3 py-1.5 text-sm placeholder:text-muted-foreground"
        />
      </div>
      {query ? <SearchResults query={query} found={found} /> : children}
    </div>
  );
}

function SearchResults({ query, found }: { query: string; found: Found }) {
  const pathname = usePathname();
  const current = found.query === query;
  const results = found.results ?? [];
  return (
    <nav aria-label="Search results" aria-busy={!current} className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
      {current && found.error ? (
        <p className="px-2 py-6 text-sm text-muted-foreground">{found.error}</p>
      ) : current && results.length === 0 ? (
        <p className="px-2 py-6 text-sm text-muted-foreground" role="status">
          No results
        </p>
      ) : results.length === 0 ? (
        <p className="px-2 py-6 text-sm text-muted-foreground">Searching…</p>
      ) : (
        <ul className={current ? undefined : 'opacity-60'}>
          {results.map((hit, n) => (
            // A message can be a hit for its own text and for each of its files (even two of one name).
            <li key={`${hit.messageId}:${hit.file ?? ''}:${n}`}>
              <Link
                href={`/chat/${hit.conversationId}?m=${encodeURIComponent(hit.messageId)}`}
                aria-current={pathname === `/chat/${hit.conversationId}` ? 'page' : undefined}
                className="block rounded-lg px-2 py-2 hover:bg-muted aria-[current=page]:bg-accent"
              >
                <span className="block truncate text-sm font-medium">{hit.title}</span>
                {hit.file !== undefined && (
                  <span className="flex min-w-0 items-center gap-1 text-xs text-muted-foreground" data-testid="search-file">
                    <PaperclipIcon />
                    <span className="truncate">in {hit.file}</span>
                  </span>
                )}
                <span className="line-clamp-2 text-xs break-words text-muted-foreground" data-testid="search-snippet">
                  {hit.segments.map((s, i) =>
                    s.highlight ? (
                      <mark key={i} className="rounded-sm bg-yellow-200 px-0.5 text-foreground dark:bg-yellow-500/40">
                        {s.text}
                      </mark>
                    ) : (
                      <Fragment key={i}>{s.text}</Fragment>
                    ),
                  )}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
