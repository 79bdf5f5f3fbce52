/**
 * How a file's text goes upstream: the whole document, in a block that names it, before the
 * message it was attached to (or, for a project's files, at the start of the system prompt).
 * The stand-in model reads the same blocks back (parseDocuments), so tests see what was sent.
 */
export function formatDocument(name: string, text: string): string {
  return `<document name="${name.replace(/"/g, "'")}">\n${text}\n</document>`;
}

export function formatDocuments(documents: { name: string; text: string }[]): string {
  return documents.map((d) => formatDocument(d.name, d.text)).join('\n\n');
}

/** A message's text with its documents before it. */
export function withDocuments(text: string, documents: { name: string; text: string }[]): string {
  if (documents.length === 0) return text;
  const blocks = formatDocuments(documents);
  return text ? `${blocks}\n\n${text}` : blocks;
}

/** Tokens a document block adds beyond its text's own estimate: the tags and the name. */
export function documentOverheadTokens(name: string): number {
  return 8 + Math.ceil(name.length / 4);
}

export type ParsedDocument = { name: string; text: string };

/** The document blocks in a prompt, in order, and the text outside them. */
export function parseDocuments(content: string): { documents: ParsedDocument[]; rest: string } {
  const documents: ParsedDocument[] = [];
  const rest = content.replace(/<document name="([^"]*)">\n([\s\S]*?)\n<\/document>/g, (_, name: string, text: string) => {
    documents.push({ name, text });
    return '';
  });
  return { documents, rest: rest.trim() };
}
