'use client';

import { useCallback, useImperativeHandle, useLayoutEffect, useRef, useState, type ReactNode, type Ref, type RefObject } from 'react';
import type { Turn } from '@/lib/chat/group-turns';
import { estimateMessageHeight, estimateTurnHeight } from '@/lib/chat/turn-height';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { useLazyVirtualizer } from './use-lazy-virtualizer';

/**
 * Up to this many turns every turn is in the page: the browser's find-in-page sees the whole
 * conversation, and the cost per frame is small. Past it only the turns near the view are.
 */
const RENDER_ALL_TURNS = 60;
/**
 * Turns rendered beyond each edge of the view, so a short scroll shows laid-out text at once. Few:
 * a jump (Send from far up, a search hit) renders every turn of the new window in one task.
 */
const OVERSCAN = 2;

export type MessageListHandle = {
  /** Scrolls the turn holding a message to the middle of the view; false when it is not in the list. */
  reveal(messageId: string): boolean;
  /**
   * Call right before older turns are put in front of the list: the message at the top of the
   * view stays where it is on screen, and the prepending render renders the turns around it.
   */
  keepViewOnPrepend(): void;
  /**
   * Renders what is at the scroller's position now. Call it after moving the scroller by script,
   * in the same task: otherwise the next frame can show the room reserved for turns that are not
   * rendered yet, until the scroll event arrives.
   */
  syncScroll(): void;
};

/** Where the view was before a prepend: a message on screen and its distance from the view's top. */
type Hold = { firstMessageId: string; messageId: string; top: number };

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

const holds = (turn: Turn<ChatUIMessage>, messageId: string) => turn.some(({ message }) => message.id === messageId);

/**
 * The conversation's turns, in normal flow inside `scrollRef`, with "Load earlier messages" above
 * them when there are older ones. A long conversation (older messages to load, or more than
 * RENDER_ALL_TURNS turns) is virtualised past RENDER_ALL_TURNS: the turns outside the view are
 * replaced by two spacers of their measured (or, if never rendered, estimated) height, so a
 * 2,000-message chat lays out and paints what a short one does.
 *
 * TanStack Virtual (loaded on demand) measures every rendered turn and picks the turns to render
 * from the scroll position; it never moves the view. Where the view is stays the page's to decide,
 * as in a plain list: the browser's scroll anchoring keeps it still when a turn above changes
 * height (the spacers take no part in it), the chat pins it to the bottom while a reply streams,
 * and this list keeps it on the message that was at the top when older turns are prepended.
 * Every turn is rendered until the virtualizer has measured them all, on the server and while
 * hydrating too, so the spacers start exact and nothing moves when the window starts.
 */
