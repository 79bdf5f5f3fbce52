'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';

/**
 * On narrow screens the sidebar is a drawer over the chat, opened from the chat's header; from
 * 768 px up it is always shown beside it.
 */
let open = false;
const listeners = new Set<() => void>();
export function setDrawerOpen(next: boolean): void {
  open = next;
  for (const l of listeners) l();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function SidebarDrawer({ children }: { children: ReactNode }) {
  const isOpen = useSyncExternalStore(subscribe, () => open, () => false);
  const pathname = usePathname();
  const search = useSearchParams();
  // Choosing a conversation (or a new chat) closes the drawer.
  useEffect(() => setDrawerOpen(false), [pathname, search]);
  useEffect(() => {
    if (!isOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setDrawerOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [isOpen]);
  return (
    <>
      {isOpen ? (
        <div className="fixed inset-0 z-30 bg-black/40 md:hidden" aria-hidden="true" onClick={() => setDrawerOpen(false)} />
      ) : null}
      <div
        data-testid="sidebar-drawer"
        data-open={isOpen}
        className={`fixed inset-y-0 left-0 z-40 h-dvh transition-transform md:static md:visible md:translate-x-0 md:transition-none ${
          isOpen ? 'visible translate-x-0' : 'invisible -translate-x-full'
        }`}
      >
        {children}
      </div>
    </>
  );
}

export function DrawerButton() {
  return (
    <button
      type="button"
      aria-label="Open conversations"
      onClick={() => setDrawerOpen(true)}
      className="mr-auto rounded-md p-1.5 text-foreground hover:bg-muted md:hidden"
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M3 6h18M3 12h18M3 18h18" />
      </svg>
    </button>
  );
}
