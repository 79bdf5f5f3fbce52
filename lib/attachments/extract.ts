// Text out of an attachment: plain text and code (UTF-8, UTF-16), PDF (unpdf, i.e. PDF.js) and DOCX
// (mammoth). Runs inside the extraction worker (extract-worker.ts), which Node loads directly with type
// stripping: erasable TypeScript only, sibling imports with their `.ts` extension, type-only imports
// marked `type`. The parsers are imported lazily, and left out of bundles (the ignore comments), so
// that the Next.js server, which imports this module only for ExtractionError (extraction-pool.ts),
// neither bundles nor loads them: they run only in the worker, which Node loads from node_modules.

import { fileKind, type FileKind } from './file-kind.ts';
import { safeFileName } from './file-name.ts';

export type ExtractionErrorCode = 'encrypted' | 'corrupt' | 'no_text' | 'binary' | 'unsupported';

export type ExtractionResult = {
  kind: FileKind;
  text: string;
  /** PDF only: how many pages the document has. */
  pages?: number;
};

/** Why an attachment could not be read; `message` is plain language for the user and names the file. */
export class ExtractionError extends Error {
  code: ExtractionErrorCode;

  constructor(code: ExtractionErrorCode, message: string) {
    super(message);
    this.name = 'ExtractionError';
    this.code = code;
  }
}

/** True for an ExtractionError, also one from another copy of this module (bundles, workers). */
export function isExtractionError(error: unknown): error is ExtractionError {
  return (
    error instanceof ExtractionError ||
    (error instanceof Error && error.name === 'ExtractionError' && typeof (error as { code?: unknown }).code === 'string')
  );
}

/** The standard user-facing messages, by code (`no_text` has two: scanned images, or nothing at all). */
export function extractionMessage(
  code: ExtractionErrorCode | 'scanned' | 'timeout' | 'memory' | 'failed',
  rawName: string,
): string {
  const name = safeFileName(rawName);
  switch (code) {
    case 'encrypted':
      return `${name} is password-protected; remove the password and attach it again.`;
    case 'scanned':
      return `${name} has no text layer (it looks like scanned images); this app reads text only.`;
    case 'no_text':
      return `${name} contains no text.`;
    case 'binary':
      return `${name} looks like a binary file, not text.`;
    case 'corrupt':
      return `${name} could not be read: the file is damaged or not a ${describeKind(rawName)}.`;
    case 'unsupported':
      return `${name}: this kind of file is not supported; attach text, code, CSV, JSON, HTML, PDF or DOCX.`;
    case 'timeout':
      return `${name} took too long to read; try a smaller or simpler file.`;
    case 'memory':
      return `${name} could not be read: it needs more memory than the server allows for one file.`;
    case 'failed':
      return `${name} could not be read: something went wrong while reading it.`;
  }
}

function describeKind(name: string): string {
  const kind = fileKind(name, '');
  return kind === 'pdf' ? 'PDF' : kind === 'docx' ? 'Word (.docx) document' : 'text file';
}

function fail(code: ExtractionErrorCode, name: string, variant?: 'scanned'): ExtractionError {
  return new ExtractionError(code, extractionMessage(variant ?? code, name));
}

/**
 * The text of an attachment. Throws ExtractionError (encrypted, corrupt, no_text, binary, unsupported);
 * the text is never cut short.
 */
export async function extractText(bytes: Uint8Array, name: string, mediaType: string): Promise<ExtractionResult> {
  const kind = fileKind(name, mediaType);
  if (kind === null) throw fail('unsupported', name);
  if (kind === 'pdf') return extractPdf(bytes, name);
  if (kind === 'docx') return extractDocx(bytes, name);
  const text = normaliseNewlines(decodeText(bytes, name)).trimEnd();
  if (text.trim() === '') throw fail('no_text', name);
  return { kind: 'text', text };
}

// ── plain text ───────────────────────────────────────────────────────────────────────────────────

// C0 controls other than tab, line feed, form feed, carriage return and escape (ANSI colours in logs),
// plus DEL and the C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f-\u009f]/g;
// More invalid UTF-8 sequences than this (as a share of characters) and the file is not UTF-8 text
// with a few stray bytes.
const MAX_INVALID_SHARE = 0.002;
// More control characters than this (as a share of characters) and the file is not text.
const MAX_CONTROL_SHARE = 0.01;
// In a legacy 8-bit text (Windows-1252) most characters are still ASCII.
const MAX_HIGH_BYTE_SHARE = 0.3;

function decodeText(bytes: Uint8Array, name: string): string {
  if (bytes.length === 0) throw fail('no_text', name);
  const utf16 = utf16Encoding(bytes);
  if (utf16 !== null) {
    const text = new TextDecoder(utf16).decode(bytes); // drops the BOM
    if (share(countOf(text, '\ufffd'), text.length) > MAX_INVALID_SHARE) throw fail('binary', name);
    return checkControls(text, name);
  }
  if (bytes.includes(0)) throw fail('binary', name);
  try {
    return checkControls(new TextDecoder('utf-8', { fatal: true }).decode(bytes), name); // drops the BOM
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
  }
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const invalid = countOf(lenient, '\ufffd') - countBytes(bytes, [0xef, 0xbf, 0xbd]);
  if (share(invalid, lenient.length) <= MAX_INVALID_SHARE) return checkControls(lenient, name);
  // Not UTF-8: a legacy 8-bit text (a CSV from an old spreadsheet), or binary.
  let high = 0;
  for (const byte of bytes) if (byte >= 0x80) high++;
  if (share(high, bytes.length) > MAX_HIGH_BYTE_SHARE) throw fail('binary', name);
  return checkControls(new TextDecoder('windows-1252').decode(bytes), name);
}

