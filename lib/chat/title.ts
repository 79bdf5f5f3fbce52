const MAX_TITLE = 60;

/**
 * A conversation's title from its first message: the first line, markdown punctuation and extra
 * space removed, cut at a word boundary. Instant and free, unlike asking the model.
 */
export function titleFromMessage(text: string): string {
  // Code fences say nothing about the topic; the first line of real text does.
  const firstLine = text.split('\n').find((l) => l.trim() !== '' && !/^\s*(```|~~~)/.test(l)) ?? '';
  const plain = firstLine
    .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+\.\s+)+/, '') // heading, quote or list marker
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // [text](url) → text
    .replace(/`+/g, '')
    .replace(/(\*\*|__|~~)(.+?)\1/g, '$2') // strong / strike-through pairs, keeping snake_case and a*b
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return 'New chat';
  if ([...plain].length <= MAX_TITLE) return plain;
  const cut = [...plain].slice(0, MAX_TITLE).join('');
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${(atWord.length >= MAX_TITLE / 2 ? atWord : cut).trimEnd()}…`;
}

export const titleSchemaLimits = { min: 1, max: 200 } as const;
