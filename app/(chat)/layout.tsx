import { connection } from 'next/server';
import { DemoBanner } from '@/components/demo-banner';
import { Suspense } from 'react';
import { SidebarDrawer } from '@/components/sidebar/drawer';
import { SkipLink } from '@/components/skip-link';
import { Sidebar } from '@/components/sidebar/sidebar';
import { listPage } from '@/lib/conversations';
import { listAll as listProjects } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

export default async function ChatLayout({ children }: { children: React.ReactNode }) {
  await connection(); // always rendered per request: the history lives in the database
  const db = await appDb();
  const [page, projectRows] = await Promise.all([listPage(db, { limit: 50 }), listProjects(db)]);
  const projects = projectRows.map((p) => ({ id: p.id, name: p.name, updatedAt: p.updatedAt }));
  return (
    <div className="flex h-dvh overflow-hidden">
      <SkipLink />
      {/* Until the sidebar has streamed in, its width is held on wide screens, so the chat does not jump sideways. */}
      <Suspense fallback={<div aria-hidden="true" className="hidden h-dvh w-72 shrink-0 border-r border-border bg-sidebar md:block" />}>
        <SidebarDrawer>
          <Sidebar
            initialItems={page.conversations}
            initialCursor={page.nextCursor}
            initialPinned={page.pinned}
            initialProjects={projects}
            canSignOut={Boolean(getConfig().APP_PASSWORD)}
          />
        </SidebarDrawer>
      </Suspense>
      <main className="flex min-w-0 flex-1 flex-col">
        {getConfig().demo ? <DemoBanner /> : null}
        <div className="min-h-0 flex-1">{children}</div>
      </main>
    </div>
  );
}
