// Attachment fixtures built in memory, the same bytes on every run: PDFs (pdfkit), DOCX (docx) and the
// bad inputs the extractor must refuse. Used by the unit tests, the e2e suite (scripts/make-fixtures.ts
// writes them to disk) and the benchmarks. Test tooling only: pdfkit and docx are devDependencies.

import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { Document, Packer, Paragraph, TextRun } from 'docx';

// Fixed dates so that the output does not depend on the clock.
const FIXED_DATE = new Date('2024-01-02T03:04:05Z');

type PdfOptions = PDFKit.PDFDocumentOptions;

function renderPdf(options: PdfOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      autoFirstPage: false,
      size: 'A4',
      margin: 56,
      info: { Title: 'Fixture', Author: 'fixtures.ts', CreationDate: FIXED_DATE, ModDate: FIXED_DATE },
      ...options,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => {
      const out = Buffer.concat(chunks);
      resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    });
    doc.on('error', reject);
    try {
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

/** The text of report.pdf (scripts/make-fixtures.ts), one string per page. */
export const REPORT_PAGES: readonly string[] = [
  'Quarterly report for Acme\n\nRevenue rose in every region this quarter. The zebra budget grew by 42 percent.',
  'Outlook\n\nNext quarter the team expects steady growth and plans two new hires.',
];

/** The paragraphs of notes.docx (scripts/make-fixtures.ts). */
export const NOTES_PARAGRAPHS: readonly string[] = [
  'Meeting notes for Project Falcon',
  'Attendees: Ana, Ben and Chloe.',
  'The falcon launch moves to March.',
];

/** A PDF with one page per string (Helvetica 11 pt; keep each string to about a page). */
export function makeTextPdf(pages: readonly string[]): Promise<Uint8Array> {
  return renderPdf({}, (doc) => {
    for (const text of pages) {
      doc.addPage();
      doc.font('Helvetica').fontSize(11).text(text, { align: 'left' });
    }
  });
}

const WORDS = (
  'budget river lantern quarterly meadow signal harbor copper orbit ledger canyon velvet ' +
  'engine summit thistle beacon marble falcon cobalt prairie willow ember glacier compass ' +
  'harvest timber saddle crystal pepper violet anchor tundra maple quartz sparrow delta ' +
  'forecast revenue margin customer supplier contract invoice schedule milestone review ' +
  'the a of and to in for with on by from at over under between after before during'
).split(' ');

/** A small seeded PRNG (mulberry32): the same "random" text on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `words` words of varied text, in sentences, deterministic for a seed. */
export function fillerText(words: number, seed: number): string {
  const random = prng(seed);
  const sentences: string[] = [];
  let count = 0;
  while (count < words) {
    const length = 6 + Math.floor(random() * 10);
    const sentence: string[] = [];
    for (let i = 0; i < length; i++) sentence.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'word');
    const first = sentence[0] ?? 'word';
    sentence[0] = first.charAt(0).toUpperCase() + first.slice(1);
    sentences.push(`${sentence.join(' ')}.`);
    count += length;
  }
  return sentences.join(' ');
}

/** The text of page `n` of makeLongPdf: "Page n." then about 400 words. */
export function longPdfPageText(n: number): string {
  return `Page ${n}. ${fillerText(400, n)}`;
}

/** A `pageCount`-page PDF; page N starts with the marker "Page N." followed by ~400 words (10 pt). */
export function makeLongPdf(pageCount: number): Promise<Uint8Array> {
  return renderPdf({}, (doc) => {
    for (let n = 1; n <= pageCount; n++) {
      doc.addPage();
      doc.font('Helvetica').fontSize(10).text(longPdfPageText(n));
    }
  });
}

/** A PDF that needs the user password "secret" to open (RC4, like many real-world protected PDFs). */
export function makeEncryptedPdf(): Promise<Uint8Array> {
  return renderPdf({ userPassword: 'secret', ownerPassword: 'owner-secret', pdfVersion: '1.4' }, (doc) => {
    doc.addPage();
    doc.font('Helvetica').fontSize(12).text('This text is behind a password.');
  });
}

/** A "scanned" PDF: one page with nothing on it but an embedded PNG image. */
export function makeImageOnlyPdf(): Promise<Uint8Array> {
  const png = Buffer.from(makePng(120, 160));
  return renderPdf({}, (doc) => {
    doc.addPage();
    doc.image(png, 56, 56, { width: 480 });
  });
}

