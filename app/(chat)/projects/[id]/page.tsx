import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { ProjectView } from '@/components/projects/project-view';
import { idSchema } from '@/lib/chat/ids';
import { loadProject } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

type Props = { params: Promise<{ id: string }> };

// cache(): the metadata and the page of one request read the project once.
const load = cache(async (id: string) => (idSchema.safeParse(id).success ? loadProject(await appDb(), getConfig(), id) : undefined));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const project = await load((await params).id);
  return { title: project ? `${project.name} · Qwen Chat` : 'Not found · Qwen Chat' };
}

/** A project: its name, instructions, files and chats, all editable here. */
export default async function ProjectPage({ params }: Props) {
  const project = await load((await params).id);
  if (!project) notFound();
  return <ProjectView key={project.id} initial={project} />;
}
