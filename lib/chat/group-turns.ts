/**
 * Groups a branch's messages into turns: a user message and the replies after it. The chat lets
 * the browser skip off-screen turns (content-visibility) one turn at a time rather than one message
 * at a time: half as many boxes for it to track on every frame of a long chat.
 * A branch that starts with a reply (imported chats) gets a turn of its own for it.
 */
export function groupTurns<T extends { role: string }>(messages: readonly T[]): { message: T; index: number }[][] {
  const turns: { message: T; index: number }[][] = [];
  messages.forEach((message, index) => {
    const current = turns.at(-1);
    if (message.role === 'user' || !current) turns.push([{ message, index }]);
    else current.push({ message, index });
  });
  return turns;
}
