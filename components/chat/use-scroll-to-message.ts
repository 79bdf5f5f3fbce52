'use client';

import { useSearchParams } from 'next/navigation';
import { useEffect } from 'react';

/** How long a message opened from search stays highlighted. */
export const HIGHLIGHT_MS = 2500;

/**
 * `/chat/<id>?m=<messageId>` (a search result): scrolls that message to the middle of the view and
 * highlights it briefly (`data-highlighted`, styled in globals.css). A message that is not on the
 * active branch is not rendered, so nothing happens then.
 */
export function useScrollToMessage(): void {
  const messageId = useSearchParams().get('m');

  useEffect(() => {
    if (!messageId) return;
    const el = document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
    if (!el) return;
    const center = () => el.scrollIntoView({ block: 'center' });
    center();
    // Markdown and code highlighting can still change the height of messages above it just after
    // the first paint: centre it again once they have settled, unless the user has started to scroll.
    let userMoved = false;
    const onUser = () => (userMoved = true);
    const events = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
    for (const type of events) window.addEventListener(type, onUser, { passive: true, once: true });
    const again = setTimeout(() => {
      if (!userMoved) center();
    }, 300);
    el.setAttribute('data-highlighted', '');
    const clear = setTimeout(() => el.removeAttribute('data-highlighted'), HIGHLIGHT_MS);
    return () => {
      clearTimeout(again);
      clearTimeout(clear);
      for (const type of events) window.removeEventListener(type, onUser);
      el.removeAttribute('data-highlighted');
    };
  }, [messageId]);
}
