'use client';

import { memo } from 'react';
import { messageText, type ChatUIMessage } from '@/lib/chat/ui-message';
import { Markdown } from './markdown';

const STATUS_LABEL: Partial<Record<string, string>> = {
  stopped: 'Stopped',
  error: 'Failed',
  interrupted: 'Interrupted',
};

/** One message. User text is shown as typed; assistant text is rendered as (sanitized) markdown. */
export const Message = memo(function Message({ message, streaming }: { message: ChatUIMessage; streaming: boolean }) {
  const text = messageText(message);
  const status = streaming ? 'streaming' : (message.metadata?.status ?? 'complete');

  if (message.role === 'user') {
    return (
      <div data-role="user" data-message-id={message.id} className="flex justify-end">
        <div className="max-w-[85%] rounded-2xl bg-muted px-4 py-2.5 text-[15px] leading-7 break-words whitespace-pre-wrap">
          {text}
        </div>
      </div>
    );
  }

  const usage = message.metadata?.usage;
  const label = STATUS_LABEL[status];
  return (
    <div data-role="assistant" data-message-id={message.id} data-status={status} className="min-w-0">
      {text ? (
        <Markdown text={text} streaming={streaming} />
      ) : streaming ? (
        <Thinking />
      ) : null}
      {!streaming && (label || usage?.completionTokens != null) ? (
        <p className="mt-2 flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
          {label ? (
            <span className="rounded-full border border-border px-2 py-0.5 font-medium" data-testid="message-status">
              {label}
            </span>
          ) : null}
          {usage?.completionTokens != null ? (
            <span title="Tokens reported by the model: prompt (of which cached) → completion">
              {usage.promptTokens ?? '?'} prompt{usage.cachedTokens ? ` (${usage.cachedTokens} cached)` : ''} ·{' '}
              {usage.completionTokens} completion tokens
            </span>
          ) : null}
        </p>
      ) : null}
    </div>
  );
});

function Thinking() {
  return (
    <div className="flex h-7 items-center gap-1" aria-label="Thinking" role="status">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          className="size-1.5 animate-bounce rounded-full bg-muted-foreground"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </div>
  );
}
