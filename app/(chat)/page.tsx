import { connection } from 'next/server';
import { NewChat } from '@/components/chat/new-chat';
import { chatClientConfig } from '@/lib/chat/client-config';
import { newId } from '@/lib/chat/ids';
import { defaultSettings } from '@/lib/chat/turn';
import { newChatContext } from '@/lib/conversations';
import { getProject } from '@/db/projects';
import { appDb, getConfig } from '@/lib/server';

type Props = { searchParams: Promise<{ project?: string | string[] }> };

/**
 * A new conversation: it gets its id now and is stored when the first message is sent.
 * `?project=<id>` starts it inside that project (an unknown id: a plain new chat).
 */
export default async function NewChatPage({ searchParams }: Props) {
  await connection();
  const config = getConfig();
  const { project: projectParam } = await searchParams;
  const project = typeof projectParam === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(projectParam) ? await getProject(await appDb(), projectParam) : undefined;
  return (
    <NewChat
      key={project?.id ?? ''}
      serverId={newId()}
      {...chatClientConfig(config)}
      defaults={defaultSettings(config)}
      project={project ? { id: project.id, name: project.name } : undefined}
      context={await newChatContext(await appDb(), config, project?.id)}
    />
  );
}
