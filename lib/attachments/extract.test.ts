import { describe, expect, it } from 'vitest';
import { ExtractionError, extractText, isExtractionError } from './extract.ts';
import type { ExtractionErrorCode } from './extract.ts';
import {
  NOTES_PARAGRAPHS,
  REPORT_PAGES,
  makeBinaryAsText,
  makeBlankPdf,
  makeCorruptDocx,
  makeCorruptPdf,
  makeDocx,
  makeEncryptedPdf,
  makeImageOnlyPdf,
  makeNonDocxZip,
  makeTextPdf,
} from './fixtures.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, endian: 'le' | 'be', bom = true): Uint8Array {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  const view = new DataView(out.buffer);
  let offset = 0;
  if (bom) {
    view.setUint16(0, 0xfeff, endian === 'le');
    offset = 2;
  }
  for (let i = 0; i < text.length; i++) view.setUint16(offset + i * 2, text.charCodeAt(i), endian === 'le');
  return out;
}

async function refusal(bytes: Uint8Array, name: string, mediaType = ''): Promise<ExtractionError> {
  try {
    await extractText(bytes, name, mediaType);
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractionError);
    expect(isExtractionError(error)).toBe(true);
    return error as ExtractionError;
  }
  throw new Error(`${name} was read, but should have been refused`);
}

async function expectRefused(bytes: Uint8Array, name: string, code: ExtractionErrorCode, message: RegExp) {
  const error = await refusal(bytes, name);
  expect(error.code).toBe(code);
  expect(error.message.startsWith(name)).toBe(true);
  expect(error.message).toMatch(message);
}

describe('extractText: text files', () => {
  it('reads UTF-8 and drops the BOM', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Grüße, 世界 🌍\nline two\n')]);
    expect(await extractText(bytes, 'hello.txt', 'text/plain')).toEqual({ kind: 'text', text: 'Grüße, 世界 🌍\nline two' });
  });

  it('reads UTF-16 LE and BE with a BOM, and LE without one', async () => {
    const text = 'Olá UTF-16\nsecond line';
    expect((await extractText(utf16(text, 'le'), 'le.txt', '')).text).toBe(text);
    expect((await extractText(utf16(text, 'be'), 'be.txt', '')).text).toBe(text);
    expect((await extractText(utf16(text, 'le', false), 'nobom.txt', '')).text).toBe(text);
  });

  it('turns CRLF (and lone CR) into LF and trims trailing whitespace', async () => {
    const result = await extractText(utf8('one\r\ntwo\r\nthree\rfour\r\n\r\n  \t\r\n'), 'crlf.txt', 'text/plain');
    expect(result.text).toBe('one\ntwo\nthree\nfour');
  });

  it('keeps markdown, CSV, JSON, HTML and code as they are (leading indentation too)', async () => {
    const cases: [string, string, string][] = [
      ['notes.md', 'text/markdown', '# Title\n\n- item *one*\n- `code`'],
      ['table.csv', 'text/csv', 'name,amount\n"Acme, Inc.",42\nZebra,7'],
      ['data.json', 'application/json', '{\n  "a": [1, 2, 3],\n  "b": "x"\n}'],
      ['page.html', 'text/html', '<!doctype html>\n<p class="x">Hi &amp; <b>bye</b></p>\n<script>alert(1)</script>'],
      ['main.rs', '', '    fn main() {\n        println!("hi");\n    }'],
      ['app.tsx', '', 'export const A = () => <div>{1 < 2}</div>;'],
    ];
    for (const [name, type, text] of cases) {
      expect(await extractText(utf8(`${text}\n`), name, type)).toEqual({ kind: 'text', text });
    }
  });

  it('reads a Windows-1252 file (invalid UTF-8, but text)', async () => {
    const bytes = new Uint8Array([...utf8('caf'), 0xe9, ...utf8(' cr'), 0xe8, ...utf8('me br'), 0xfb, ...utf8('l'), 0xe9, ...utf8('e\n')]);
    expect((await extractText(bytes, 'menu.csv', 'text/csv')).text).toBe('café crème brûlée');
  });

  it('keeps a stray invalid byte in a long UTF-8 file as U+FFFD', async () => {
    const bytes = new Uint8Array([...utf8('a'.repeat(2000)), 0xff, ...utf8('b')]);
    expect((await extractText(bytes, 'stray.log', '')).text).toBe(`${'a'.repeat(2000)}\ufffdb`);
  });

  it('refuses a PNG renamed .txt, NUL bytes and control-character soup as binary', async () => {
    await expectRefused(makeBinaryAsText(), 'binary.txt', 'binary', /looks like a binary file, not text/);
    await expectRefused(utf8('abc\u0000def'), 'nul.json', 'binary', /binary/);
    await expectRefused(utf8('text \u0001\u0002\u0003\u0004 with controls'), 'ctl.txt', 'binary', /binary/);
    const random = new Uint8Array(4096).map((_, i) => 1 + ((i * 7919 + 13) % 255));
    await expectRefused(random, 'noise.txt', 'binary', /binary/);
  });

  it('refuses an empty or whitespace-only file', async () => {
    await expectRefused(new Uint8Array(0), 'empty.txt', 'no_text', /^empty\.txt contains no text\.$/);
    await expectRefused(utf8(' \r\n\t\n'), 'blank.md', 'no_text', /contains no text/);
  });
});

