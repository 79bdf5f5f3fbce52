'use client';

import { createContext, lazy, memo, Suspense, useContext, useState } from 'react';
import { AttachmentChip, attachmentDetail } from '@/components/attachments/attachment-chip';
import { markMarkdownReady } from '@/components/hydration';
import { cacheSaving, formatUsd, type Prices } from '@/lib/cost';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { copyText } from './copy';
import { MessageActions } from './message-actions';
import { ThinkingIndicator } from './thinking';

/**
 * The markdown renderer (Streamdown, Shiki) is most of the page's script: it loads on its own,
 * after the page, and a chat starts fetching it as soon as it mounts (`preloadMarkdown`).
 */
let loaded: typeof import('./markdown') | null = null;
/** Set once a chat has mounted in the browser: the page's server-rendered HTML has been hydrated. */
let hydrated = false;
const loadMarkdown = () =>
  import('./markdown').then((m) => {
    if (typeof window !== 'undefined') {
      loaded = m;
      markMarkdownReady();
    }
    return m;
  });
const LazyMarkdown = lazy(() => loadMarkdown().then((m) => ({ default: m.Markdown })));
/** Called by a chat once mounted (an effect: after hydration). */
export function preloadMarkdown(): void {
  hydrated = true;
  void loadMarkdown();
}

/**
 * Once the renderer has arrived, messages mounted later (another conversation opened) use it
 * directly: no suspense, so no frame of plain text that would change their height.
 */
function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  // Decided once per message, so a message never swaps one renderer tree for the other; while the
  // server's HTML is hydrated always the lazy tree, which is what the server rendered.
  const [direct] = useState(() => (hydrated ? loaded : null));
  if (direct) return <direct.Markdown text={text} streaming={streaming} />;
  return (
    <Suspense fallback={<PlainReply text={text} />}>
      <LazyMarkdown text={text} streaming={streaming} />
    </Suspense>
  );
}

