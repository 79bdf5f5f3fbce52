/** A user message and the replies after it, each with its position in the branch. */
export type Turn<T> = { message: T; index: number }[];

/**
 * Groups a branch's messages into turns. The chat lays out, measures and virtualises a long
 * conversation a turn at a time rather than a message at a time: half as many items to track.
 * A branch that starts with a reply (imported chats) gets a turn of its own for it.
 */
export function groupTurns<T extends { role: string }>(messages: readonly T[]): Turn<T>[] {
  const turns: Turn<T>[] = [];
  messages.forEach((message, index) => {
    const current = turns.at(-1);
    if (message.role === 'user' || !current) turns.push([{ message, index }]);
    else current.push({ message, index });
  });
  return turns;
}
