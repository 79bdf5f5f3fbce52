'use client';

import { useEffect, type RefObject } from 'react';
import type { MessageListHandle } from './message-list';

/** How long a message opened from search stays highlighted. */
export const HIGHLIGHT_MS = 2500;
/** How many frames to wait for a long chat to render the turn of a message far from the view. */
const REVEAL_FRAMES = 60;

/**
 * `/chat/<id>?m=<messageId>` (a search result): scrolls that message to the middle of the view and
 * highlights it briefly (`data-highlighted`, styled in globals.css). A long chat renders only the
 * turns near the view, so a message far from it is first brought into the list's window.
 * `messageId` is null until the message is among the loaded ones (one that is not on the active
 * branch never is, and nothing happens then).
 */
export function useScrollToMessage(list: RefObject<MessageListHandle | null>, messageId: string | null): void {
  useEffect(() => {
    if (!messageId) return;
    const find = () => document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
    const cleanups: (() => void)[] = [];

    function open(el: HTMLElement) {
      // Looked up again each time: a long chat's list may have rendered the turn anew meanwhile.
      const center = () => {
        (find() ?? el).scrollIntoView({ block: 'center' });
        list.current?.syncScroll();
      };
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
      const unhighlight = () => (find() ?? el).removeAttribute('data-highlighted');
      const clear = setTimeout(unhighlight, HIGHLIGHT_MS);
      cleanups.push(() => {
        clearTimeout(again);
        clearTimeout(clear);
        for (const type of events) window.removeEventListener(type, onUser);
        unhighlight();
      });
    }

    const el = find();
    if (el) open(el);
    else if (list.current?.reveal(messageId)) {
      let frames = 0;
      const wait = () => {
        const found = find();
        if (found) open(found);
        else if (++frames < REVEAL_FRAMES) frame = requestAnimationFrame(wait);
      };
      let frame = requestAnimationFrame(wait);
      cleanups.push(() => cancelAnimationFrame(frame));
    }
    return () => {
      for (const cleanup of cleanups) cleanup();
    };
  }, [messageId, list]);
}
