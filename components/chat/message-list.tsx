'use client';

import { lazy, Suspense, useState, type ReactNode, type Ref, type RefObject } from 'react';
import type { Turn } from '@/lib/chat/group-turns';
import type { ChatUIMessage } from '@/lib/chat/ui-message';

/**
 * A conversation opened with more turns than this, or with older messages still to load, is a
 * long one: its list is virtualised past this many turns. Up to it every turn is in the page, so
 * the browser's find-in-page sees the whole conversation, and the cost per frame is small.
 */
export const RENDER_ALL_TURNS = 60;

export type MessageListHandle = {
  /** Scrolls the turn holding a message to the middle of the view; false when it is not in the list. */
  reveal(messageId: string): boolean;
  /**
   * Call right before older turns are put in front of the list: the view then stays on what it
   * shows, and that is what the prepending render renders.
   */
  keepViewOnPrepend(): void;
  /**
   * Renders what is at the scroller's position now. Call it after moving the scroller by script,
   * in the same task: otherwise the next frame can show the room reserved for turns that are not
   * rendered yet, until the scroll event arrives.
   */
  syncScroll(): void;
};

export type MessageListProps = {
  turns: Turn<ChatUIMessage>[];
  scrollRef: RefObject<HTMLDivElement | null>;
  renderTurn(turn: Turn<ChatUIMessage>): ReactNode;
  /** Older messages of the branch exist before the first turn. */
  hasOlder: boolean;
  onLoadOlder(): void;
  ref?: Ref<MessageListHandle>;
};

// The virtualizer is most of this list's script; most conversations never need it.
const WindowedTurns = lazy(() => import('./windowed-turns').then((m) => ({ default: m.WindowedTurns })));

/**
 * The conversation's turns, with "Load earlier messages" above them when there are older ones.
 * A long conversation gets the virtualised list (windowed-turns.tsx), loaded on demand; a short
 * one a plain list. A list that becomes long (older pages, another version of a long branch)
 * switches once and stays virtualised.
 */
export function MessageList(props: MessageListProps) {
  const { turns, hasOlder, onLoadOlder } = props;
  const long = hasOlder || turns.length > RENDER_ALL_TURNS;
  const [windowed, setWindowed] = useState(long);
  if (long && !windowed) setWindowed(true);
  const messages = turns.reduce((n, turn) => n + turn.length, 0);

  return (
    <div data-testid="message-list" data-messages={messages}>
      {hasOlder ? (
        <button
          type="button"
          onClick={onLoadOlder}
          className="mx-auto mb-6 block rounded-full border border-border px-3 py-1 text-xs text-muted-foreground hover:bg-muted"
        >
          Load earlier messages
        </button>
      ) : null}
      {windowed ? (
        // While its script loads (hydration waits for it and keeps the server's HTML), every turn.
        <Suspense fallback={<AllTurns {...props} />}>
          <WindowedTurns {...props} />
        </Suspense>
      ) : (
        <AllTurns {...props} />
      )}
    </div>
  );
}

function AllTurns({ turns, renderTurn }: Pick<MessageListProps, 'turns' | 'renderTurn'>) {
  return (
    <div>
      {turns.map((turn, index) => (
        <TurnBox key={turn[0]!.message.id} index={index}>
          {renderTurn(turn)}
        </TurnBox>
      ))}
    </div>
  );
}

/** One turn. The gap after it is its own padding, so that a measurement of its height includes it. */
export function TurnBox({ index, children, ref }: { index: number; children: ReactNode; ref?: Ref<HTMLDivElement> }) {
  return (
    <div ref={ref} data-index={index} data-turn="" className="flex flex-col gap-6 pb-6">
      {children}
    </div>
  );
}
