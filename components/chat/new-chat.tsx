'use client';

import { useSyncExternalStore } from 'react';
import { freshChatId, subscribeToNewChat } from './new-chat-store';
import type { ConversationSettings } from '@/lib/chat/settings';
import { Chat } from './chat';

export function NewChat({
  serverId,
  maxMessageChars,
  defaults,
}: {
  serverId: string;
  maxMessageChars: number;
  defaults: ConversationSettings;
}) {
  const id = useSyncExternalStore(subscribeToNewChat, () => freshChatId() ?? serverId, () => serverId);
  return (
    <Chat
      key={id}
      id={id}
      initialMessages={[]}
      isNew
      resume={false}
      maxMessageChars={maxMessageChars}
      settings={{}}
      defaults={defaults}
    />
  );
}
