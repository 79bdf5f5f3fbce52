'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef } from 'react';
import { startNewChat } from '@/components/chat/new-chat-store';
import { groupByDate } from '@/lib/date-groups';
import { ConversationActions } from './conversation-actions';
import { conversationStore, useConversations, type ConversationListItem } from './conversation-store';
import type { ProjectListItem } from './project-store';
import { SidebarProjects } from './projects';
import { DrawerCloseButton } from './drawer';
import { TransferBar } from './transfer';
import { SidebarSearch } from './search';

export type SidebarProps = {
  initialItems: ConversationListItem[];
  initialCursor: string | null;
  initialPinned?: ConversationListItem[];
  /** Every project, most recently changed first. */
  initialProjects?: ProjectListItem[];
  /** The server has APP_PASSWORD set, so there is a session to end. */
  canSignOut?: boolean;
};

/**
 * The history: newest first, grouped by day, loaded a page at a time as the user scrolls, so it
 * stays fast with thousands of conversations.
 */
export function Sidebar({ initialItems, initialCursor, initialPinned = [], initialProjects = NO_PROJECTS, canSignOut = false }: SidebarProps) {
  const live = useConversations();
  const pathname = usePathname();
  const router = useRouter();
  const sentinel = useRef<HTMLLIElement>(null);

  useEffect(
    () => conversationStore.hydrate(initialItems, initialCursor, initialPinned),
    [initialItems, initialCursor, initialPinned],
  );

  const pinned = live.ready ? live.pinned : initialPinned;
  const pinnedIds = useMemo(() => new Set(pinned.map((c) => c.id)), [pinned]);
  const all = live.ready ? live.items : initialItems;
  const items = useMemo(() => all.filter((c) => !pinnedIds.has(c.id)), [all, pinnedIds]);
  const hasMore = live.ready ? live.nextCursor !== null : initialCursor !== null;
  // Recomputed on each render so "Today" rolls over; cheap for a page or two of items.
  const groups = useMemo(
    () => [...(pinned.length ? [{ label: 'Pinned', items: pinned }] : []), ...groupByDate(items)],
    [items, pinned],
  );

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void conversationStore.loadMore();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, items.length]);

  return (
    <aside className="flex h-full w-72 shrink-0 flex-col border-r border-border bg-sidebar">
      <div className="flex items-center gap-2 p-3">
        <DrawerCloseButton />
        <Link href="/" className="mr-auto rounded-sm text-sm font-semibold tracking-tight">
          Qwen Chat
        </Link>
        <button
          type="button"
          onClick={() => {
            startNewChat();
            router.push('/');
          }}
          className="inline-flex items-center gap-1.5 rounded-lg border border-border bg-background px-3 py-1.5 text-sm font-medium hover:bg-muted"
        >
          <PlusIcon /> New chat
        </button>
      </div>
      <SidebarProjects initialProjects={initialProjects} />
      <SidebarSearch>
      <nav aria-label="Conversations" className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
        {items.length === 0 && pinned.length === 0 ? (
          <p className="px-2 py-6 text-sm text-muted-foreground">No conversations yet. Send a message to start one.</p>
        ) : (
          groups.map((group) => (
            <section key={group.label} className="mt-3" aria-label={group.label}>
              <h2 className="px-2 pb-1 text-xs font-medium text-muted-foreground">{group.label}</h2>
              <ul>
                {group.items.map((c) => {
                  const active = pathname === `/chat/${c.id}`;
                  return (
                    <li
                      key={c.id}
                      className={`group relative flex items-center rounded-lg ${active ? 'bg-accent' : 'focus-within:bg-muted hover:bg-muted'}`}
                    >
                      <Link
                        href={`/chat/${c.id}`}
                        aria-current={active ? 'page' : undefined}
                        // While the actions show over its end, the title makes room for them (ellipsis, not a hard cut).
                        className="min-w-0 flex-1 truncate px-2 py-2 text-sm group-hover:pr-32 [@media(hover:hover)]:group-focus-within:pr-32"
                        title={c.title}
                      >
                        {c.title}
                      </Link>
                      <ConversationActions conversation={c} />
                    </li>
                  );
                })}
              </ul>
            </section>
          ))
        )}
        {hasMore ? (
          <ul>
            <li ref={sentinel} className="px-2 py-3">
              <button
                type="button"
                className="text-sm text-muted-foreground underline-offset-2 hover:underline"
                onClick={() => void conversationStore.loadMore()}
                disabled={live.loadingMore}
              >
                {live.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </li>
          </ul>
        ) : null}
      </nav>
      </SidebarSearch>
      <TransferBar />
      {canSignOut ? <SignOutButton /> : null}
    </aside>
  );
}

const NO_PROJECTS: ProjectListItem[] = [];

function SignOutButton() {
  return (
    <div className="border-t border-border p-3">
      <button
        type="button"
        onClick={async () => {
          await fetch('/api/auth/sign-out', { method: 'POST' }).catch(() => undefined);
          // A full load: the proxy now sends this browser to the sign-in page.
          window.location.assign('/sign-in');
        }}
        className="w-full rounded-lg px-3 py-1.5 text-left text-sm text-muted-foreground hover:bg-muted hover:text-foreground"
      >
        Sign out
      </button>
    </div>
  );
}

function PlusIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 5v14M5 12h14" />
    </svg>
  );
}
