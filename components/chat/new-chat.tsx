'use client';

import { useSyncExternalStore } from 'react';
import type { ConversationSettings } from '@/lib/chat/settings';
import { Chat } from './chat';

/**
 * "New chat" must give a fresh conversation even when the router reuses the cached page for `/`
 * (which it does after the previous new chat moved the URL to /chat/<id> in place). Each press
 * therefore mints a new id on the client; the server-issued id serves the first render.
 */
let freshId: string | null = null;
const listeners = new Set<() => void>();

export function startNewChat(): void {
  freshId = crypto.randomUUID();
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function NewChat({
  serverId,
  maxMessageChars,
  defaults,
}: {
  serverId: string;
  maxMessageChars: number;
  defaults: ConversationSettings;
}) {
  const id = useSyncExternalStore(subscribe, () => freshId ?? serverId, () => serverId);
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