describe('extractText: PDF', () => {
  it('reads both pages in order, a blank line between them', async () => {
    const result = await extractText(await makeTextPdf(REPORT_PAGES), 'report.pdf', 'application/pdf');
    expect(result.kind).toBe('pdf');
    expect(result.pages).toBe(2);
    expect(result.text.startsWith('Quarterly report for Acme')).toBe(true);
    const zebra = result.text.indexOf('The zebra budget grew by 42 percent.');
    const outlook = result.text.indexOf('Outlook');
    expect(zebra).toBeGreaterThan(0);
    expect(outlook).toBeGreaterThan(zebra);
    expect(result.text).toContain('percent.\n\nOutlook');
    expect(result.text).toBe(result.text.trimEnd());
  });

  it('finds a PDF by its media type when the name has no extension', async () => {
    const result = await extractText(await makeTextPdf(['Just one page']), 'download', 'application/pdf');
    expect(result).toEqual({ kind: 'pdf', text: 'Just one page', pages: 1 });
  });

  it('refuses a password-protected PDF', async () => {
    await expectRefused(await makeEncryptedPdf(), 'report.pdf', 'encrypted', /^report\.pdf is password-protected; remove the password/);
  });

  it('refuses a damaged PDF and a file that is not a PDF', async () => {
    await expectRefused(makeCorruptPdf(), 'broken.pdf', 'corrupt', /^broken\.pdf could not be read: the file is damaged or not a PDF\.$/);
    const whole = await makeTextPdf(['Cut in half']);
    await expectRefused(whole.slice(0, whole.length / 2), 'half.pdf', 'corrupt', /damaged/);
    await expectRefused(utf8('hello, I am not a PDF'), 'fake.pdf', 'corrupt', /not a PDF/);
  });

  it('refuses a scanned (image-only) PDF, saying why', async () => {
    await expectRefused(await makeImageOnlyPdf(), 'scan.pdf', 'no_text', /^scan\.pdf has no text layer \(it looks like scanned images\)/);
  });

  it('refuses a PDF without text or images', async () => {
    await expectRefused(await makeBlankPdf(), 'empty.pdf', 'no_text', /^empty\.pdf contains no text\.$/);
  });
});

describe('extractText: DOCX', () => {
  it('reads the paragraphs, a blank line between them', async () => {
    const result = await extractText(await makeDocx(NOTES_PARAGRAPHS), 'notes.docx', '');
    expect(result).toEqual({ kind: 'docx', text: NOTES_PARAGRAPHS.join('\n\n') });
  });

  it('refuses a truncated docx, a zip that is not a docx and a non-zip', async () => {
    await expectRefused(await makeCorruptDocx(), 'corrupt.docx', 'corrupt', /^corrupt\.docx could not be read: the file is damaged/);
    await expectRefused(makeNonDocxZip(), 'archive.docx', 'corrupt', /could not be read/);
    await expectRefused(utf8('plain text'), 'fake.docx', 'corrupt', /could not be read/);
  });

  it('refuses a docx without text', async () => {
    await expectRefused(await makeDocx(['', '   ']), 'nothing.docx', 'no_text', /^nothing\.docx contains no text\.$/);
  });
});

describe('extractText: unsupported files', () => {
  it('refuses images, archives and executables, naming the file', async () => {
    await expectRefused(makeBinaryAsText(), 'photo.png', 'unsupported', /^photo\.png: this kind of file is not supported; attach text, code, CSV, JSON, HTML, PDF or DOCX\.$/);
    await expectRefused(makeNonDocxZip(), 'bundle.zip', 'unsupported', /not supported/);
    await expectRefused(new Uint8Array([0x4d, 0x5a, 0x90, 0]), 'setup.exe', 'unsupported', /not supported/);
  });

  it('names the file safely in messages', async () => {
    const error = await refusal(new Uint8Array(0), '../../etc/\u202epasswd.txt', 'text/plain');
    expect(error.code).toBe('no_text');
    expect(error.message).toBe('passwd.txt contains no text.');
  });
});
