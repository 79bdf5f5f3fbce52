import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { Chat } from '@/components/chat/chat';
import { idSchema } from '@/lib/chat/ids';
import { loadConversation } from '@/lib/conversations';
import { appDb, getConfig } from '@/lib/server';
import { chatClientConfig } from '@/lib/chat/client-config';

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ m?: string | string[] }> };

/** `include`: a message to open at (a search result, ?m=), loaded even when older than the first page. */
// cache(): the metadata and the page of one request read the conversation once.
const load = cache(async (id: string, include?: string) =>
  idSchema.safeParse(id).success ? loadConversation(await appDb(), getConfig(), id, { include }) : undefined,
);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const conversation = await load((await params).id);
  return { title: conversation ? `${conversation.title} · Qwen Chat` : 'Not found · Qwen Chat' };
}

export default async function ConversationPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { m } = await searchParams;
  const conversation = await load(id, typeof m === 'string' ? m : undefined);
  if (!conversation) notFound();
  const resume = conversation.generating || conversation.messages.at(-1)?.metadata?.status === 'streaming';
  return (
    <Chat
      key={conversation.id}
      id={conversation.id}
      initialMessages={conversation.messages}
      isNew={false}
      resume={resume}
      {...chatClientConfig(getConfig())}
      project={conversation.project ?? undefined}
      info={{ usage: conversation.usage, context: conversation.context }}
      hasOlder={conversation.hasOlder}
      settings={conversation.settings}
      defaults={conversation.defaults}
    />
  );
}
