'use client';

import { useSyncExternalStore } from 'react';

export type ProjectListItem = { id: string; name: string; updatedAt: number };

type State = { ready: boolean; items: ProjectListItem[] };

/**
 * The sidebar's projects, shared with the project page (rename, delete) and the "Move to project"
 * dialog. Seeded once from the server-rendered list; afterwards it changes only in the browser.
 */
let state: State = { ready: false, items: [] };
const listeners = new Set<() => void>();

function set(next: Partial<State>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

function sorted(items: ProjectListItem[]) {
  return [...items].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1));
}

export const projectStore = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: () => state,
  hydrate(items: ProjectListItem[]) {
    if (!state.ready) set({ ready: true, items });
  },
  /** A project created or changed: put it in its place (most recently changed first). */
  upsert(item: ProjectListItem) {
    set({ ready: true, items: sorted([item, ...state.items.filter((p) => p.id !== item.id)]) });
  },
  remove(id: string) {
    set({ items: state.items.filter((p) => p.id !== id) });
  },
};

export function useProjects(initial: ProjectListItem[] = []): ProjectListItem[] {
  const live = useSyncExternalStore(projectStore.subscribe, projectStore.get, projectStore.get);
  return live.ready ? live.items : initial;
}
