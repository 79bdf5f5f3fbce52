'use client';

import { useRef, useState, type ChangeEvent } from 'react';
import { readApiError } from '@/components/api-error';
import { uploadFile } from '@/components/attachments/upload-file';
import { toast } from '@/components/toast';
import { buttonStyles } from '@/components/ui/dialog';
import { ACCEPT_ATTRIBUTE } from '@/lib/attachments/file-kind';
import { formatBytes } from '@/lib/attachments/format-bytes';
import type { ProjectDetail, ProjectFile } from '@/lib/projects';

/** A file being uploaded and added, or one that could not be (with why). */
type Pending = { key: number; name: string; progress: number; error: string | null };

let nextKey = 0;

/**
 * A project's files, in the order they open every request, with "Add files": each chosen file is
 * uploaded (POST /api/files) and then added to the project, in the order chosen. A file that fails
 * stays in the list with its reason; the others go on.
 */
export function ProjectFiles({ project, onChange }: { project: ProjectDetail; onChange(next: ProjectDetail): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<Pending[]>([]);
  const [removing, setRemoving] = useState<string | null>(null);

  const patch = (key: number, change: Partial<Pending>) =>
    setPending((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));
  const drop = (key: number) => setPending((list) => list.filter((p) => p.key !== key));

  async function onFiles(event: ChangeEvent<HTMLInputElement>) {
    const chosen = [...(event.target.files ?? [])];
    event.target.value = ''; // choosing the same file again still fires change
    if (chosen.length === 0) return;
    const entries = chosen.map((file) => ({ key: nextKey++, name: file.name, progress: 0, error: null }));
    setPending((list) => [...list, ...entries]);
    // Uploads run side by side; files are added in the order they were chosen.
    const uploads = chosen.map((file, i) => uploadFile(file, (share) => patch(entries[i]!.key, { progress: share })));
    let added = 0;
    for (const [i, upload] of uploads.entries()) {
      const { key } = entries[i]!;
      const result = await upload;
      if (!result.ok) {
        patch(key, { error: result.message });
        continue;
      }
      patch(key, { progress: 1 });
      try {
        const res = await fetch(`/api/projects/${encodeURIComponent(project.id)}/files`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fileId: result.file.id, name: result.file.name }),
        });
        if (!res.ok) throw new Error(await readApiError(res));
        onChange((await res.json()) as ProjectDetail);
        drop(key);
        added++;
      } catch (error) {
        patch(key, { error: `${result.file.name}: ${(error as Error).message}` });
      }
    }
    if (added) toast.success(added === 1 ? 'File added to the project' : `${added} files added to the project`);
  }

  async function remove(file: ProjectFile) {
    setRemoving(file.id);
    try {
      const res = await fetch(`/api/projects/${encodeURIComponent(project.id)}/files/${encodeURIComponent(file.id)}`, { method: 'DELETE' });
      if (!res.ok) throw new Error(await readApiError(res));
      onChange((await res.json()) as ProjectDetail);
      toast.success(`Removed ${file.name}`);
    } catch (error) {
      toast.error(`Could not remove ${file.name}: ${(error as Error).message}`);
    } finally {
      setRemoving(null);
    }
  }

  return (
    <section aria-labelledby="project-files-heading" className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h2 id="project-files-heading" className="text-sm font-semibold">
          Files
        </h2>
        <button type="button" className={buttonStyles.secondary} onClick={() => input.current?.click()}>
          Add files
        </button>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT_ATTRIBUTE}
          className="hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="project-file-input"
          onChange={(e) => void onFiles(e)}
        />
      </div>
      <p className="text-sm text-muted-foreground">
        Their whole text goes first into every request of this project’s chats, in this order. Text, code, PDF and Word files.
      </p>
      {project.files.length === 0 && pending.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border px-3 py-4 text-center text-sm text-muted-foreground">No files yet.</p>
      ) : (
        <ul aria-label="Project files" className="divide-y divide-border rounded-lg border border-border">
          {project.files.map((f) => (
            <li key={f.id} className="flex items-center gap-3 px-3 py-2">
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm" title={f.name}>
                  {f.name}
                </span>
                <span className="block text-xs text-muted-foreground" data-testid="project-file-tokens">
                  {f.tokens.toLocaleString('en')} tokens · {formatBytes(f.sizeBytes)}
                  {f.pages ? ` · ${f.pages} ${f.pages === 1 ? 'page' : 'pages'}` : ''}
                </span>
              </span>
              <button
                type="button"
                className={buttonStyles.secondary}
                aria-label={`Remove ${f.name}`}
                disabled={removing === f.id}
                onClick={() => void remove(f)}
              >
                Remove
              </button>
            </li>
          ))}
          {pending.map((p) => (
            <li key={p.key} className="flex items-center gap-3 px-3 py-2" data-testid="project-file-pending">
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm" title={p.name}>
                  {p.name}
                </span>
                {p.error ? (
                  <span role="alert" className="block text-xs text-danger">
                    {p.error}
                  </span>
                ) : (
                  <span className="block text-xs text-muted-foreground" role="status">
                    {p.progress < 1 ? `Uploading… ${Math.round(p.progress * 100)}%` : 'Reading…'}
                  </span>
                )}
              </span>
              {p.error ? (
                <button type="button" className={buttonStyles.secondary} aria-label={`Dismiss ${p.name}`} onClick={() => drop(p.key)}>
                  Dismiss
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
