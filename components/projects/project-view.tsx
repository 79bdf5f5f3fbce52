'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { readApiError } from '@/components/api-error';
import { startNewChat } from '@/components/chat/new-chat-store';
import { DrawerButton } from '@/components/sidebar/drawer';
import { projectStore } from '@/components/sidebar/project-store';
import { ThemeSelect } from '@/components/theme/theme-select';
import { toast } from '@/components/toast';
import { Dialog, buttonStyles } from '@/components/ui/dialog';
import type { ProjectDetail } from '@/lib/projects';
import { ProjectFiles } from './project-files';

/** Limits the server enforces (lib/projects.ts), so the fields stop where it would refuse. */
const MAX_NAME_CHARS = 100;
const MAX_INSTRUCTIONS_CHARS = 100_000;

const normalName = (name: string) => name.replace(/\s+/g, ' ').trim();

/** PATCH /api/projects/:id; the updated project, or throws with the server's message. */
export async function patchProject(id: string, change: { name?: string; instructions?: string }): Promise<ProjectDetail> {
  const res = await fetch(`/api/projects/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  if (!res.ok) throw new Error(await readApiError(res));
  return (await res.json()) as ProjectDetail;
}

/**
 * A project's page: its name (edited in place), the instructions every chat in it gets, its files,
 * how much of a request they take, and its chats.
 */
export function ProjectView({ initial }: { initial: ProjectDetail }) {
  const [project, setProject] = useState(initial);
  const [name, setName] = useState(initial.name);
  const [instructions, setInstructions] = useState(initial.instructions);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const router = useRouter();

  // A refresh from the server (a chat moved in or out): take it, but keep what is being edited.
  const [seen, setSeen] = useState(initial);
  if (initial !== seen) {
    setSeen(initial);
    setProject(initial);
    if (name === project.name) setName(initial.name);
    if (instructions === project.instructions) setInstructions(initial.instructions);
  }

  function saved(next: ProjectDetail) {
    setProject(next);
    projectStore.upsert({ id: next.id, name: next.name, updatedAt: next.updatedAt });
  }

  async function saveName() {
    const next = normalName(name);
    if (!next || next === project.name) return setName(project.name);
    try {
      const updated = await patchProject(project.id, { name: next });
      saved(updated);
      setName(updated.name);
      toast.success('Project renamed');
    } catch (error) {
      setName(project.name);
      toast.error(`Could not rename: ${(error as Error).message}`);
    }
  }

  async function saveInstructions() {
    setSaving(true);
    try {
      const updated = await patchProject(project.id, { instructions });
      saved(updated);
      setInstructions(updated.instructions);
      toast.success('Instructions saved');
    } catch (error) {
      toast.error(`Could not save the instructions: ${(error as Error).message}`);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    setDeleting(true);
    try {
      const res = await fetch(`/api/projects/${encodeURIComponent(project.id)}`, { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw new Error(await readApiError(res));
      projectStore.remove(project.id);
      setConfirmDelete(false);
      toast.success('Project deleted');
      router.push('/');
    } catch (error) {
      toast.error(`Could not delete: ${(error as Error).message}`);
      setDeleting(false);
    }
  }

  const over = project.tokens > project.budget;
  const dirty = instructions !== project.instructions;
  const chats = project.conversationCount;

  return (
    <div className="flex h-full flex-col">
      <header className="flex min-h-11 items-center justify-end gap-2 border-b border-border px-3 py-1.5 text-xs text-muted-foreground sm:px-4">
        <DrawerButton />
        <ThemeSelect />
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto w-full max-w-3xl space-y-8 px-4 py-6 sm:px-6">
          <div className="space-y-3">
            <input
              aria-label="Project name"
              value={name}
              maxLength={MAX_NAME_CHARS}
              onChange={(e) => setName(e.target.value)}
              onBlur={() => void saveName()}
              onKeyDown={(e) => {
                if (e.key === 'Enter') e.currentTarget.blur();
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setName(project.name);
                }
              }}
              className="-mx-2 w-[calc(100%+1rem)] rounded-lg bg-transparent px-2 py-1 text-2xl font-semibold tracking-tight hover:bg-muted focus:bg-background"
            />
            <div className="flex flex-wrap items-center gap-2">
              <Link href={`/?project=${encodeURIComponent(project.id)}`} onClick={() => startNewChat()} className={buttonStyles.primary}>
                New chat in project
              </Link>
              <button type="button" className={`${buttonStyles.secondary} text-danger`} onClick={() => setConfirmDelete(true)}>
                Delete project
              </button>
            </div>
          </div>

          <section aria-labelledby="project-instructions-heading" className="space-y-2">
            <h2 id="project-instructions-heading" className="text-sm font-semibold">
              Instructions
            </h2>
            <p id="project-instructions-hint" className="text-sm text-muted-foreground">
              Told to the model at the start of every chat in this project, after the files and before a chat’s own system
              prompt.
            </p>
            <textarea
              aria-labelledby="project-instructions-heading"
              aria-describedby="project-instructions-hint"
              value={instructions}
              maxLength={MAX_INSTRUCTIONS_CHARS}
              rows={8}
              onChange={(e) => setInstructions(e.target.value)}
              placeholder="For example: You are helping with my thesis on coastal erosion. Cite the attached papers."
              className="block w-full resize-y rounded-lg border border-border bg-background px-3 py-2 text-sm placeholder:text-muted-foreground"
            />
            <div className="flex items-center justify-end gap-3">
              {dirty ? <span className="text-xs text-muted-foreground">Unsaved changes</span> : null}
              <button type="button" className={buttonStyles.primary} disabled={!dirty || saving} onClick={() => void saveInstructions()}>
                Save
              </button>
            </div>
          </section>

          <ProjectFiles project={project} onChange={saved} />

          <section aria-labelledby="project-context-heading" className="space-y-2">
            <h2 id="project-context-heading" className="text-sm font-semibold">
              Context
            </h2>
            <div className="flex items-center gap-3">
              <meter
                aria-label="Context a request starts with"
                min={0}
                max={project.budget}
                value={Math.min(project.tokens, project.budget)}
                high={project.budget * 0.9}
                className="h-1.5 w-32 shrink-0"
              />
              <p data-testid="project-tokens" className="text-sm text-muted-foreground">
                {project.tokens.toLocaleString('en')} of {project.budget.toLocaleString('en')} tokens
              </p>
            </div>
            {over ? (
              <p role="alert" className="text-sm text-danger">
                The instructions and files are more than a request can hold ({project.budget.toLocaleString('en')} tokens):
                chats in this project will fail. Remove a file or shorten the instructions.
              </p>
            ) : (
              <p className="text-sm text-muted-foreground">
                Every request in this project starts with these tokens; the rest of the budget is left for the chat.
              </p>
            )}
          </section>

          <section aria-labelledby="project-chats-heading" className="space-y-2">
            <h2 id="project-chats-heading" className="text-sm font-semibold">
              Chats{chats ? <span className="font-normal text-muted-foreground"> · {chats}</span> : null}
            </h2>
            {project.conversations.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                No chats yet. Start one with <em>New chat in project</em>, or move one here from the sidebar (<em>Move to project</em>).
              </p>
            ) : (
              <ul aria-label="Chats in this project" className="divide-y divide-border rounded-lg border border-border">
                {project.conversations.map((c) => (
                  <li key={c.id}>
                    <Link href={`/chat/${c.id}`} className="block truncate px-3 py-2 text-sm hover:bg-muted" title={c.title}>
                      {c.title}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            {chats > project.conversations.length ? (
              <p className="text-xs text-muted-foreground">The newest {project.conversations.length} are shown.</p>
            ) : null}
          </section>
        </div>
      </div>

      <Dialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title="Delete project?"
        description={`“${project.name}” will be deleted with its instructions and files. ${
          chats ? `Its ${chats === 1 ? 'chat is' : `${chats} chats are`} kept, outside any project.` : ''
        } This cannot be undone.`}
      >
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonStyles.secondary} onClick={() => setConfirmDelete(false)}>
            Cancel
          </button>
          <button type="button" className={buttonStyles.danger} onClick={() => void remove()} disabled={deleting}>
            Delete
          </button>
        </div>
      </Dialog>
    </div>
  );
}
