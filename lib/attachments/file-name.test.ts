import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_LENGTH, safeFileName } from './file-name.ts';

describe('safeFileName', () => {
  it('keeps only the last path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\Windows\\system.ini')).toBe('system.ini');
    expect(safeFileName('C:\\Users\\ana\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('/abs/path/notes.md')).toBe('notes.md');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('.')).toBe('file');
    expect(safeFileName('a/..')).toBe('file');
    expect(safeFileName('dir/')).toBe('file');
  });

  it('keeps HTML as text but drops < > and "', () => {
    expect(safeFileName('<img src=x onerror=alert(1)>.txt')).toBe('img src=x onerror=alert(1).txt');
    expect(safeFileName('say "hi".md')).toBe('say hi.md');
    expect(safeFileName("it's & more.txt")).toBe("it's & more.txt");
  });

  it('removes control and bidi characters, collapses whitespace', () => {
    expect(safeFileName('bad\u0000name\u0007.txt')).toBe('badname.txt');
    expect(safeFileName('line\r\nbreak\t.txt')).toBe('line break .txt');
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('\u2066x\u2069\u200b.txt')).toBe('x.txt');
    expect(safeFileName('  lots   of \u00a0 space  .csv  ')).toBe('lots of space .csv');
  });

  it('never returns an empty name', () => {
    for (const raw of ['', '   ', '\u0000\u0001', '///', '\\', '<>""', '\u202e', ' . ']) expect(safeFileName(raw)).toBe('file');
  });

  it('caps a very long name at 180 characters, keeping the extension', () => {
    const name = safeFileName(`${'a'.repeat(500)}.docx`);
    expect(name).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('a.docx')).toBe(true);
    const emoji = safeFileName(`${'😀'.repeat(300)}.pdf`);
    expect(Array.from(emoji)).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(emoji.endsWith('😀.pdf')).toBe(true);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // no lone surrogate
    expect(safeFileName('b'.repeat(300))).toBe('b'.repeat(180));
  });

  it('normalises to NFC', () => {
    expect(safeFileName('Cafe\u0301.txt')).toBe('Caf\u00e9.txt');
  });

  it('is idempotent and always safe (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const once = safeFileName(raw);
        expect(safeFileName(once)).toBe(once);
        expect(once.length).toBeGreaterThan(0);
        expect(Array.from(once).length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
        expect(once).not.toMatch(/[\\/<>"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(once).toBe(once.trim());
      }),
      { numRuns: 100 },
    );
  });
});
