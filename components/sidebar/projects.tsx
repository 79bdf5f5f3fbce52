'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { lazy, Suspense, useEffect, useState, type ComponentProps } from 'react';
import { buttonStyles } from '@/components/ui/dialog';
import { projectStore, useProjects, type ProjectListItem } from './project-store';

// The dialogs are fetched when the browser is idle (or when one opens), not with the page.
const loadDialogs = () => import('./project-dialogs');
const LazyNewProject = lazy(() => loadDialogs().then((m) => ({ default: m.NewProjectDialog })));
const LazyMoveToProject = lazy(() => loadDialogs().then((m) => ({ default: m.MoveToProjectDialog })));
if (typeof window !== 'undefined') {
  const preload = () => void loadDialogs();
  if ('requestIdleCallback' in window) requestIdleCallback(preload, { timeout: 4000 });
  else setTimeout(preload, 2000);
}

/** The sidebar's projects: a link to each one's page, and "New project". */
export function SidebarProjects({ initialProjects }: { initialProjects: ProjectListItem[] }) {
  const projects = useProjects(initialProjects);
  const pathname = usePathname();
  const [creating, setCreating] = useState(false);

  useEffect(() => projectStore.hydrate(initialProjects), [initialProjects]);

  return (
    <section aria-labelledby="sidebar-projects-heading" className="px-2 pb-2">
      <div className="flex items-center justify-between pr-1 pl-2">
        <h2 id="sidebar-projects-heading" className="text-xs font-medium text-muted-foreground">
          Projects
        </h2>
        <button
          type="button"
          className={buttonStyles.ghost}
          aria-label="New project"
          title="New project"
          onClick={() => setCreating(true)}
        >
          <PlusIcon />
        </button>
      </div>
      {projects.length === 0 ? (
        <p className="px-2 pb-1 text-xs text-muted-foreground">Group chats with shared instructions and files.</p>
      ) : (
        <ul aria-label="Projects" className="max-h-40 overflow-y-auto">
          {projects.map((p) => {
            const active = pathname === `/projects/${p.id}`;
            return (
              <li key={p.id}>
                <Link
                  href={`/projects/${p.id}`}
                  aria-current={active ? 'page' : undefined}
                  title={p.name}
                  className={`flex items-center gap-2 rounded-lg px-2 py-1.5 text-sm ${active ? 'bg-accent' : 'hover:bg-muted'}`}
                >
                  <FolderIcon className="shrink-0 text-muted-foreground" />
                  <span className="min-w-0 truncate">{p.name}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
      {creating ? (
        <Suspense fallback={null}>
          <LazyNewProject onClose={() => setCreating(false)} />
        </Suspense>
      ) : null}
    </section>
  );
}

/**
 * "Move to project" for one conversation: the projects and "No project", opened on where it is now.
 */
export function MoveToProjectDialog(props: ComponentProps<typeof LazyMoveToProject>) {
  return (
    <Suspense fallback={null}>
      <LazyMoveToProject {...props} />
    </Suspense>
  );
}

export function FolderIcon({ className = 'shrink-0' }: { className?: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true" className={className}>
      <path d="M3 6a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2Z" />
    </svg>
  );
}

function PlusIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M12 5v14M5 12h14" />
    </svg>
  );
}
