'use client';

import { observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { estimateMessageHeight, estimateTurnHeight } from '@/lib/chat/turn-height';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { RENDER_ALL_TURNS, TurnBox, type MessageListHandle, type MessageListProps } from './message-list';

/** Turns rendered beyond each edge of the view, so a short scroll shows laid-out text at once. */
const OVERSCAN = 4;

/** The guessed height of each message, kept per message object (only a streaming reply changes). */
const estimates = new WeakMap<ChatUIMessage, number>();
function estimate(message: ChatUIMessage): number {
  let h = estimates.get(message);
  if (h === undefined) {
    h = estimateMessageHeight(message.role, messageText(message));
    estimates.set(message, h);
  }
  return h;
}

/**
 * The turns of a long conversation, in normal flow inside `scrollRef`, virtualised past
 * RENDER_ALL_TURNS: the turns outside the view are replaced by two spacers of their measured (or,
 * if never rendered, estimated) height, so a 2,000-message chat lays out and paints what a short
 * one does. Loaded on demand (message-list.tsx): it carries the virtualizer.
 *
 * TanStack Virtual measures every rendered turn and picks the turns to render from the scroll
 * position; it never moves the view. Where the view is stays the page's to decide, as in a plain
 * list: the browser's scroll anchoring keeps it still when a turn above changes height (the
 * spacers take no part in it), and the chat pins it to the bottom and keeps it on prepends.
 * The first render, on the server and while hydrating, has every turn; the switch to a window
 * comes once each turn has been measured, so the spacers are exact and nothing moves.
 */
export function WindowedTurns({ turns, scrollRef, renderTurn, hasOlder, ref }: MessageListProps) {
  const turnsRef = useRef<HTMLDivElement>(null);
  /** Where the turns start inside the scroller (what is above them: padding, "Load earlier messages"). */
  const [scrollMargin, setScrollMargin] = useState(0);
  const [measured, setMeasured] = useState(false);
  const reportOffset = useRef<((offset: number, isScrolling: boolean) => void) | null>(null);
  /** While older turns are being prepended: the first turn before, and the view's distance from the list's end. */
  const prepending = useRef<{ firstKey: string; fromEnd: number } | null>(null);

  const virtualizer = useVirtualizer({
    count: turns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: useCallback((i: number) => estimateTurnHeight(turns[i]!.map(({ message }) => estimate(message))), [turns]),
    getItemKey: useCallback((i: number) => turns[i]![0]!.message.id, [turns]),
    overscan: OVERSCAN,
    scrollMargin,
    // Follows the scroller, from its first position on, and lets syncScroll report a move at once.
    observeElementOffset: (instance, report) => {
      reportOffset.current = report;
      if (instance.scrollElement) report(instance.scrollElement.scrollTop, false);
      const stop = observeElementOffset(instance, report);
      return () => {
        reportOffset.current = null;
        stop?.();
      };
    },
    scrollToFn: () => undefined,
  });
  // Its own corrections would fight the browser's anchoring and the pin to the bottom.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = () => false;
  const listEnd = () => virtualizer.getTotalSize() + virtualizer.options.scrollMargin;

  // Older turns were just prepended: this render already picks the turns at the position the view
  // will have (the same distance from the end), so the turns on screen stay mounted and in place.
  // The browser's scroll anchoring cannot do this: at the top (scrollTop 0) it does nothing.
  const hold = isPrepend(turns, prepending.current) ? prepending.current : null;
  if (hold) virtualizer.scrollOffset = Math.max(listEnd() - hold.fromEnd, 0);
  useLayoutEffect(() => {
    if (!hold) return;
    prepending.current = null;
    const el = scrollRef.current;
    if (!el) return;
    // Again with the turns just rendered at their real height (while the user scrolls, the
    // virtualizer leaves measuring them to its ResizeObserver, a frame later).
    for (const node of turnsRef.current?.querySelectorAll<HTMLElement>('[data-turn]') ?? []) {
      virtualizer.resizeItem(Number(node.dataset.index), node.offsetHeight);
    }
    el.scrollTop = listEnd() - hold.fromEnd;
    reportOffset.current?.(el.scrollTop, false);
  });

  // Before the first paint: every turn rendered so far has been measured (the ref callbacks ran).
  useLayoutEffect(() => setMeasured(true), []);
  // The scroller is the turns' offset parent (it is positioned).
  const empty = turns.length === 0;
  useLayoutEffect(() => setScrollMargin(turnsRef.current?.offsetTop ?? 0), [hasOlder, empty]);

  useImperativeHandle(
    ref,
    () => ({
      reveal(messageId) {
        const index = turns.findIndex((turn) => turn.some(({ message }) => message.id === messageId));
        const offset = index < 0 ? undefined : virtualizer.getOffsetForIndex(index, 'center')?.[0];
        const el = scrollRef.current;
        if (offset === undefined || !el) return false;
        el.scrollTop = offset;
        reportOffset.current?.(el.scrollTop, false);
        return true;
      },
      keepViewOnPrepend() {
        const first = turns[0]?.[0];
        const el = scrollRef.current;
        if (first && el) prepending.current = { firstKey: first.message.id, fromEnd: listEnd() - el.scrollTop };
      },
      syncScroll() {
        const el = scrollRef.current;
        if (el) reportOffset.current?.(el.scrollTop, false);
      },
    }),
    [turns, virtualizer, scrollRef],
  );

  const windowed = measured && turns.length > RENDER_ALL_TURNS;
  const items = windowed ? virtualizer.getVirtualItems() : null;
  const first = items?.[0];
  const last = items?.at(-1);
  const before = first ? first.start - virtualizer.options.scrollMargin : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - virtualizer.options.scrollMargin) : 0;
  const shown = items ? items.map((item) => item.index) : turns.map((_, i) => i);

  return (
    <div ref={turnsRef} data-windowed={windowed || undefined}>
      {before > 0 ? <Spacer height={before} /> : null}
      {shown.map((index) => (
        <TurnBox key={turns[index]![0]!.message.id} ref={virtualizer.measureElement} index={index}>
          {renderTurn(turns[index]!)}
        </TurnBox>
      ))}
      {after > 0 ? <Spacer height={after} /> : null}
    </div>
  );
}

/** Turns were put in front of the list: its first turn is another, and the former first one is still in it. */
function isPrepend(turns: MessageListProps['turns'], before: { firstKey: string } | null): before is { firstKey: string } {
  if (!before || turns[0]?.[0]?.message.id === before.firstKey) return false;
  return turns.some((turn) => turn[0]!.message.id === before.firstKey);
}

/** Room for turns that are not rendered. Never a scroll anchor: the turns in view are. */
function Spacer({ height }: { height: number }) {
  return <div aria-hidden="true" className="[overflow-anchor:none]" style={{ height }} />;
}
