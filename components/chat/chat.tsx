'use client';

import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useEffect, useMemo, useRef, useState } from 'react';
import { friendlyChatError } from '@/components/api-error';
import { conversationStore } from '@/components/sidebar/conversation-store';
import { titleFromMessage } from '@/lib/chat/title';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { Composer, type ComposerHandle } from './composer';
import { Message } from './message';
import { useStickToBottom } from './use-stick-to-bottom';

export type ChatProps = {
  id: string;
  initialMessages: ChatUIMessage[];
  /** The conversation does not exist yet; it is created by its first message. */
  isNew: boolean;
  /** A reply is being generated on the server: rejoin its stream on mount. */
  resume: boolean;
  maxMessageChars: number;
};

export function Chat({ id, initialMessages, isNew, resume, maxMessageChars }: ChatProps) {
  const composer = useRef<ComposerHandle>(null);
  const created = useRef(!isNew);
  const { scrollRef, contentRef, atBottom, scrollToBottom } = useStickToBottom();

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: '/api/chat',
        // The server keeps the history; send only what is new.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => {
          const last = messages.at(-1);
          return {
            body:
              trigger === 'submit-message' && last
                ? { id, trigger, message: { id: last.id, role: 'user', parts: last.parts } }
                : { id, trigger, messageId },
          };
        },
      }),
    [],
  );

  const { messages, sendMessage, regenerate, stop, status, error, setMessages, clearError } = useChat<ChatUIMessage>({
    id,
    messages: initialMessages,
    transport,
    resume,
    throttle: 40,
    onFinish: () => conversationStore.touch(id),
  });

  const busy = status === 'submitted' || status === 'streaming';
  const last = messages.at(-1);
  const storedFailure =
    !busy && last?.role === 'assistant' && (last.metadata?.status === 'error' || last.metadata?.status === 'interrupted')
      ? (last.metadata.error ?? 'The reply failed.')
      : null;
  const failure = error ? friendlyChatError(error) : storedFailure;

  useEffect(() => {
    if (!busy) composer.current?.focus();
  }, [busy]);

  function send(text: string) {
    if (!created.current) {
      created.current = true;
      // Show the conversation's own URL without remounting this page, so the stream carries on.
      window.history.replaceState(null, '', `/chat/${id}`);
      const now = Date.now();
      conversationStore.upsert({ id, title: titleFromMessage(text), createdAt: now, updatedAt: now });
    } else {
      conversationStore.touch(id);
    }
    clearError();
    scrollToBottom();
    void sendMessage({ text });
  }

  function stopReply() {
    // Stop is explicit: tell the server to abort the upstream call and keep the text so far.
    void fetch(`/api/chat/${id}/stop`, { method: 'POST' }).catch(() => undefined);
    void stop();
    setMessages((current) =>
      current.map((m, i) =>
        i === current.length - 1 && m.role === 'assistant' ? { ...m, metadata: { ...m.metadata, status: 'stopped' } } : m,
      ),
    );
  }

  function retry() {
    clearError();
    const lastMessage = messages.at(-1);
    if (lastMessage?.role === 'assistant') {
      void regenerate({ messageId: lastMessage.id });
    } else if (lastMessage?.role === 'user') {
      // The request never got a reply started (e.g. the server was unreachable): send it again.
      const text = messageText(lastMessage);
      setMessages(messages.slice(0, -1));
      void sendMessage({ text });
    }
  }

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div ref={scrollRef} className="relative min-h-0 flex-1 overflow-y-auto" data-testid="message-scroller">
        <div ref={contentRef} className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6">
          {messages.length === 0 ? <EmptyState /> : null}
          {messages.map((m, i) => (
            <Message key={m.id} message={m} streaming={busy && i === messages.length - 1 && m.role === 'assistant'} />
          ))}
          {status === 'submitted' && last?.role === 'user' ? (
            <div data-role="assistant" data-status="streaming" className="text-sm text-muted-foreground" role="status">
              Thinking…
            </div>
          ) : null}
          {failure ? (
            <div
              role="alert"
              className="flex items-start justify-between gap-3 rounded-xl border border-danger/40 bg-danger/10 px-4 py-3 text-sm"
            >
              <span>{failure}</span>
              <RetryButton onRetry={retry} retryAt={last?.role === 'assistant' ? last.metadata?.retryAt : undefined} />
            </div>
          ) : null}
        </div>
      </div>
      {!atBottom ? (
        <div className="pointer-events-none relative">
          <button
            type="button"
            onClick={() => scrollToBottom('smooth')}
            className="pointer-events-auto absolute -top-12 left-1/2 -translate-x-1/2 rounded-full border border-border bg-background px-3 py-1 text-xs shadow"
          >
            Jump to latest
          </button>
        </div>
      ) : null}
      <div className="px-4 pt-2 pb-4">
        <Composer ref={composer} busy={busy} onSend={send} onStop={stopReply} maxLength={maxMessageChars} />
        <p className="mt-2 text-center text-xs text-muted-foreground">Replies can be wrong. Check important facts.</p>
      </div>
    </div>
  );
}

/** Retry, held back with a countdown while the upstream's retry-after (429) has not passed. */
function RetryButton({ onRetry, retryAt }: { onRetry(): void; retryAt?: number }) {
  const [now, setNow] = useState(() => Date.now());
  const wait = retryAt ? Math.ceil((retryAt - now) / 1000) : 0;
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), 250);
    return () => clearTimeout(timer);
  }, [wait, now]);
  return (
    <button
      type="button"
      onClick={onRetry}
      disabled={wait > 0}
      aria-label="Retry"
      className="shrink-0 rounded-lg border border-border bg-background px-3 py-1 text-sm font-medium hover:bg-muted disabled:opacity-60"
    >
      {wait > 0 ? `Retry in ${wait} s` : 'Retry'}
    </button>
  );
}

function EmptyState() {
  return (
    <div className="mt-[18vh] text-center">
      <h1 className="text-2xl font-semibold tracking-tight">What can I help with?</h1>
      <p className="mt-2 text-sm text-muted-foreground">Ask anything. Your conversations stay on this machine.</p>
    </div>
  );
}