/** 'utf-16le' / 'utf-16be' from a BOM, or from the zero bytes of mostly-ASCII text without one. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    // FF FE 00 00 is UTF-32 LE, which is not supported (and then refused for its NUL bytes).
    return bytes.length >= 4 && bytes[2] === 0 && bytes[3] === 0 ? null : 'utf-16le';
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes.length < 4 || bytes.length % 2 !== 0) return null;
  const sample = Math.min(bytes.length, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (oddZeros / pairs > 0.4 && evenZeros / pairs < 0.02) return 'utf-16le';
  if (evenZeros / pairs > 0.4 && oddZeros / pairs < 0.02) return 'utf-16be';
  return null;
}

function checkControls(text: string, name: string): string {
  const controls = text.match(CONTROL)?.length ?? 0;
  if (share(controls, text.length) > MAX_CONTROL_SHARE) throw fail('binary', name);
  return text.replace(/^\ufeff/, '');
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function share(count: number, total: number): number {
  return total === 0 ? 0 : count / total;
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) count++;
  return count;
}

function countBytes(bytes: Uint8Array, sequence: number[]): number {
  let count = 0;
  for (let i = 0; i + sequence.length <= bytes.length; i++) {
    if (sequence.every((byte, j) => bytes[i + j] === byte)) count++;
  }
  return count;
}

/** Extracted document text: no control characters, no trailing spaces, at most one blank line in a row. */
function tidy(text: string): string {
  return normaliseNewlines(text)
    .replace(CONTROL, '')
    .replace(/[ \t\u00a0]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// ── PDF ──────────────────────────────────────────────────────────────────────────────────────────

function hasPdfHeader(bytes: Uint8Array): boolean {
  // The header may follow some junk, within the first 1024 bytes.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

function pdfError(error: unknown, name: string): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const errorName = (error as { name?: unknown } | null)?.name;
  if (errorName === 'PasswordException') return fail('encrypted', name);
  return fail('corrupt', name);
}

async function extractPdf(bytes: Uint8Array, name: string): Promise<ExtractionResult> {
  if (!hasPdfHeader(bytes)) throw fail('corrupt', name);
  const unpdf = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'unpdf');
  let pdf: Awaited<ReturnType<typeof unpdf.getDocumentProxy>>;
  try {
    // A copy: PDF.js may take over (detach) the buffer it is given.
    pdf = await unpdf.getDocumentProxy(bytes.slice(), { verbosity: 0, stopAtErrors: false });
  } catch (error) {
    throw pdfError(error, name);
  }
  try {
    const { totalPages, text } = await unpdf.extractText(pdf, { mergePages: false });
    const pages = text.map(tidy).filter((page) => page !== '');
    if (pages.length === 0) {
      throw fail('no_text', name, (await hasImages(pdf, unpdf)) ? 'scanned' : undefined);
    }
    return { kind: 'pdf', text: pages.join('\n\n'), pages: totalPages };
  } catch (error) {
    throw pdfError(error, name);
  } finally {
    await pdf.loadingTask.destroy().catch(() => {});
  }
}

type PdfDocument = Awaited<ReturnType<typeof import('unpdf').getDocumentProxy>>;

/** Whether any page paints an image (stops at the first one that does). */
async function hasImages(pdf: PdfDocument, unpdf: typeof import('unpdf')): Promise<boolean> {
  const { OPS } = await unpdf.getResolvedPDFJS();
  const imageOps = new Set<number>([
    OPS.paintImageXObject,
    OPS.paintImageXObjectRepeat,
    OPS.paintInlineImageXObject,
    OPS.paintInlineImageXObjectGroup,
    OPS.paintImageMaskXObject,
    OPS.paintImageMaskXObjectGroup,
    OPS.paintImageMaskXObjectRepeat,
    OPS.paintSolidColorImageMask,
  ]);
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const { fnArray } = await page.getOperatorList();
    page.cleanup();
    if (fnArray.some((op) => imageOps.has(op))) return true;
  }
  return false;
}

// ── DOCX ─────────────────────────────────────────────────────────────────────────────────────────

async function extractDocx(bytes: Uint8Array, name: string): Promise<ExtractionResult> {
  // A .docx is a zip archive: "PK\x03\x04".
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) {
    throw fail('corrupt', name);
  }
  const mammoth = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ 'mammoth')).default;
  let raw: string;
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    raw = result.value;
  } catch {
    throw fail('corrupt', name);
  }
  const text = tidy(raw);
  if (text === '') throw fail('no_text', name);
  return { kind: 'docx', text };
}
