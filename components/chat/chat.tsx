'use client';

import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { toast } from '@/components/toast';
import { friendlyChatError, readApiError } from '@/components/api-error';
import { conversationStore } from '@/components/sidebar/conversation-store';
import { setDrawerOpen } from '@/components/sidebar/drawer';
import { startNewChat } from './new-chat-store';
import { markMounted } from '@/components/hydration';
import { groupTurns, type Turn } from '@/lib/chat/group-turns';
import { mergeNewestPage } from '@/lib/chat/merge-messages';
import type { ConversationSettings } from '@/lib/chat/settings';
import { titleFromMessage } from '@/lib/chat/title';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { Composer, type ComposerHandle } from './composer';
import { ChatHeader, type ConversationInfo } from './chat-header';
import { Message, preloadMarkdown, PricesContext, type MessageHandlers } from './message';
import type { AttachmentLimits } from '@/components/attachments/use-pending-attachments';
import type { Prices } from '@/lib/cost';
import type { AttachmentInfo } from '@/lib/chat/ui-message';
import { MessageList, type MessageListHandle } from './message-list';
import { SettingsDialog } from './settings-dialog';
import { ModelPicker } from './model-picker';
import { PrintView, usePrint } from './print-conversation';
import { ThinkingIndicator } from './thinking';
import { useScrollToMessage } from './use-scroll-to-message';
import { useStickToBottom } from './use-stick-to-bottom';

/** The project a chat belongs to: its instructions and files go first into every request. */
export type ChatProject = { id: string; name: string };

export type ChatProps = {
  id: string;
  initialMessages: ChatUIMessage[];
  /** The conversation does not exist yet; it is created by its first message. */
  isNew: boolean;
  /** A reply is being generated on the server: rejoin its stream on mount. */
  resume: boolean;
  maxMessageChars: number;
  /** Usage, cost and context of an existing conversation. */
  info?: ConversationInfo;
  /** Older messages exist before `initialMessages`; they load as the user scrolls up. */
  hasOlder?: boolean;
  settings: ConversationSettings;
  defaults: ConversationSettings;
  project?: ChatProject;
  /** How a request fits the context before anything is sent: for a new chat, which has no info yet. */
  context?: ConversationInfo['context'];
  attachmentLimits: AttachmentLimits;
  /** CHAT_MODEL: what a conversation that has not chosen one talks to. */
  defaultModel: string;
  /** USD per million tokens, by model (the default model's are the configured prices). */
  prices: Record<string, Prices>;
};

type Detail = ConversationInfo & {
  messages: ChatUIMessage[];
  hasOlder: boolean;
  settings: ConversationSettings;
  defaults: ConversationSettings;
};

