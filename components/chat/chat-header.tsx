'use client';

import { DrawerButton } from '@/components/sidebar/drawer';
import { ThemeSelect } from '@/components/theme/theme-select';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatUsd } from '@/lib/cost';
import { PrintButton } from './print-conversation';

export type ConversationInfo = {
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number; costUsd: number; cacheSavedUsd: number };
  context: {
    tokens: number;
    budget: number;
    window: number;
    omitted: number;
    /** What every request carries whatever the history: the system prompt and the project's files. */
    fixedTokens: number;
  };
};

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** Above the messages: what the conversation has cost so far, how full the context is, and its settings. */
export function ChatHeader({
  info,
  context,
  draftTokens = 0,
  project,
  model,
  onOpenSettings,
  hasSettings,
  onPrint,
  printing = false,
}: {
  info?: ConversationInfo;
  /** The context of the next request (a new chat has it without info). */
  context?: ConversationInfo['context'];
  /** Tokens of the message being written, files included: shown in the gauge before Send. */
  draftTokens?: number;
  project?: { id: string; name: string };
  /** The model picker. */
  model?: ReactNode;
  onOpenSettings(): void;
  hasSettings: boolean;
  /** Print the whole conversation (or save it as a PDF). */
  onPrint?(): void;
  printing?: boolean;
}) {
  const next = context ? context.tokens + draftTokens : 0;
  const share = context ? Math.min(1, next / context.window) : 0;
  const total = info ? info.usage.promptTokens + info.usage.completionTokens : 0;
  const saved = info?.usage.cacheSavedUsd ?? 0;
  return (
    <header className="flex min-h-11 items-center justify-end gap-2 border-b border-border px-3 py-1.5 text-xs text-muted-foreground sm:gap-3 sm:px-4">
      <DrawerButton />
      {project ? (
        <Link
          href={`/projects/${project.id}`}
          data-testid="chat-project"
          className="mr-auto min-w-0 truncate rounded-md px-1.5 py-0.5 font-medium text-foreground hover:bg-muted"
          title="This chat's project: its instructions and files go first into every request"
        >
          {project.name}
        </Link>
      ) : null}
      {info ? (
        <span data-testid="usage-total" className="min-w-0 truncate" title={`${info.usage.promptTokens} prompt (${info.usage.cachedTokens} cached) + ${info.usage.completionTokens} completion tokens, all versions of every reply`}>
          {/* The count goes first when the header is short of room; the title always has it. */}
          <span className="hidden 2xl:inline">{compact.format(total)} tokens · </span>≈ {formatUsd(info.usage.costUsd)}
          {saved > 0 ? <span data-testid="chat-cache-saving"> · cache saved ≈ {formatUsd(saved)}</span> : null}
        </span>
      ) : null}
      {context ? (
        <span
          className="hidden shrink-0 items-center gap-1.5 sm:flex"
          title={`The next request will use about ${next} of ${context.window} tokens${draftTokens ? ` (${draftTokens} of them this message and its files)` : ''}${context.omitted ? `; ${context.omitted} older messages are left out` : ''}`}
        >
          <span className="sr-only">Context used</span>
          <meter
            data-testid="context-gauge"
            data-tokens={next}
            min={0}
            max={context.window}
            value={next}
            high={context.budget * 0.9}
            className="h-1.5 w-16"
          />
          <span>{share < 0.001 ? '<0.1' : (share * 100).toFixed(1)}% of {compact.format(context.window)}</span>
          {context.omitted ? <span data-testid="context-next-omitted">· {context.omitted} left out</span> : null}
        </span>
      ) : null}
      {model}
      {onPrint ? <PrintButton onPrint={onPrint} preparing={printing} /> : null}
      <ThemeSelect />
      <button
        type="button"
        onClick={onOpenSettings}
        className="inline-flex shrink-0 items-center gap-1 rounded-md p-1.5 hover:bg-muted hover:text-foreground sm:px-2 sm:py-1"
        aria-label="Conversation settings"
        title="Conversation settings"
      >
        <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
          <path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" />
        </svg>
        <span className="hidden sm:inline">Settings</span>
        {hasSettings ? <span aria-hidden="true">•</span> : null}
      </button>
    </header>
  );
}
