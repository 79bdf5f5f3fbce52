'use client';

import { useState } from 'react';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import type { ConversationListItem } from './conversation-store';

/** A sidebar entry's Export: Markdown (what you see) or JSON (every version, re-importable). */
export function ExportButton({ conversation }: { conversation: ConversationListItem }) {
  const [open, setOpen] = useState(false);
  const href = (format: 'md' | 'json') => `/api/conversations/${encodeURIComponent(conversation.id)}/export?format=${format}`;
  return (
    <>
      <button
        type="button"
        className={buttonStyles.ghost}
        aria-label={`Export ${conversation.title}`}
        title="Export"
        onClick={() => setOpen(true)}
      >
        <DownloadIcon />
      </button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Export conversation"
        description="Markdown has the messages you see. JSON has every version of every message and can be imported again."
      >
        <div className="flex justify-end gap-2">
          <a className={buttonStyles.secondary} href={href('md')} download onClick={() => setOpen(false)}>
            Markdown
          </a>
          <a className={buttonStyles.primary} href={href('json')} download onClick={() => setOpen(false)}>
            JSON
          </a>
        </div>
      </Dialog>
    </>
  );
}

function DownloadIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 3v12M7 10l5 5 5-5M5 21h14" />
    </svg>
  );
}
