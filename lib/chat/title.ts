const MAX_TITLE = 60;

/**
 * A conversation's title from its first message: the first line, markdown punctuation and extra
 * space removed, cut at a word boundary. Instant and free, unlike asking the model.
 */
export function titleFromMessage(text: string): string {
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const plain = firstLine
    .replace(/```+/g, '')
    .replace(/[#>*_`~[\]]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return 'New chat';
  if ([...plain].length <= MAX_TITLE) return plain;
  const cut = [...plain].slice(0, MAX_TITLE).join('');
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${(atWord.length >= MAX_TITLE / 2 ? atWord : cut).trimEnd()}…`;
}

export const titleSchemaLimits = { min: 1, max: 200 } as const;
