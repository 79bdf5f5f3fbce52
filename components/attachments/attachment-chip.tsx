'use client';

import { formatBytes } from '@/lib/attachments/format-bytes';

const tokensFormat = new Intl.NumberFormat('en');

export function formatTokens(tokens: number): string {
  return `${tokensFormat.format(tokens)} token${tokens === 1 ? '' : 's'}`;
}

function FileIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className="shrink-0">
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5" />
    </svg>
  );
}

/**
 * One attached file: its name and what it costs in the context (tokens), or what is happening to
 * it (uploading), or why it was refused. Used in the composer and on sent messages.
 */
export function AttachmentChip({
  name,
  detail,
  error,
  over,
  progress,
  onRemove,
}: {
  name: string;
  /** Tokens (and pages/size) once read. */
  detail?: string;
  error?: string;
  /** It does not fit the context budget. */
  over?: boolean;
  /** 0–1 while uploading. */
  progress?: number;
  onRemove?(): void;
}) {
  const bad = Boolean(error) || over;
  return (
    <li
      data-testid="attachment-chip"
      data-state={error ? 'error' : progress !== undefined ? 'uploading' : over ? 'over' : 'ready'}
      className={`flex max-w-full min-w-0 items-center gap-2 rounded-lg border px-2 py-1 text-xs ${
        bad ? 'border-danger/50 bg-danger/10' : 'border-border bg-muted/50'
      }`}
    >
      <FileIcon />
      <span className="min-w-0">
        <span className="block max-w-56 truncate font-medium text-foreground" title={name}>
          {name}
        </span>
        {error ? (
          <span className="block text-danger" data-testid="attachment-error">
            {error}
          </span>
        ) : progress !== undefined ? (
          <span className="block text-muted-foreground">
            {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Reading the text…'}
          </span>
        ) : detail ? (
          <span className={`block ${over ? 'text-danger' : 'text-muted-foreground'}`} data-testid="attachment-tokens">
            {detail}
          </span>
        ) : null}
      </span>
      {onRemove ? (
        <button
          type="button"
          onClick={onRemove}
          aria-label={`Remove ${name}`}
          className="ml-1 rounded p-0.5 text-muted-foreground hover:bg-muted hover:text-foreground"
        >
          <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" aria-hidden="true">
            <path d="M18 6 6 18M6 6l12 12" />
          </svg>
        </button>
      ) : null}
    </li>
  );
}

export function attachmentDetail(info: { tokens: number; pages?: number | null; sizeBytes: number }): string {
  const parts = [formatTokens(info.tokens)];
  if (info.pages) parts.push(`${info.pages} page${info.pages === 1 ? '' : 's'}`);
  parts.push(formatBytes(info.sizeBytes));
  return parts.join(' · ');
}
