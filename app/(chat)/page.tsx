import { connection } from 'next/server';
import { Chat } from '@/components/chat/chat';
import { newId } from '@/lib/chat/ids';
import { getConfig } from '@/lib/server';

/** A new conversation: it gets its id now and is stored when the first message is sent. */
export default async function NewChatPage() {
  await connection();
  const id = newId();
  return <Chat key={id} id={id} initialMessages={[]} isNew resume={false} maxMessageChars={getConfig().MAX_MESSAGE_CHARS} />;
}
