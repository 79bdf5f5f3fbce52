/**
 * What the stand-in says when a test hasn't scripted the reply. The answers are
 * fixed (no randomness) so screenshots and assertions stay stable, and they are
 * chosen to exercise the chat UI: markdown, code blocks, tables, long text.
 */
import { parseDirectives } from './directives';
import { parseDocuments, type ParsedDocument } from '../attachments/document-block';
import type { ChatMessage } from './types';

const FENCE = '```';

const GREETING_REPLY = [
  "Hi! I'm the **built-in demo model** — a stand-in that runs inside this app, so you are not talking to qwen-turbo yet.",
  '',
  'To chat with **qwen-turbo** for real, set `AIMLAPI_API_KEY` (for example in `.env.local`) and restart the app.',
  '',
  'Meanwhile, try asking me for:',
  '',
  '- **markdown** — a tour of headings, lists, quotes and more',
  '- **code** — a fenced code block or two',
  '- **table** — a GitHub-flavoured markdown table',
  '- **long** — several paragraphs, to watch the stream scroll',
  '- **math** — formulas typeset with LaTeX',
].join('\n');

const MARKDOWN_REPLY = [
  '# Markdown sample',
  '',
  'This reply exercises the renderer: **bold**, *italic*, ***both***, ~~strikethrough~~ and `inline code`.',
  '',
  '## Lists',
  '',
  '- Streaming text arrives in small pieces',
  '- Markdown has to render while it is still incomplete',
  '  - including nested items',
  '',
  '1. Send a message',
  '2. Watch the tokens arrive',
  '3. Stop or regenerate whenever you like',
  '',
  '## A table',
  '',
  '| Element | Syntax | Rendered |',
  '| :-- | :-- | :-: |',
  '| Bold | `**text**` | **text** |',
  '| Italic | `*text*` | *text* |',
  '| Code | `` `code` `` | `code` |',
  '',
  '> A blockquote: the demo model always answers the same way, so what you see here is stable.',
  '',
  '### A code block',
  '',
  `${FENCE}ts`,
  'export function greet(name: string): string {',
  '  return `Hello, ${name}!`;',
  '}',
  FENCE,
  '',
  'That covers the common cases. Ask for **code**, a **table** or something **long** next.',
].join('\n');

const CODE_REPLY = [
  "Here is the same small function — summing the even numbers in a list — in two languages. Both skip odd values and add up the rest in one pass.",
  '',
  `${FENCE}ts`,
  'export function sumEven(values: readonly number[]): number {',
  '  return values.filter((n) => n % 2 === 0).reduce((sum, n) => sum + n, 0);',
  '}',
  '',
  'console.log(sumEven([1, 2, 3, 4])); // 6',
  FENCE,
  '',
  `${FENCE}python`,
  'def sum_even(values: list[int]) -> int:',
  '    return sum(n for n in values if n % 2 == 0)',
  '',
  '',
  'print(sum_even([1, 2, 3, 4]))  # 6',
  FENCE,
  '',
  'The TypeScript version uses `filter` and `reduce`; the Python one uses a generator expression, which never builds an intermediate list.',
].join('\n');

const TABLE_REPLY = [
  'Here is a comparison table:',
  '',
  '| Model | Context window | Strength | Speed |',
  '| :-- | --: | :-- | :-: |',
  '| qwen-turbo | 1,000,000 tokens | Fast, inexpensive everyday chat | ⚡⚡⚡ |',
  '| qwen-plus | 131,072 tokens | Balanced quality and cost | ⚡⚡ |',
  '| qwen-max | 32,768 tokens | Hardest reasoning tasks | ⚡ |',
  '| Demo model | — | Works offline, never changes | ⚡⚡⚡⚡ |',
  '',
  'The numbers are illustrative; check the provider’s model list for current limits.',
].join('\n');

const MATH_REPLY = [
  'The roots of $ax^2 + bx + c = 0$ (with $a \\neq 0$) are given by the quadratic formula:',
  '',
  '$$',
  'x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}',
  '$$',
  '',
  'The discriminant $\\Delta = b^2 - 4ac$ tells you how many real roots there are: two when $\\Delta > 0$, one when $\\Delta = 0$ and none when $\\Delta < 0$.',
].join('\n');