export function MessageList({
  turns,
  scrollRef,
  renderTurn,
  hasOlder,
  onLoadOlder,
  ref,
}: {
  turns: Turn<ChatUIMessage>[];
  scrollRef: RefObject<HTMLDivElement | null>;
  renderTurn(turn: Turn<ChatUIMessage>): ReactNode;
  /** Older messages of the branch exist before the first turn. */
  hasOlder: boolean;
  onLoadOlder(): void;
  ref?: Ref<MessageListHandle>;
}) {
  const turnsRef = useRef<HTMLDivElement>(null);
  /** Where the turns start inside the scroller (what is above them: padding, "Load earlier messages"). */
  const [scrollMargin, setScrollMargin] = useState(0);
  /** Every turn in the page has been measured by the virtualizer. */
  const [measured, setMeasured] = useState(false);
  const reportOffset = useRef<((offset: number, isScrolling: boolean) => void) | null>(null);
  const prepending = useRef<Hold | null>(null);

  const { virtualizer, measureElement } = useLazyVirtualizer(hasOlder || turns.length > RENDER_ALL_TURNS, {
    count: turns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: useCallback((i: number) => estimateTurnHeight(turns[i]!.map(({ message }) => estimate(message))), [turns]),
    getItemKey: useCallback((i: number) => turns[i]![0]!.message.id, [turns]),
    overscan: OVERSCAN,
    scrollMargin,
    // Follows the scroller from its first position on, and lets syncScroll report a move at once.
    observeElementOffset: (instance, report, observe) => {
      reportOffset.current = report;
      if (instance.scrollElement) report(instance.scrollElement.scrollTop, false);
      const stop = observe(instance, report);
      return () => {
        reportOffset.current = null;
        stop?.();
      };
    },
  });

  // Once the virtualizer is there: the turns already in the page (rendered before it loaded).
  useLayoutEffect(() => {
    if (!virtualizer) return;
    for (const node of turnElements(turnsRef.current)) measureElement(node);
    setMeasured(true);
  }, [virtualizer, measureElement]);
  // The scroller is the turns' offset parent (it is positioned).
  const empty = turns.length === 0;
  useLayoutEffect(() => setScrollMargin(turnsRef.current?.offsetTop ?? 0), [hasOlder, empty]);

  const windowed = virtualizer !== null && virtualizer.scrollElement !== null && measured && turns.length > RENDER_ALL_TURNS;

  // Older turns were just prepended: this render already picks the turns around the message that
  // was at the top of the view, at about the position it will have, so they stay mounted.
  const hold = isPrepend(turns, prepending.current) ? prepending.current : null;
  if (hold && windowed) {
    const index = turns.findIndex((turn) => holds(turn, hold.messageId));
    virtualizer.getTotalSize(); // brings its measurements up to the new turns
    const item = virtualizer.measurementsCache[index];
    if (item) virtualizer.scrollOffset = Math.max(item.start - hold.top, 0);
  }
  const lastTurns = useRef(turns);
  useLayoutEffect(() => {
    if (turns === lastTurns.current) return;
    lastTurns.current = turns;
    // A hold is for the next change of the turns only (a prepend asked for and not made is dropped).
    prepending.current = null;
    const el = scrollRef.current;
    if (!hold || !el) return;
    // Turns just rendered for the first time, at their real height (while the user scrolls, the
    // virtualizer leaves measuring them to its ResizeObserver, a frame later).
    for (const node of turnElements(turnsRef.current)) virtualizer?.resizeItem(Number(node.dataset.index), node.offsetHeight);
    // Exactly where it was: at the top, the browser's scroll anchoring does nothing.
    const message = el.querySelector(`[data-message-id="${CSS.escape(hold.messageId)}"]`);
    if (message) el.scrollTop += message.getBoundingClientRect().top - el.getBoundingClientRect().top - hold.top;
    reportOffset.current?.(el.scrollTop, false);
  });

  useImperativeHandle(
    ref,
    () => ({
      reveal(messageId) {
        const index = turns.findIndex((turn) => holds(turn, messageId));
        const offset = index < 0 ? undefined : virtualizer?.getOffsetForIndex(index, 'center')?.[0];
        const el = scrollRef.current;
        if (offset === undefined || !el) return false;
        el.scrollTop = offset;
        reportOffset.current?.(el.scrollTop, false);
        return true;
      },
      keepViewOnPrepend() {
        const el = scrollRef.current;
        const first = turns[0]?.[0];
        if (!el || !first) return;
        const top = el.getBoundingClientRect().top;
        const onScreen = [...el.querySelectorAll<HTMLElement>('[data-message-id]')].find((m) => m.getBoundingClientRect().bottom > top);
        const messageId = onScreen?.dataset.messageId;
        if (!onScreen || !messageId) return;
        prepending.current = { firstMessageId: first.message.id, messageId, top: onScreen.getBoundingClientRect().top - top };
      },
      syncScroll() {
        const el = scrollRef.current;
        if (el) reportOffset.current?.(el.scrollTop, false);
      },
    }),
    [turns, virtualizer, scrollRef],
  );

  const items = windowed ? virtualizer.getVirtualItems() : null;
  const first = items?.[0];
  const last = items?.at(-1);
  const before = first && virtualizer ? first.start - virtualizer.options.scrollMargin : 0;
  const after = last && virtualizer ? virtualizer.getTotalSize() - (last.end - virtualizer.options.scrollMargin) : 0;
  const shown = items ? items.map((item) => item.index) : turns.map((_, i) => i);

  return (
    <div data-testid="message-list" data-messages={turns.reduce((n, turn) => n + turn.length, 0)} data-windowed={windowed || undefined}>
      {hasOlder ? (
        <button
          type="button"
          onClick={onLoadOlder}
          className="mx-auto mb-6 block rounded-full border border-border px-3 py-1 text-xs text-muted-foreground hover:bg-muted"
        >
          Load earlier messages
        </button>
      ) : null}
      <div ref={turnsRef}>
        {before > 0 ? <Spacer height={before} /> : null}
        {shown.map((index) => (
          <div
            key={turns[index]![0]!.message.id}
            ref={measureElement}
            data-index={index}
            data-turn=""
            // The gap after a turn is its own padding, so that its measured height includes it.
            className="flex flex-col gap-6 pb-6"
          >
            {renderTurn(turns[index]!)}
          </div>
        ))}
        {after > 0 ? <Spacer height={after} /> : null}
      </div>
    </div>
  );
}

function turnElements(container: HTMLElement | null): HTMLDivElement[] {
  return [...(container?.querySelectorAll<HTMLDivElement>(':scope > [data-turn]') ?? [])];
}

/** Turns were put in front of the list: its first message is another, and the former first one is still in it. */
function isPrepend(turns: Turn<ChatUIMessage>[], hold: Hold | null): hold is Hold {
  if (!hold || turns[0]?.[0]?.message.id === hold.firstMessageId) return false;
  return turns.some((turn) => holds(turn, hold.firstMessageId));
}

/** Room for turns that are not rendered. Never a scroll anchor: the turns in view are. */
function Spacer({ height }: { height: number }) {
  return <div aria-hidden="true" className="[overflow-anchor:none]" style={{ height }} />;
}