/** A one-page PDF with no text and no image (a drawn frame only). */
export function makeBlankPdf(): Promise<Uint8Array> {
  return renderPdf({}, (doc) => {
    doc.addPage();
    doc.rect(56, 56, 200, 100).lineWidth(1).stroke();
  });
}

/** Bytes with a PDF header and then garbage: no xref, no objects, no pages. */
export function makeCorruptPdf(): Uint8Array {
  const random = prng(7);
  const garbage = new Uint8Array(2048);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(random() * 256);
  const head = new TextEncoder().encode('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const out = new Uint8Array(head.length + garbage.length);
  out.set(head);
  out.set(garbage, head.length);
  return out;
}

/** A .docx with one paragraph per string. */
export async function makeDocx(paragraphs: readonly string[]): Promise<Uint8Array> {
  const doc = new Document({
    creator: 'fixtures.ts',
    title: 'Fixture',
    sections: [{ children: paragraphs.map((text) => new Paragraph({ children: [new TextRun(text)] })) }],
  });
  const buffer = await Packer.toBuffer(doc, false, [{ path: 'docProps/core.xml', data: CORE_XML }]);
  return fixZipTimes(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
}

const CORE_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<dc:title>Fixture</dc:title><dc:creator>fixtures.ts</dc:creator><cp:revision>1</cp:revision>' +
  `<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_DATE.toISOString()}</dcterms:created>` +
  `<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_DATE.toISOString()}</dcterms:modified>` +
  '</cp:coreProperties>';

/** A truncated .docx: the zip's central directory is missing. */
export async function makeCorruptDocx(): Promise<Uint8Array> {
  const whole = await makeDocx(['This document was cut in half.']);
  return whole.slice(0, Math.floor(whole.length / 2));
}

/** A valid zip archive that is not a Word document (no word/document.xml). */
export function makeNonDocxZip(): Uint8Array {
  return makeZip([
    { name: 'readme.txt', data: new TextEncoder().encode('Just a zip, not a document.\n') },
    { name: 'data/numbers.csv', data: new TextEncoder().encode('a,b\n1,2\n') },
  ]);
}

/** PNG bytes (to be named .txt: a binary file pretending to be text). */
export function makeBinaryAsText(): Uint8Array {
  return makePng(32, 32);
}

// ── PNG ──────────────────────────────────────────────────────────────────────────────────────────

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit RGB PNG of a colour gradient with a diagonal stripe, `width` × `height` pixels. */
export function makePng(width: number, height: number): Uint8Array {
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = new Uint8Array(13);
  const ihdrView = new DataView(ihdr.buffer);
  ihdrView.setUint32(0, width);
  ihdrView.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filter, no interlace
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const p = row + 1 + x * 3;
      const stripe = Math.abs(x - y) < 3;
      raw[p] = stripe ? 20 : Math.floor((255 * x) / width);
      raw[p + 1] = stripe ? 20 : Math.floor((255 * y) / height);
      raw[p + 2] = stripe ? 20 : 160;
    }
  }
  const parts = [signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))];
  return concat(parts);
}

// ── zip ──────────────────────────────────────────────────────────────────────────────────────────

// 2024-01-02 03:04:04 in MS-DOS date and time fields.
const DOS_TIME = (3 << 11) | (4 << 5) | (4 >> 1);
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 2;

/** A zip archive of stored (uncompressed) entries. */
function makeZip(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const crc = crc32(entry.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(10, DOS_TIME, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, entry.data.length, true);
    lv.setUint32(22, entry.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(12, DOS_TIME, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, entry.data.length, true);
    cv.setUint32(24, entry.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, entry.data);
    centrals.push(central);
    offset += local.length + entry.data.length;
  }
  const centralSize = centrals.reduce((sum, c) => sum + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, ...centrals, end]);
}

/** Sets every entry's modification time in a zip to a fixed date (the docx package stamps "now"). */
function fixZipTimes(zip: Uint8Array): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) return zip;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  for (let n = 0; n < count && p + 46 <= zip.length && view.getUint32(p, true) === 0x02014b50; n++) {
    view.setUint16(p + 12, DOS_TIME, true);
    view.setUint16(p + 14, DOS_DATE, true);
    const local = view.getUint32(p + 42, true);
    if (local + 30 <= zip.length && view.getUint32(local, true) === 0x04034b50) {
      view.setUint16(local + 10, DOS_TIME, true);
      view.setUint16(local + 12, DOS_DATE, true);
    }
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return zip;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
