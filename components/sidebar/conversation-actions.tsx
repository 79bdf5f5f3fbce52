'use client';

import { useRouter, usePathname } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from '@/components/toast';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import { readApiError } from '@/components/api-error';
import { conversationStore, type ConversationListItem } from './conversation-store';
import { ExportButton } from './export-button';
import { FolderIcon, MoveToProjectDialog } from './projects';

/** Pin, rename, move to a project, export and delete for one sidebar entry; all but pin in a dialog. */
export function ConversationActions({ conversation }: { conversation: ConversationListItem }) {
  const [dialog, setDialog] = useState<'rename' | 'move' | 'delete' | null>(null);
  const [title, setTitle] = useState(conversation.title);
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  const pathname = usePathname();

  async function rename(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const res = await fetch(`/api/conversations/${conversation.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      if (!res.ok) throw new Error(await readApiError(res));
      const saved = (await res.json()) as ConversationListItem;
      conversationStore.rename(conversation.id, saved.title);
      setDialog(null);
      toast.success('Conversation renamed');
    } catch (error) {
      toast.error(`Could not rename: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  async function togglePin() {
    const pinned = !conversation.pinned;
    const res = await fetch(`/api/conversations/${conversation.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pinned }),
    });
    if (!res.ok) return void toast.error(`Could not ${pinned ? 'pin' : 'unpin'}: ${await readApiError(res)}`);
    conversationStore.setPinned(conversation, pinned);
    toast.success(pinned ? 'Pinned to the top' : 'Unpinned');
  }

  async function remove() {
    setBusy(true);
    try {
      const res = await fetch(`/api/conversations/${conversation.id}`, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(await readApiError(res));
      conversationStore.remove(conversation.id);
      setDialog(null);
      toast.success('Conversation deleted');
      if (pathname === `/chat/${conversation.id}`) router.push('/');
    } catch (error) {
      toast.error(`Could not delete: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {/*
        Over the end of the title, shown on hover or keyboard focus (always on touch screens, beside it).
        Five 24 px buttons: together under half the row, so the middle of the row is always the link
        (the padding between them lets clicks through to it).
      */}
      <div className="pointer-events-none absolute inset-y-0 right-0 flex items-center rounded-r-lg bg-inherit px-0.5 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 [@media(hover:none)]:static [@media(hover:none)]:opacity-100 [&_button]:pointer-events-auto [&_button]:p-[5px]">
        <button
          type="button"
          className={buttonStyles.ghost}
          aria-label={`${conversation.pinned ? 'Unpin' : 'Pin'} ${conversation.title}`}
          title={conversation.pinned ? 'Unpin' : 'Pin'}
          onClick={() => void togglePin()}
        >
          <PinIcon filled={Boolean(conversation.pinned)} />
        </button>
        <button
          type="button"
          className={buttonStyles.ghost}
          aria-label={`Rename ${conversation.title}`}
          title="Rename"
          onClick={() => {
            setTitle(conversation.title);
            setDialog('rename');
          }}
        >
          <PencilIcon />
        </button>
        <button
          type="button"
          className={buttonStyles.ghost}
          aria-label={`Move ${conversation.title} to project`}
          title="Move to project"
          onClick={() => setDialog('move')}
        >
          <FolderIcon />
        </button>
        <ExportButton conversation={conversation} />
        <button
          type="button"
          className={buttonStyles.ghost}
          aria-label={`Delete ${conversation.title}`}
          title="Delete"
          onClick={() => setDialog('delete')}
        >
          <TrashIcon />
        </button>
      </div>

      <Dialog open={dialog === 'rename'} onOpenChange={(o) => setDialog(o ? 'rename' : null)} title="Rename conversation">
        <form onSubmit={rename} className="space-y-4">
          <label className="block text-sm">
            <span className="mb-1 block text-muted-foreground">Title</span>
            <input
              autoFocus
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              maxLength={200}
              className="w-full rounded-lg border border-border bg-background px-3 py-2 text-sm"
            />
          </label>
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonStyles.secondary} onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button type="submit" className={buttonStyles.primary} disabled={busy || !title.trim()}>
              Save
            </button>
          </div>
        </form>
      </Dialog>

      {dialog === 'move' ? <MoveToProjectDialog conversation={conversation} onClose={() => setDialog(null)} /> : null}

      <Dialog
        open={dialog === 'delete'}
        onOpenChange={(o) => setDialog(o ? 'delete' : null)}
        title="Delete conversation?"
        description={`“${conversation.title}” and all of its messages will be deleted. This cannot be undone.`}
      >
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={() => setDialog(null)}>
            Cancel
          </button>
          <button type="button" className={buttonStyles.danger} onClick={remove} disabled={busy}>
            Delete
          </button>
        </div>
      </Dialog>
    </>
  );
}

function PinIcon({ filled }: { filled: boolean }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 17v5M9 3h6l-1 7 4 3v2H6v-2l4-3Z" />
    </svg>
  );
}

function PencilIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
    </svg>
  );
}

function TrashIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M3 6h18" />
      <path d="M8 6V4h8v2" />
      <path d="M19 6l-1 14H6L5 6" />
    </svg>
  );
}
