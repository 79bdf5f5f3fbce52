'use client';

import { useSyncExternalStore } from 'react';

export type ConversationListItem = { id: string; title: string; createdAt: number; updatedAt: number; pinned?: boolean };

type State = {
  ready: boolean;
  items: ConversationListItem[];
  /** Shown above the dated groups. */
  pinned: ConversationListItem[];
  nextCursor: string | null;
  loadingMore: boolean;
};

/**
 * The sidebar's list, shared by the sidebar and the chat (which adds and touches conversations
 * as the user sends). Kept newest first; pages are appended as the user scrolls. It only ever
 * changes in the browser (from effects and events), so server renders use the page they were given.
 */
let state: State = { ready: false, items: [], pinned: [], nextCursor: null, loadingMore: false };
const listeners = new Set<() => void>();

function set(next: Partial<State>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function sorted(items: ConversationListItem[]) {
  return [...items].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
}

export const conversationStore = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: () => state,
  /** Seeds the list with the server-rendered first page (once). */
  hydrate(items: ConversationListItem[], nextCursor: string | null, pinned: ConversationListItem[] = []) {
    if (!state.ready) set({ ready: true, items, nextCursor, pinned });
  },
  /** Re-reads the first page (after an import, say). */
  async reload() {
    const res = await fetch('/api/conversations?limit=50');
    if (!res.ok) return;
    const page = (await res.json()) as { conversations: ConversationListItem[]; nextCursor: string | null; pinned?: ConversationListItem[] };
    set({ ready: true, items: page.conversations, nextCursor: page.nextCursor, pinned: page.pinned ?? [] });
  },
  setPinned(item: ConversationListItem, pinned: boolean) {
    const others = state.pinned.filter((c) => c.id !== item.id);
    set({
      pinned: pinned ? [{ ...item, pinned }, ...others] : others,
      items: state.items.map((c) => (c.id === item.id ? { ...c, pinned } : c)),
    });
  },
  upsert(item: ConversationListItem) {
    set({ items: sorted([item, ...state.items.filter((c) => c.id !== item.id)]) });
  },
  touch(id: string, updatedAt = Date.now()) {
    set({ items: sorted(state.items.map((c) => (c.id === id ? { ...c, updatedAt } : c))) });
  },
  rename(id: string, title: string) {
    const retitle = (c: ConversationListItem) => (c.id === id ? { ...c, title } : c);
    set({ items: state.items.map(retitle), pinned: state.pinned.map(retitle) });
  },
  remove(id: string) {
    set({ items: state.items.filter((c) => c.id !== id), pinned: state.pinned.filter((c) => c.id !== id) });
  },
  async loadMore() {
    if (!state.nextCursor || state.loadingMore) return;
    set({ loadingMore: true });
    try {
      const res = await fetch(`/api/conversations?limit=50&cursor=${encodeURIComponent(state.nextCursor)}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = (await res.json()) as { conversations: ConversationListItem[]; nextCursor: string | null };
      const known = new Set(state.items.map((c) => c.id));
      set({ items: [...state.items, ...page.conversations.filter((c) => !known.has(c.id))], nextCursor: page.nextCursor });
    } finally {
      set({ loadingMore: false });
    }
  },
};

export function useConversations(): State {
  return useSyncExternalStore(conversationStore.subscribe, conversationStore.get, conversationStore.get);
}