export function Chat({ id, initialMessages, isNew, resume, maxMessageChars, ...props }: ChatProps) {
  const composer = useRef<ComposerHandle>(null);
  const router = useRouter();
  const created = useRef(!isNew);
  const awaitingTitle = useRef(false);
  const [info, setInfo] = useState(props.info);
  const [settings, setSettings] = useState(props.settings);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [hasOlder, setHasOlder] = useState(props.hasOlder ?? false);
  const [dragging, setDragging] = useState(false);
  /** Messages sent while a reply was being written: each goes when the one before it has ended. */
  const [queued, setQueued] = useState<QueuedMessage[]>([]);
  /** Tokens the message being written adds (its text and files): the gauge shows them before Send. */
  const [draftTokens, setDraftTokens] = useState(0);
  /** A finished reply's text, for screen readers: announced once, never token by token. */
  const [announcement, setAnnouncement] = useState('');
  const list = useRef<MessageListHandle>(null);
  const { scrollRef, contentRef, atBottom, scrollToBottom } = useStickToBottom(() => list.current?.syncScroll());

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: '/api/chat',
        // The server keeps the history; send only what is new.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body }) => {
          const last = messages.at(-1);
          return {
            body:
              trigger === 'submit-message' && last
                ? {
                    ...body,
                    id,
                    trigger,
                    message: {
                      id: last.id,
                      role: 'user',
                      parts: last.parts,
                      attachments: last.metadata?.attachments?.map((a) => ({ id: a.id, name: a.name })),
                    },
                  }
                : { id, trigger, messageId },
          };
        },
      }),
    [],
  );

  const { messages, sendMessage, regenerate, stop, status, error, setMessages, clearError, resumeStream } = useChat<ChatUIMessage>({
    id,
    messages: initialMessages,
    transport,
    resume,
    throttle: 40,
    onFinish: ({ isAbort, isError }) => {
      conversationStore.touch(id);
      // A new conversation's first reply: the model is now writing its title; show it once written.
      if (awaitingTitle.current && !isAbort && !isError) {
        awaitingTitle.current = false;
        void fetch(`/api/conversations/${id}/title`)
          .then((res) => (res.ok ? (res.json() as Promise<{ title: string }>) : undefined))
          .then((body) => body && conversationStore.rename(id, body.title))
          .catch(() => undefined);
      }
      // Stop refreshes once the server has stored the partial reply (see stopReply). After a failure
      // the local messages carry what the stored ones lack (the retry-after countdown).
      if (!isAbort) void refresh({ messages: !isError });
    },
  });

  const print = usePrint(id, messages, hasOlder);

  const statusRef = useRef(status);
  statusRef.current = status;
  const messagesRef = useRef(messages);
  messagesRef.current = messages;

  // A search result (?m=) opens at its message. One in this conversation older than what is loaded
  // comes with a new server page that starts just before it (this chat stays mounted): take it.
  const searchHit = useSearchParams().get('m');
  const hitLoaded = searchHit !== null && messages.some((m) => m.id === searchHit);
  useEffect(() => {
    if (!searchHit || hitLoaded || statusRef.current !== 'ready') return;
    if (!initialMessages.some((m) => m.id === searchHit)) return;
    setMessages(initialMessages);
    setHasOlder(props.hasOlder ?? false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialMessages, searchHit]);
  useScrollToMessage(list, hitLoaded ? searchHit : null);

  /** Re-reads the stored conversation: totals, context, and version info of new branches. */
  async function refresh({ messages: replaceMessages = true } = {}) {
    // The newest page only, laid over the messages on screen (loaded history stays loaded).
    const res = await fetch(`/api/conversations/${id}?limit=100`).catch(() => undefined);
    if (!res?.ok) return;
    const detail = (await res.json()) as Detail;
    setInfo({ usage: detail.usage, context: detail.context });
    if (replaceMessages && statusRef.current === 'ready') {
      const merged = mergeNewestPage(messagesRef.current, detail.messages, sameMessage);
      if (merged) {
        if (merged !== messagesRef.current) setMessages(merged);
      } else {
        setMessages(detail.messages);
        setHasOlder(detail.hasOlder);
      }
    }
  }

  // Another tab may send, regenerate or switch versions in this conversation: while idle and
  // visible, look every few seconds, and rejoin a reply being written elsewhere.
  useEffect(() => {
    if (!created.current && messages.length === 0) return;
    let cancelled = false;
    async function check() {
      if (cancelled || document.visibilityState !== 'visible' || statusRef.current !== 'ready') return;
      const res = await fetch(`/api/chat/${id}/active`).catch(() => undefined);
      if (!res?.ok || cancelled || statusRef.current !== 'ready') return;
      const state = (await res.json()) as { generating: boolean; messageId: string | null; leafId: string | null };
      const localLast = messagesRef.current.at(-1)?.id ?? null;
      if (state.generating) {
        await refresh();
        if (!cancelled && statusRef.current === 'ready') void resumeStream();
      } else if (state.leafId && state.leafId !== localLast) {
        await refresh();
      }
    }
    const timer = setInterval(() => void check(), 2500);
    const onVisible = () => void check();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, messages.length === 0]);

  // Keyboard: Esc stops a reply; Ctrl/Cmd+Shift+O starts a new chat; Ctrl/Cmd+K goes to search.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const mod = e.ctrlKey || e.metaKey;
      if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('[role="dialog"]')) {
        if (statusRef.current === 'streaming' || statusRef.current === 'submitted') {
          e.preventDefault();
          latest.current.stopReply();
        }
      } else if (mod && e.shiftKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        startNewChat();
        router.push('/');
      } else if (mod && !e.shiftKey && e.key.toLowerCase() === 'k') {
        const search = document.querySelector<HTMLInputElement>('input[aria-label="Search conversations"]');
        if (search) {
          e.preventDefault();
          // On a phone the search box is in the drawer, which must be visible before it takes focus.
          setDrawerOpen(true, () => {
            search.select();
            return search;
          });
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router]);

  const loadingOlder = useRef(false);
  /** Prepends the previous page of the branch, keeping the view where it was. */
  async function loadOlder() {
    const first = messagesRef.current[0];
    if (!first || !hasOlder || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const res = await fetch(`/api/conversations/${id}/messages?before=${encodeURIComponent(first.id)}&limit=100`);
      if (!res.ok) return;
      const page = (await res.json()) as { messages: ChatUIMessage[]; hasOlder: boolean };
      // Only when the list is still the one the page was asked for (a refresh may have replaced it).
      if (messagesRef.current[0]?.id === first.id) list.current?.keepViewOnPrepend();
      setMessages((current) => (current[0]?.id === first.id ? [...page.messages, ...current] : current));
      setHasOlder(page.hasOlder);
    } finally {
      loadingOlder.current = false;
    }
  }

  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !hasOlder) return;
    const onScroll = () => {
      if (el.scrollTop < 400) void latest.current.loadOlder();
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [hasOlder, scrollRef]);

  // Handlers stay one object for the chat's life so memoised messages don't re-render while streaming.
  // Nor does a reply starting or ending re-render them (a long chat has thousands): instead of
  // disabled buttons, an action asked for while a reply is being written says why it waits.
  const latest = useRef({ editMessage, regenerateFrom, showVersion, loadOlder, stopReply });
  latest.current = { editMessage, regenerateFrom, showVersion, loadOlder, stopReply };
  const handlers = useMemo<MessageHandlers>(() => {
    const whenIdle =
      <A extends unknown[]>(action: (...args: A) => void) =>
      (...args: A): boolean => {
        if (statusRef.current === 'submitted' || statusRef.current === 'streaming') {
          toast.info('A reply is still being written. Wait for it to finish, or press Stop.');
          return false;
        }
        action(...args);
        return true;
      };
    return {
      onEdit: whenIdle((messageId: string, text: string) => latest.current.editMessage(messageId, text)),
      onRegenerate: whenIdle((messageId: string) => latest.current.regenerateFrom(messageId)),
      onShowVersion: whenIdle((messageId: string) => void latest.current.showVersion(messageId)),
    };
  }, []);

  const busy = status === 'submitted' || status === 'streaming';
  const turns = useMemo(() => groupTurns(messages), [messages]);
  const last = messages.at(-1);
  const renderTurn = (turn: Turn<ChatUIMessage>) => (
    <>
      {turn.map(({ message: m, index: i }) => (
        <Message
          key={m.id}
          message={m}
          streaming={busy && i === messages.length - 1 && m.role === 'assistant' && isLive(m, status)}
          handlers={handlers}
        />
      ))}
      {/* Inside the turn, so it moves with it: a new turn is laid out a frame late. */}
      {status === 'submitted' && turn === turns.at(-1) && last?.role === 'user' ? <ThinkingIndicator /> : null}
    </>
  );
  const storedFailure =
    !busy && last?.role === 'assistant' && (last.metadata?.status === 'error' || last.metadata?.status === 'interrupted')
      ? (last.metadata.error ?? 'The reply failed.')
      : null;
  const failure = error ? friendlyChatError(error) : storedFailure;

  useEffect(() => {
    if (!busy) composer.current?.focus();
  }, [busy]);

  useEffect(() => {
    preloadMarkdown();
    markMounted('chat');
  }, []);

  // When a reply has finished (not stopped, not failed), screen readers hear it once, as rendered
  // (what a sighted reader sees), not its markdown source.
  const wasBusy = useRef(false);
  useEffect(() => {
    if (busy) {
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    const reply = messagesRef.current.at(-1);
    if (status !== 'ready' || reply?.role !== 'assistant' || reply.metadata?.status === 'stopped') return;
    // In idle time, once the finished reply has been laid out: reading innerText right after React's
    // commit forced a style and layout pass of the whole page inside the reply's last task.
    const read = () => {
      // A long chat renders only what is near the view: a reply the user scrolled away from is read
      // from its source.
      const el = document.querySelector<HTMLElement>(`[data-role="assistant"][data-message-id="${CSS.escape(reply.id)}"]`);
      const text = el?.innerText.replace(/\s+/g, ' ').trim();
      setAnnouncement(text || messageText(reply));
    };
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(read, { timeout: 1_000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(read, 100);
    return () => clearTimeout(timer);
  }, [busy, status]);

  /** From the composer: sent now, or queued while a reply is being written. */
  function submit(text: string, attachments: AttachmentInfo[]) {
    if (busy) {
      setQueued((current) => [...current, { key: `q${Date.now()}-${current.length}`, text, attachments }]);
      return;
    }
    send(text, attachments);
  }

  // A reply has ended: the next queued message goes. After a failure it waits (the alert offers
  // Retry; the queued message offers Send now).
  useEffect(() => {
    if (status !== 'ready' || queued.length === 0) return;
    const [next, ...rest] = queued;
    setQueued(rest);
    send(next!.text, next!.attachments);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, queued]);

  function send(text: string, attachments: AttachmentInfo[] = []) {
    if (!created.current) {
      created.current = true;
      awaitingTitle.current = true;
      // Show the conversation's own URL without remounting this page, so the stream carries on.
      window.history.replaceState(null, '', `/chat/${id}`);
      const now = Date.now();
      conversationStore.upsert({ id, title: titleFromMessage(text || attachments[0]?.name || ''), createdAt: now, updatedAt: now });
    } else {
      conversationStore.touch(id);
    }
    clearError();
    setAnnouncement('');
    scrollToBottom();
    composer.current?.focus();
    void sendMessage(
      { text, metadata: attachments.length ? { attachments } : undefined },
      isNew && messages.length === 0 ? { body: { settings, projectId: props.project?.id } } : undefined,
    );
  }

  /** An edit is a new version of the message beside the old one, answered afresh. */
  function editMessage(messageId: string, text: string) {
    const index = messages.findIndex((m) => m.id === messageId);
    if (index < 0 || busy) return;
    const parentId = index > 0 ? messages[index - 1]!.id : null;
    // The new version keeps the files of the one it replaces.
    const attachments = messages[index]!.metadata?.attachments;
    clearError();
    setMessages(messages.slice(0, index));
    scrollToBottom();
    void sendMessage({ text, metadata: attachments?.length ? { attachments } : undefined }, { body: { parentId } });
  }

  function regenerateFrom(messageId: string) {
    if (busy) return;
    clearError();
    void regenerate({ messageId });
  }

  async function showVersion(messageId: string) {
    const res = await fetch(`/api/conversations/${id}/branch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageId }),
    });
    if (!res.ok) return void toast.error(await readApiError(res));
    const detail = (await res.json()) as Detail;
    clearError();
    setMessages(detail.messages);
    setHasOlder(detail.hasOlder);
    setInfo({ usage: detail.usage, context: detail.context });
  }

  async function saveSettings(next: ConversationSettings) {
    if (!created.current) {
      // Sent with the first message; the model is chosen in the header, not in this dialog.
      setSettings(settings.model ? { ...next, model: settings.model } : next);
      return;
    }
    const patch = Object.fromEntries(
      (['systemPrompt', 'temperature', 'topP', 'maxTokens', 'presencePenalty', 'frequencyPenalty', 'seed'] as const).map((k) => [k, next[k] ?? null]),
    );
    const res = await fetch(`/api/conversations/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: patch }),
    });
    if (!res.ok) {
      toast.error(`Could not save the settings: ${await readApiError(res)}`);
      throw new Error('not saved');
    }
    setSettings(((await res.json()) as { settings: ConversationSettings }).settings);
    toast.success('Settings saved');
    void refresh();
  }

  /** The model picker: remembered per conversation (a new chat sends it with its first message). */
  async function chooseModel(model: string) {
    const chosen = model === props.defaultModel ? undefined : model;
    if (!created.current) {
      setSettings(({ model: _previous, ...rest }) => (chosen ? { ...rest, model: chosen } : rest));
      return;
    }
    const res = await fetch(`/api/conversations/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { model: chosen ?? null } }),
    });
    if (!res.ok) return void toast.error(`Could not change the model: ${await readApiError(res)}`);
    setSettings(((await res.json()) as { settings: ConversationSettings }).settings);
  }

  function stopReply() {
    // Stop is explicit: tell the server to abort the upstream call and keep the text so far.
    void fetch(`/api/chat/${id}/stop`, { method: 'POST' })
      .then(() => refresh())
      .catch(() => undefined);
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
      const attachments = lastMessage.metadata?.attachments;
      setMessages(messages.slice(0, -1));
      void sendMessage({ text, metadata: attachments?.length ? { attachments } : undefined });
    }
  }

  const context = info?.context ?? props.context;
  const pricing = useMemo(() => ({ defaultModel: props.defaultModel, prices: props.prices }), [props.defaultModel, props.prices]);
  const composerContext = useMemo(
    () => ({ fixedTokens: context?.fixedTokens ?? 0, budget: context?.budget ?? Infinity }),
    [context?.fixedTokens, context?.budget],
  );

  return (
    <PricesContext value={pricing}>
    <div
      className="relative flex h-full min-h-0 flex-col"
      onDragEnter={(e) => {
        if (e.dataTransfer.types.includes('Files')) setDragging(true);
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        composer.current?.addFiles([...e.dataTransfer.files]);
        composer.current?.focus();
      }}
    >
      {dragging ? (
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-2xl border-2 border-dashed border-primary bg-background/80 text-sm font-medium"
        >
          Drop files to attach them
        </div>
      ) : null}
      <ChatHeader
        info={info}
        context={context}
        draftTokens={draftTokens}
        project={props.project}
        model={<ModelPicker value={settings.model} defaultModel={props.defaultModel} onChange={(m) => void chooseModel(m)} />}
        onOpenSettings={() => setSettingsOpen(true)}
        hasSettings={Object.keys(settings).length > 0}
        onPrint={() => void print.printNow()}
        printing={print.preparing}
      />
      <PrintView title={print.title} messages={print.printMessages} omitted={print.omitted} />
      {settingsOpen ? (
        <SettingsDialog
          open
          onOpenChange={setSettingsOpen}
          settings={settings}
          defaults={props.defaults}
          onSave={saveSettings}
        />
      ) : null}
      <div ref={scrollRef} className="relative min-h-0 flex-1 overflow-y-auto" data-testid="message-scroller">
        <div ref={contentRef} className="mx-auto flex w-full max-w-3xl flex-col px-4 pt-6">
          {messages.length === 0 ? <EmptyState onPick={send} /> : null}
          <MessageList
            ref={list}
            turns={turns}
            scrollRef={scrollRef}
            renderTurn={renderTurn}
            hasOlder={hasOlder}
            onLoadOlder={() => void loadOlder()}
          />
          {failure ? (
            <div
              role="alert"
              className="mb-6 flex items-start justify-between gap-3 rounded-xl border border-danger/40 bg-danger/10 px-4 py-3 text-sm"
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
      {/* Screen readers hear each finished reply once, politely; the streaming message itself is not live. */}
      <div aria-live="polite" className="sr-only" data-testid="reply-announcer">
        {announcement}
      </div>
      <div className="px-4 pt-2 pb-4">
        {queued.length ? (
          <ul aria-label="Queued messages" className="mx-auto mb-2 flex w-full max-w-3xl flex-col gap-1.5">
            {queued.map((q) => (
              <li
                key={q.key}
                data-testid="queued-message"
                className="flex items-center gap-2 rounded-xl border border-dashed border-border px-3 py-1.5 text-sm"
              >
                <span className="shrink-0 text-xs font-medium text-muted-foreground">{status === 'error' ? 'Not sent yet' : 'Queued'}</span>
                <span className="min-w-0 flex-1 truncate" title={q.text}>
                  {q.text || q.attachments.map((a) => a.name).join(', ')}
                </span>
                {status === 'error' ? (
                  <button
                    type="button"
                    onClick={() => {
                      setQueued((current) => current.filter((c) => c.key !== q.key));
                      send(q.text, q.attachments);
                    }}
                    className="shrink-0 rounded-md border border-border px-2 py-0.5 text-xs hover:bg-muted"
                  >
                    Send now
                  </button>
                ) : null}
                <button
                  type="button"
                  aria-label={`Cancel queued message: ${q.text || q.attachments.map((a) => a.name).join(', ')}`}
                  onClick={() => setQueued((current) => current.filter((c) => c.key !== q.key))}
                  className="shrink-0 rounded-md px-2 py-0.5 text-xs text-muted-foreground hover:bg-muted hover:text-foreground"
                >
                  Cancel
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <Composer
          ref={composer}
          busy={busy}
          onSend={submit}
          onStop={stopReply}
          maxLength={maxMessageChars}
          limits={props.attachmentLimits}
          context={composerContext}
          onDraftTokens={setDraftTokens}
        />
        <p className="mt-2 text-center text-xs text-muted-foreground">Replies can be wrong. Check important facts.</p>
      </div>
    </div>
    </PricesContext>
  );
}

type QueuedMessage = { key: string; text: string; attachments: AttachmentInfo[] };

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

/** Ideas for a first message; each one is sent as it is. Each also has a demo-model answer. */
const SUGGESTIONS = [
  { title: 'Write some code', prompt: 'Write code for a function that sums the even numbers in a list, in TypeScript and Python.' },
  { title: 'Compare in a table', prompt: 'Compare qwen-turbo, qwen-plus and qwen-max in a table.' },
  { title: 'Explain with math', prompt: 'Explain the quadratic formula, with the math written out.' },
  { title: 'Go long', prompt: 'Give me a long explanation of how streaming replies work.' },
] as const;

function EmptyState({ onPick }: { onPick(prompt: string): void }) {
  return (
    <div className="mt-[8vh] text-center sm:mt-[14vh]">
      <h1 className="text-2xl font-semibold tracking-tight">What can I help with?</h1>
      <p className="mt-2 text-sm text-muted-foreground">Ask anything. Your conversations stay on this machine.</p>
      <ul aria-label="Suggestions" className="mx-auto mt-8 grid max-w-xl gap-2 text-left sm:grid-cols-2">
        {SUGGESTIONS.map((s) => (
          <li key={s.title}>
            <button
              type="button"
              onClick={() => onPick(s.prompt)}
              className="flex h-full w-full flex-col rounded-xl border border-border bg-card px-4 py-3 text-left transition-colors hover:bg-muted"
            >
              <span className="block text-sm font-medium">{s.title}</span>
              <span className="mt-0.5 block text-sm text-muted-foreground">{s.prompt}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Whether a stored copy of a message shows the same as the one on screen. */
function sameMessage(a: ChatUIMessage, b: ChatUIMessage): boolean {
  return a.role === b.role && JSON.stringify(a.parts) === JSON.stringify(b.parts) && JSON.stringify(a.metadata) === JSON.stringify(b.metadata);
}

/**
 * Whether the last reply is the one being written. While the page asks whether a reply is being
 * written elsewhere (status 'submitted'), the stored last reply is finished and keeps its actions;
 * a reply that has just started has no stored status yet.
 */
function isLive(message: ChatUIMessage, status: string): boolean {
  if (status === 'streaming') return true;
  const stored = message.metadata?.status;
  return stored === undefined || stored === 'streaming';
}
