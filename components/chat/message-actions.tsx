'use client';

import type { ReactNode } from 'react';


export type BranchControls = { index: number; count: number; onPrevious(): void; onNext(): void };

/**
 * The small row under a message: version switcher, copy, edit or regenerate. They stay enabled
 * while a reply is written; the chat's handlers answer with a notice then (components/chat/chat.tsx).
 */
export function MessageActions({
  branch,
  onCopy,
  onEdit,
  onRegenerate,
}: {
  branch?: BranchControls;
  onCopy(): void;
  onEdit?(): void;
  onRegenerate?(): void;
}) {
  return (
    <div className="mt-1 flex items-center gap-0.5 text-muted-foreground">
      {branch ? (
        <div className="mr-1 flex items-center text-xs tabular-nums" role="group" aria-label="Versions">
          <IconButton label="Previous version" onClick={branch.onPrevious} disabled={branch.index === 0}>
            <path d="M15 18l-6-6 6-6" />
          </IconButton>
          <span data-testid="version">
            {branch.index + 1} / {branch.count}
          </span>
          <IconButton label="Next version" onClick={branch.onNext} disabled={branch.index === branch.count - 1}>
            <path d="M9 18l6-6-6-6" />
          </IconButton>
        </div>
      ) : null}
      <IconButton label="Copy message" onClick={onCopy}>
        <rect x="9" y="9" width="11" height="11" rx="2" />
        <path d="M5 15V5a2 2 0 0 1 2-2h8" />
      </IconButton>
      {onEdit ? (
        <IconButton label="Edit message" onClick={onEdit}>
          <path d="M12 20h9" />
          <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
        </IconButton>
      ) : null}
      {onRegenerate ? (
        <IconButton label="Regenerate reply" onClick={onRegenerate}>
          <path d="M21 12a9 9 0 1 1-2.64-6.36" />
          <path d="M21 3v6h-6" />
        </IconButton>
      ) : null}
    </div>
  );
}

function IconButton({ label, onClick, disabled, children }: { label: string; onClick(): void; disabled?: boolean; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className="rounded-md p-1.5 hover:bg-muted hover:text-foreground disabled:opacity-40 disabled:hover:bg-transparent"
    >
      <svg width="15" height="15" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        {children}
      </svg>
    </button>
  );
}
