'use client';

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

export function subscribeToNewChat(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The id minted by the last "New chat", if any. */
export function freshChatId(): string | null {
  return freshId;
}
