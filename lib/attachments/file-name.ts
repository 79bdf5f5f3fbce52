// A file name from a browser or a multipart body, made safe to show, store and send back in a
// Content-Disposition header. Browser-safe and loaded by the extraction worker: no Node imports,
// erasable TypeScript only.

export const MAX_FILE_NAME_LENGTH = 180;
const FALLBACK = 'file';
// An extension longer than this is not worth keeping whole when the name has to be cut.
const MAX_KEPT_EXTENSION = 24;

// Line breaks and tabs become spaces; the other C0/C1 controls are dropped.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides, embeddings, isolates and marks (a name can otherwise show "txt.exe" as "exe.txt"),
// zero-width characters and the BOM.
const INVISIBLES = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// Not wanted inside a quoted header parameter.
const HEADER_UNSAFE = /[<>"]/g;

/**
 * The last path segment of `raw` (either separator), without control or bidi characters, with runs of
 * whitespace collapsed, at most 180 characters (the extension kept), never empty ('file').
 */
export function safeFileName(raw: string): string {
  let name = String(raw ?? '').normalize('NFC');
  name = name.replace(BREAKS, ' ').replace(CONTROLS, '').replace(INVISIBLES, '').replace(HEADER_UNSAFE, '');
  const segments = name.split(/[\\/]/);
  name = segments[segments.length - 1] ?? '';
  name = name.replace(/\s+/g, ' ').trim();
  // '.', '..', '...' and the like name a directory, not a file.
  if (/^[.\s]*$/.test(name)) return FALLBACK;
  name = capLength(name);
  return name === '' ? FALLBACK : name;
}

function capLength(name: string): string {
  const chars = Array.from(name); // code points: never cut a surrogate pair in half
  if (chars.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  const keep = ext.length > 1 && ext.length <= MAX_KEPT_EXTENSION && !/\s/.test(ext.join('')) ? ext : [];
  const base = chars
    .slice(0, MAX_FILE_NAME_LENGTH - keep.length)
    .join('')
    .trimEnd();
  return base + keep.join('');
}
