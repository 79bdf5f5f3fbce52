'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

const NEAR_BOTTOM_PX = 48;

/**
 * Keeps a scroll container pinned to its bottom while content grows (a streaming reply), and lets
 * go as soon as the user scrolls up to read; scrolling back down, or sending, pins it again.
 * `onMoved` runs right after each move it makes (a virtualised list renders what is there now).
 */
export function useStickToBottom(onMoved?: () => void) {
  const moved = useRef(onMoved);
  moved.current = onMoved;
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  const scrollToBottom = useCallback((behavior: ScrollBehavior = 'auto') => {
    const el = scrollRef.current;
    if (!el) return;
    stuck.current = true;
    setAtBottom(true);
    el.scrollTo({ top: el.scrollHeight, behavior });
    if (behavior !== 'smooth') moved.current?.();
  }, []);

  useEffect(() => {
    const el = scrollRef.current;
    const content = contentRef.current;
    if (!el || !content) return;
    let lastTop = el.scrollTop;
    const onScroll = () => {
      const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
      // Only a move upwards by the user releases the pin; growth of the content never does.
      if (el.scrollTop < lastTop - 2 && distance > NEAR_BOTTOM_PX) stuck.current = false;
      else if (distance <= NEAR_BOTTOM_PX) stuck.current = true;
      lastTop = el.scrollTop;
      setAtBottom(distance <= NEAR_BOTTOM_PX);
    };
    const observer = new ResizeObserver(() => {
      if (!stuck.current) return;
      el.scrollTop = el.scrollHeight;
      moved.current?.();
    });
    observer.observe(content);
    el.addEventListener('scroll', onScroll, { passive: true });
    el.scrollTop = el.scrollHeight;
    moved.current?.();
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, []);

  return { scrollRef, contentRef, atBottom, scrollToBottom };
}
