import { connection } from 'next/server';
import { NewChat } from '@/components/chat/new-chat';
import { newId } from '@/lib/chat/ids';
import { defaultSettings } from '@/lib/chat/turn';
import { getConfig } from '@/lib/server';

/** A new conversation: it gets its id now and is stored when the first message is sent. */
export default async function NewChatPage() {
  await connection();
  const config = getConfig();
  return <NewChat serverId={newId()} maxMessageChars={config.MAX_MESSAGE_CHARS} defaults={defaultSettings(config)} />;
}
