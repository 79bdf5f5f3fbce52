'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { readApiError } from '@/components/api-error';
import { toast } from '@/components/toast';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import { projectStore, useProjects, type ProjectListItem } from './project-store';

// The sidebar's project dialogs, kept out of the page's first script (components/sidebar/projects.tsx
// loads this module when the browser is idle, or when a dialog opens).

/** Longest project name the server accepts (lib/projects.ts). */
const MAX_NAME_CHARS = 100;

export function NewProjectDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const router = useRouter();

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const res = await fetch('/api/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      if (!res.ok) throw new Error(await readApiError(res));
      const project = (await res.json()) as ProjectListItem;
      projectStore.upsert({ id: project.id, name: project.name, updatedAt: project.updatedAt });
      onClose();
      toast.success('Project created');
      router.push(`/projects/${project.id}`);
    } catch (error) {
      toast.error(`Could not create the project: ${(error as Error).message}`);
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onOpenChange={(o) => (o ? undefined : onClose())}
      title="New project"
      description="A project keeps instructions and files that every chat in it gets."
    >
      <form onSubmit={create} className="space-y-4">
        <label className="block text-sm">
          <span className="mb-1 block text-muted-foreground">Name</span>
          <input
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={MAX_NAME_CHARS}
            className="w-full rounded-lg border border-border bg-background px-3 py-2 text-sm"
          />
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={buttonStyles.primary} disabled={busy || !name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * "Move to project" for one conversation: a list of the projects and "No project". The current
 * choice is read from the conversation first, so the dialog opens on where it is now.
 */
export function MoveToProjectDialog({ conversation, onClose }: { conversation: { id: string; title: string }; onClose(): void }) {
  const projects = useProjects();
  /** undefined while loading where the conversation is now. */
  const [current, setCurrent] = useState<string | null | undefined>(undefined);
  const [choice, setChoice] = useState('');
  const touched = useRef(false);
  const [busy, setBusy] = useState(false);
  const pathname = usePathname();
  const router = useRouter();

  useEffect(() => {
    const controller = new AbortController();
    fetch(`/api/conversations/${encodeURIComponent(conversation.id)}?limit=1`, { signal: controller.signal })
      .then((res) => (res.ok ? (res.json() as Promise<{ projectId?: string | null }>) : null))
      .then((body) => {
        setCurrent(body?.projectId ?? null);
        if (!touched.current) setChoice(body?.projectId ?? '');
      })
      .catch(() => {
        if (!controller.signal.aborted) setCurrent(null);
      });
    return () => controller.abort();
  }, [conversation.id]);

  async function move(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const projectId = choice || null;
      const res = await fetch(`/api/conversations/${encodeURIComponent(conversation.id)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ projectId }),
      });
      if (!res.ok) throw new Error(await readApiError(res));
      onClose();
      const target = projects.find((p) => p.id === projectId);
      toast.success(target ? `Moved to ${target.name}` : 'Moved out of the project');
      // A project page lists its chats: show the move there.
      if (pathname.startsWith('/projects/')) router.refresh();
    } catch (error) {
      toast.error(`Could not move: ${(error as Error).message}`);
      setBusy(false);
    }
  }

  const known = current === undefined || current === null || projects.some((p) => p.id === current);
  return (
    <Dialog
      open
      onOpenChange={(o) => (o ? undefined : onClose())}
      title="Move to project"
      description={`Where “${conversation.title}” belongs. A project's instructions and files go into every request of its chats.`}
    >
      <form onSubmit={move} className="space-y-4">
        <label className="block text-sm">
          <span className="mb-1 block text-muted-foreground">Project</span>
          <select
            autoFocus
            value={choice}
            onChange={(e) => {
              touched.current = true;
              setChoice(e.target.value);
            }}
            className="w-full rounded-lg border border-border bg-background px-3 py-2 text-sm"
          >
            <option value="">No project</option>
            {!known && current ? <option value={current}>Current project</option> : null}
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={buttonStyles.primary}
            disabled={busy || current === undefined || choice === (current ?? '')}
          >
            Move
          </button>
        </div>
      </form>
    </Dialog>
  );
}
