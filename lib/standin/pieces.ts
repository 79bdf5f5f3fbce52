/**
 * Splitting a reply into the content pieces that are streamed one per chunk.
 * The split must be lossless (joining the pieces gives the text back exactly),
 * and pieces should be token-sized so a client's incremental rendering sees
 * realistic fragments: half-open markdown, a code fence split across chunks, etc.
 */

/** Words longer than this are broken up, like a tokenizer splits rare words. */
const MAX_PIECE_GRAPHEMES = 8;
const LONG_WORD_STEP = 4;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function splitLongPiece(piece: string): string[] {
  // Split on grapheme boundaries so emoji and combining marks never reach the
  // client as broken halves (a real model never sends half a surrogate pair).
  const clusters = Array.from(graphemes.segment(piece), (segment) => segment.segment);
  if (clusters.length <= MAX_PIECE_GRAPHEMES) return [piece];
  const parts: string[] = [];
  for (let i = 0; i < clusters.length; i += LONG_WORD_STEP) {
    parts.push(clusters.slice(i, i + LONG_WORD_STEP).join(''));
  }
  return parts;
}

/**
 * Pieces in the style of BPE tokens: each word carries its leading whitespace
 * (" world", "\n\n##"), trailing whitespace is a final piece of its own, and long
 * words are cut into ~4-character parts.
 */
export function splitIntoPieces(text: string): string[] {
  const words = text.match(/\s*\S+|\s+/g) ?? [];
  return words.flatMap(splitLongPiece);
}
