/**
 * A first guess at how tall a message will be on screen, before the browser has laid it out. A long
 * chat renders only the turns near the view and reserves this much room for each of the others, so
 * a close guess keeps the scrollbar honest and the correction small when a turn is finally measured.
 *
 * The figures follow the chat column (components/chat): 15 px text on 28 px lines, a column about
 * 736 px wide, user text in a bubble of 85 % of it, a usage line and actions under each reply.
 */
const LINE_PX = 28;
/** Characters on one wrapped line: a reply spans the column; a user bubble 85 % of it, less padding. */
const REPLY_CHARS_PER_LINE = 90;
const USER_CHARS_PER_LINE = 72;
/** A blank line in a reply is a paragraph break: margins of about half a line. */
const PARAGRAPH_BREAK_PX = 14;
/** The bubble's padding; a reply's usage line and row of actions. */
const USER_CHROME_PX = 20;
const REPLY_CHROME_PX = 70;
/** Between the messages of a turn, and after the turn. */
export const TURN_GAP_PX = 24;

export function estimateMessageHeight(role: string, text: string): number {
  const perLine = role === 'user' ? USER_CHARS_PER_LINE : REPLY_CHARS_PER_LINE;
  let lines = 0;
  let breaks = 0;
  let start = 0;
  // One pass without splitting: a long chat has megabytes of text, and this runs for every turn
  // the list has not measured yet.
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const length = end - start;
    if (length === 0) breaks++;
    else lines += Math.ceil(length / perLine);
    start = end + 1;
  }
  lines = Math.max(lines, 1);
  return role === 'user'
    ? USER_CHROME_PX + lines * LINE_PX
    : REPLY_CHROME_PX + lines * LINE_PX + (text.length === 0 ? 0 : breaks * PARAGRAPH_BREAK_PX);
}

/** A turn: its messages one under the other, a gap after each. */
export function estimateTurnHeight(messageHeights: readonly number[]): number {
  let sum = 0;
  for (const h of messageHeights) sum += h + TURN_GAP_PX;
  return sum;
}
