import { connection } from 'next/server';
import { NewChat } from '@/components/chat/new-chat';
import { newId } from '@/lib/chat/ids';
import { getConfig } from '@/lib/server';

/** A new conversation: it gets its id now and is stored when the first message is sent. */
export default async function NewChatPage() {
  await connection();
  return <NewChat serverId={newId()} maxMessageChars={getConfig().MAX_MESSAGE_CHARS} />;
}
