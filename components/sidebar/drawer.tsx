'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { markMounted } from '@/components/hydration';

/**
 * On narrow screens the sidebar is a drawer over the chat, opened from the chat's header; from
 * 768 px up it is always shown beside it. While open on a narrow screen it is modal: focus moves
 * into it, the chat behind is inert, and Escape, the close button or a tap outside closes it and
 * gives focus back to the button that opened it.
 */
let open = false;
/** What to focus once the drawer has opened (Ctrl/Cmd+K: the search box); else its close button. */
let focusOnOpen: (() => HTMLElement | null) | null = null;
const listeners = new Set<() => void>();
export function setDrawerOpen(next: boolean, focus?: () => HTMLElement | null): void {
  open = next;
  focusOnOpen = next ? (focus ?? null) : null;
  for (const l of listeners) l();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

const narrow = () => !window.matchMedia('(min-width: 768px)').matches;

/** Closes the drawer and gives focus back to the header's "Open conversations" button. */
export function closeDrawer(): void {
  setDrawerOpen(false);
  if (!narrow()) return;
  const main = document.querySelector('main');
  if (main) main.inert = false; // before React re-renders, so the button can take focus now
  document.querySelector<HTMLElement>('[data-drawer-button]')?.focus();
}

export function SidebarDrawer({ children }: { children: ReactNode }) {
  const isOpen = useSyncExternalStore(subscribe, () => open, () => false);
  const panel = useRef<HTMLDivElement>(null);
  const pathname = usePathname();
  const search = useSearchParams();
  // Choosing a conversation (or a new chat) closes the drawer.
  useEffect(() => setDrawerOpen(false), [pathname, search]);
  // After the sidebar inside it (a child's effects run first): both are interactive now.
  useEffect(() => markMounted('sidebar'), []);
  useEffect(() => {
    if (!isOpen) return;
    const target = focusOnOpen?.() ?? (narrow() ? panel.current?.querySelector<HTMLElement>('[data-drawer-close]') : null);
    focusOnOpen = null;
    target?.focus();
    const main = document.querySelector('main');
    if (main && narrow()) main.inert = true;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('[role="dialog"]')) closeDrawer();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      if (main) main.inert = false;
    };
  }, [isOpen]);
  return (
    <>
      {isOpen ? (
        <div className="fixed inset-0 z-30 bg-black/50 md:hidden" aria-hidden="true" onClick={closeDrawer} />
      ) : null}
      <div
        ref={panel}
        data-testid="sidebar-drawer"
        data-open={isOpen}
        className={`fixed inset-y-0 left-0 z-40 h-dvh max-w-[85vw] shadow-xl transition-transform motion-reduce:transition-none md:static md:visible md:max-w-none md:translate-x-0 md:shadow-none md:transition-none ${
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
      data-drawer-button
      onClick={() => setDrawerOpen(true)}
      className="mr-auto shrink-0 rounded-md p-1.5 text-foreground hover:bg-muted md:hidden"
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M3 6h18M3 12h18M3 18h18" />
      </svg>
    </button>
  );
}

/** The drawer's own close button (narrow screens only). */
export function DrawerCloseButton() {
  return (
    <button
      type="button"
      aria-label="Close conversations"
      data-drawer-close
      onClick={closeDrawer}
      className="-ml-1 shrink-0 rounded-md p-1.5 text-foreground hover:bg-muted md:hidden"
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M6 6l12 12M18 6L6 18" />
      </svg>
    </button>
  );
}
