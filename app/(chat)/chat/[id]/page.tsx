import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Chat } from '@/components/chat/chat';
import { idSchema } from '@/lib/chat/ids';
import { loadConversation } from '@/lib/conversations';
import { appDb, getConfig } from '@/lib/server';

type Props = { params: Promise<{ id: string }> };

function load(id: string) {
  return idSchema.safeParse(id).success ? loadConversation(appDb(), getConfig(), id) : undefined;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const conversation = load((await params).id);
  return { title: conversation ? `${conversation.title} · Qwen Chat` : 'Not found · Qwen Chat' };
}

export default async function ConversationPage({ params }: Props) {
  const { id } = await params;
  const conversation = load(id);
  if (!conversation) notFound();
  const resume = conversation.generating || conversation.messages.at(-1)?.metadata?.status === 'streaming';
  return (
    <Chat
      key={conversation.id}
      id={conversation.id}
      initialMessages={conversation.messages}
      isNew={false}
      resume={resume}
      maxMessageChars={getConfig().MAX_MESSAGE_CHARS}
      info={{ usage: conversation.usage, context: conversation.context }}
      hasOlder={conversation.hasOlder}
      settings={conversation.settings}
      defaults={conversation.defaults}
    />
  );
}