/** Until the renderer has arrived: the text, without fence lines. */
function PlainReply({ text }: { text: string }) {
  return <div className="text-[15px] leading-7 break-words whitespace-pre-wrap">{text.replace(/^ {0,3}(`{3,}|~{3,}).*$\n?/gm, '')}</div>;
}

const STATUS_LABEL: Partial<Record<string, string>> = {
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
};

/** Prices by model (the default model's are the configured ones), for what the prompt cache saved on each reply. */
export const PricesContext = createContext<{ defaultModel: string; prices: Record<string, Prices> } | null>(null);

/** A reply's model's prices; one we have no prices for is counted at the default model's. */
function replyPrices(pricing: { defaultModel: string; prices: Record<string, Prices> }, model: string | null | undefined): Prices {
  return (model && pricing.prices[model]) || pricing.prices[pricing.defaultModel]!;
}

export type MessageHandlers = {
  /** False when refused (a reply is still being written). */
  onEdit(messageId: string, text: string): boolean;
  onRegenerate(messageId: string): void;
  onShowVersion(messageId: string): void;
};

/** One message. User text is shown as typed; assistant text is rendered as (sanitized) markdown. */
export const Message = memo(function Message({
  message,
  streaming,
  handlers,
}: {
  message: ChatUIMessage;
  streaming: boolean;
  handlers: MessageHandlers;
}) {
  const text = messageText(message);
  const status = streaming ? 'streaming' : (message.metadata?.status ?? 'complete');
  const [editing, setEditing] = useState(false);
  const pricing = useContext(PricesContext);
  const attachments = message.metadata?.attachments;
  const branch = message.metadata?.branch;
  const branchControls =
    branch && branch.count > 1
      ? {
          index: branch.index,
          count: branch.count,
          onPrevious: () => handlers.onShowVersion(branch.siblingIds[branch.index - 1]!),
          onNext: () => handlers.onShowVersion(branch.siblingIds[branch.index + 1]!),
        }
      : undefined;

  if (message.role === 'user') {
    return (
      // On wide screens the actions sit beside the bubble (shown on hover or focus), not in a row of their own.
      <div
        data-testid="user-turn"
        className="group flex flex-col items-end md:flex-row-reverse md:gap-1"
      >
        {editing ? (
          <EditBox
            initial={text}
            onCancel={() => setEditing(false)}
            onSave={(next) => {
              // Refused while a reply is being written: the edit box stays open with the text.
              if (handlers.onEdit(message.id, next)) setEditing(false);
            }}
          />
        ) : (
          <div className="flex max-w-[85%] min-w-0 flex-col items-end gap-1.5">
            {attachments?.length ? (
              <ul aria-label="Attached files" className="flex flex-wrap justify-end gap-1.5">
                {attachments.map((a, i) => (
                  <AttachmentChip key={`${a.id}-${i}`} name={a.name} detail={attachmentDetail(a)} />
                ))}
              </ul>
            ) : null}
            {text || !attachments?.length ? (
              <div
                data-role="user"
                data-message-id={message.id}
                className="max-w-full rounded-2xl bg-muted px-4 py-2.5 text-[15px] leading-7 break-words whitespace-pre-wrap"
              >
                {text}
              </div>
            ) : (
              // A message of files only: still one element per message for the list and for tests.
              <div data-role="user" data-message-id={message.id} className="sr-only">
                {attachments.map((a) => a.name).join(', ')}
              </div>
            )}
          </div>
        )}
        {!editing ? (
          <div className="shrink-0 opacity-100 motion-safe:transition-opacity md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
            <MessageActions
              branch={branchControls}
              onCopy={() => void copyText(text, 'Message copied')}
              onEdit={() => setEditing(true)}
            />
          </div>
        ) : null}
      </div>
    );
  }

  const usage = message.metadata?.usage;
  const label = STATUS_LABEL[status];
  const omitted = message.metadata?.contextOmitted ?? 0;
  return (
    <div
      data-testid="assistant-turn"
      data-status={status}
      className="group min-w-0"
    >
      {omitted > 0 ? (
        <p className="mb-2 text-xs text-muted-foreground" data-testid="context-omitted">
          {omitted} earlier {omitted === 1 ? 'message was' : 'messages were'} left out to fit the context window.
        </p>
      ) : null}
      {/* The message element itself holds only the reply, so its text is exactly what the model said. */}
      <div data-role="assistant" data-message-id={message.id} data-status={status}>
        {text ? <Markdown text={text} streaming={streaming} /> : null}
      </div>
      {streaming && !text ? <ThinkingIndicator /> : null}
      {streaming && text ? (
        // The room the usage line and the actions take once the reply ends, held while it streams, so
        // the reply does not jump up by their height at its end (the view is pinned to the bottom).
        <div aria-hidden="true" inert className="invisible">
          <p className="mt-2 flex items-center text-xs">&nbsp;</p>
          <MessageActions onCopy={() => undefined} onRegenerate={() => undefined} />
        </div>
      ) : null}
      {!streaming && (label || usage?.completionTokens != null) ? (
        <p className="mt-2 flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
          {label ? (
            <span className="rounded-full border border-border px-2 py-0.5 font-medium" data-testid="message-status">
              {label}
            </span>
          ) : null}
          {message.metadata?.model ? (
            <span data-testid="message-model" className="font-medium">
              {message.metadata.model}
            </span>
          ) : null}
          {usage?.completionTokens != null ? (
            <span data-testid="message-usage" title="Tokens reported by the model: prompt (of which cached) and completion">
              {usage.promptTokens ?? '?'} prompt{usage.cachedTokens ? ` (${usage.cachedTokens} cached)` : ''} ·{' '}
              {usage.completionTokens} completion tokens
            </span>
          ) : null}
          {usage?.cachedTokens && pricing ? (
            <span data-testid="message-cache-saving" title="What the cached prompt tokens saved, at this model's prices">
              · saved ≈ {formatUsd(cacheSaving(usage.cachedTokens, replyPrices(pricing, message.metadata?.model)))} by the prompt cache
            </span>
          ) : null}
        </p>
      ) : null}
      {!streaming ? (
        <MessageActions
          branch={branchControls}
          onCopy={() => void copyText(text, 'Reply copied')}
          onRegenerate={() => handlers.onRegenerate(message.id)}
        />
      ) : null}
    </div>
  );
});

function EditBox({ initial, onSave, onCancel }: { initial: string; onSave(text: string): void; onCancel(): void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="w-full max-w-[85%] rounded-2xl border border-border bg-card p-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onSave(value);
      }}
    >
      <textarea
        aria-label="Edit message"
        autoFocus
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (value.trim()) onSave(value);
          }
        }}
        rows={Math.min(10, Math.max(2, value.split('\n').length))}
        className="w-full resize-y bg-transparent px-2 py-1 text-[15px] leading-7 outline-none"
      />
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded-lg border border-border px-3 py-1 text-sm hover:bg-muted">
          Cancel
        </button>
        <button
          type="submit"
          disabled={!value.trim()}
          className="rounded-lg bg-primary px-3 py-1 text-sm font-medium text-primary-foreground disabled:opacity-50"
        >
          Save and send
        </button>
      </div>
    </form>
  );
}