const LONG_REPLY = [
  'Streaming is what makes a chat with a language model feel alive. Instead of waiting for the whole answer to be generated, the server sends it a few characters at a time, as soon as each piece exists. The browser renders every fragment the moment it lands, so the first words appear within a fraction of a second even when the complete reply takes much longer to produce. That small change in timing turns a slow request into a conversation.',
  '',
  'Under the hood, the OpenAI-compatible protocol uses server-sent events. Each event is a line that starts with `data:` followed by a small JSON object, and a blank line ends the event. The first chunk announces the assistant role, the following chunks each carry a short piece of content, and a final chunk reports why generation stopped: either the model was done, or it reached the maximum number of tokens it was allowed to write. When usage reporting is switched on, one more chunk carries the token counts, and the literal line `data: [DONE]` closes the stream.',
  '',
  'A robust client has to handle everything that can go wrong along the way. The connection may drop halfway through an answer, a proxy may buffer the stream and deliver it in bursts, or the provider may answer with a rate limit and ask the client to retry after a few seconds. The user may also change their mind and press stop, in which case the client should hang up promptly so the server stops generating tokens that nobody will read and nobody should pay for.',
  '',
  'Rendering brings its own puzzles. Markdown arrives incomplete: a code fence opens long before it closes, a table grows one row at a time, and a link may be split right in the middle of its address. A good renderer shows the partial structure without flickering, keeps the scroll position pinned to the bottom while the user is reading along, and lets go of it the moment they scroll up to read something earlier in the conversation.',
  '',
  'This demo model exists so that all of these behaviours can be tried without a network connection or an API key. It always answers in the same way, which keeps tests repeatable, and it can be scripted to misbehave on purpose: to stall before the first byte, to stream slowly, to fail with a chosen status code, or to cut the connection at an exact point. Set an API key to talk to the real model whenever you are ready.',
].join('\n');

const LOREM_WORDS = [
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do',
  'eiusmod', 'tempor', 'incididunt', 'ut', 'labore', 'et', 'dolore', 'magna', 'aliqua', 'enim',
  'ad', 'minim', 'veniam', 'quis', 'nostrud', 'exercitation', 'ullamco', 'laboris', 'nisi', 'aliquip',
] as const;

/** Exactly `count` pieces of the form "word ", cycling through a fixed word list. */
export function loremTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${LOREM_WORDS[i % LOREM_WORDS.length]} `);
}

function mentions(text: string, pattern: RegExp): boolean {
  return pattern.test(text);
}

// Only a message that is (nearly) nothing but a greeting gets the intro; "hi, what is
// 2+2?" is a real question and is echoed instead.
const GREETING =
  /^(hi|hello|hey|hiya|howdy|hallo|hola|bonjour|greetings|yo|good (morning|afternoon|evening))\b[\s\p{P}\p{Emoji_Presentation}]*(\p{L}+[\s\p{P}\p{Emoji_Presentation}]*){0,2}$/iu;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function roleBreakdown(messages: readonly ChatMessage[]): string {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.role, (counts.get(message.role) ?? 0) + 1);
  return Array.from(counts, ([role, count]) => `${count} ${role}`).join(', ');
}

function echoReply(text: string, messages: readonly ChatMessage[]): string {
  const earlier = messages.length - 1;
  return [
    `You said: "${text}"`,
    '',
    `I'm the built-in demo model, so I can only repeat what I receive. ` +
      `This request carried ${plural(messages.length, 'message')} (${roleBreakdown(messages)}): ` +
      `${plural(earlier, 'earlier message')} of this conversation plus yours. ` +
      'Set `AIMLAPI_API_KEY` to chat with qwen-turbo instead.',
  ].join('\n');
}

/**
 * The demo answer to a conversation, picked from the last user message with its
 * directives stripped. Topic keywords win over greetings ("hello, show me a table"
 * gets the table).
 */
export function cannedReply(messages: readonly ChatMessage[]): string {
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  // Attached files arrive as document blocks (a project's in the system prompt, a message's
  // before its text); a word inside a document is not a request for a topic.
  const own = parseDocuments(lastUser?.content ?? '');
  const text = parseDirectives(own.rest).text;
  const system = parseDocuments(messages.find((m) => m.role === 'system')?.content ?? '');
  const documents = [...system.documents, ...own.documents];
  if (documents.length && !TOPIC.test(text)) return documentsReply(documents, system.rest);

  if (mentions(text, /\bmarkdown\b/i)) return MARKDOWN_REPLY;
  if (mentions(text, /\bcode\b/i)) return CODE_REPLY;
  if (mentions(text, /\btables?\b/i)) return TABLE_REPLY;
  if (mentions(text, /\blong\b/i)) return LONG_REPLY;
  if (mentions(text, /\b(math|formula|equation)s?\b/i)) return MATH_REPLY;
  if (text === '' || GREETING.test(text)) return GREETING_REPLY;
  return echoReply(text, messages);
}

const TOPIC = /\b(markdown|code|tables?|long|math|formula|equation)s?\b/i;

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * What the demo model makes of attached files: each one's name, size in words and first line, so
 * a person trying attachments (and every test) can see the whole text arrived, and in what order.
 */
function documentsReply(documents: readonly ParsedDocument[], instructions: string): string {
  const lines = [`I read ${plural(documents.length, 'document')}:`, ''];
  for (const d of documents) {
    const first = d.text.split('\n').find((line) => line.trim())?.trim() ?? '';
    const last = [...d.text.split('\n')].reverse().find((line) => line.trim())?.trim() ?? '';
    lines.push(`- **${d.name}**: ${plural(wordCount(d.text), 'word')}. First line: "${first.slice(0, 200)}". Last line: "${last.slice(0, 200)}".`);
  }
  if (instructions) lines.push('', `Instructions I was given: "${instructions.slice(0, 300)}"`);
  return lines.join('\n');
}
