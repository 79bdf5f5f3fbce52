import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ProjectView } from '@/components/projects/project-view';
import { idSchema } from '@/lib/chat/ids';
import { loadProject } from '@/lib/projects';
import { appDb, getConfig } from '@/lib/server';

type Props = { params: Promise<{ id: string }> };

function load(id: string) {
  return idSchema.safeParse(id).success ? loadProject(appDb(), getConfig(), id) : undefined;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const project = load((await params).id);
  return { title: project ? `${project.name} · Qwen Chat` : 'Not found · Qwen Chat' };
}

/** A project: its name, instructions, files and chats, all editable here. */
export default async function ProjectPage({ params }: Props) {
  const project = load((await params).id);
  if (!project) notFound();
  return <ProjectView key={project.id} initial={project} />;
}
