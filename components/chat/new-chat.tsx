'use client';

import { useSyncExternalStore } from 'react';
import { freshChatId, subscribeToNewChat } from './new-chat-store';
import type { ConversationSettings } from '@/lib/chat/settings';
import { Chat, type ChatProject, type ChatProps } from './chat';

export function NewChat({
  serverId,
  maxMessageChars,
  defaults,
  project,
  context,
  attachmentLimits,
  prices,
  defaultModel,
}: {
  serverId: string;
  maxMessageChars: number;
  defaults: ConversationSettings;
  context: ChatProps['context'];
  attachmentLimits: ChatProps['attachmentLimits'];
  prices: ChatProps['prices'];
  defaultModel: string;
  /** A new chat inside this project (/?project=<id>). */
  project?: ChatProject;
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
      project={project}
      context={context}
      attachmentLimits={attachmentLimits}
      prices={prices}
      defaultModel={defaultModel}
    />
  );
}
