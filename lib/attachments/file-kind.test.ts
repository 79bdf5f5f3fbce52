import { describe, expect, it } from 'vitest';
import { ACCEPT_ATTRIBUTE, ACCEPTED_EXTENSIONS, fileExtension, fileKind } from './file-kind.ts';

describe('fileKind', () => {
  it('goes by the extension first (any case)', () => {
    expect(fileKind('report.pdf', '')).toBe('pdf');
    expect(fileKind('REPORT.PDF', 'application/octet-stream')).toBe('pdf');
    expect(fileKind('notes.docx', '')).toBe('docx');
    for (const name of ['a.txt', 'a.md', 'a.csv', 'a.tsv', 'a.json', 'a.jsonl', 'a.html', 'a.xml', 'a.yaml', 'a.toml', 'a.ini', 'a.log']) {
      expect(fileKind(name, 'application/octet-stream'), name).toBe('text');
    }
    for (const name of ['x.ts', 'x.tsx', 'x.py', 'x.go', 'x.rs', 'x.java', 'x.c', 'x.cpp', 'x.cs', 'x.sh', 'x.sql', 'x.vue', 'x.ex', 'x.hs', 'x.tex', 'x.rst']) {
      expect(fileKind(name, ''), name).toBe('text');
    }
    // The extension wins over a media type that says otherwise (.ts is also "video/mp2t").
    expect(fileKind('index.ts', 'video/mp2t')).toBe('text');
    expect(fileKind('scan.pdf', 'text/plain')).toBe('pdf');
  });

  it('refuses known binary formats whatever the media type', () => {
    for (const name of ['setup.exe', 'photo.png', 'photo.JPG', 'archive.zip', 'old.doc', 'sheet.xlsx', 'song.mp3', 'logo.svg']) {
      expect(fileKind(name, 'text/plain'), name).toBeNull();
    }
  });

  it('falls back to the media type (parameters and case ignored)', () => {
    expect(fileKind('download', 'application/pdf')).toBe('pdf');
    expect(fileKind('download', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('docx');
    expect(fileKind('download', 'text/plain; charset=utf-8')).toBe('text');
    expect(fileKind('x.weird', 'TEXT/X-Something')).toBe('text');
    expect(fileKind('download', 'application/json')).toBe('text');
    expect(fileKind('download', 'application/xml')).toBe('text');
    expect(fileKind('download', 'application/vnd.api+json')).toBe('text');
    expect(fileKind('download', 'application/atom+xml')).toBe('text');
    expect(fileKind('download', 'application/octet-stream')).toBeNull();
    expect(fileKind('download', 'image/png')).toBeNull();
    expect(fileKind('download', '')).toBeNull();
    expect(fileKind('image.svg', 'image/svg+xml')).toBeNull();
  });

  it('knows a few extension-less text files by name', () => {
    expect(fileKind('Dockerfile', '')).toBe('text');
    expect(fileKind('Makefile', '')).toBe('text');
    expect(fileKind('.gitignore', '')).toBe('text');
    expect(fileKind('random', '')).toBeNull();
  });

  it('looks at the last path segment only', () => {
    expect(fileKind('dir.pdf/notes.txt', '')).toBe('text');
    expect(fileExtension('C:\\docs\\Report.Final.PDF')).toBe('pdf');
    expect(fileExtension('.bashrc')).toBe('');
  });
});

describe('ACCEPT_ATTRIBUTE', () => {
  it('lists every accepted extension with a dot, and the media types', () => {
    const parts = ACCEPT_ATTRIBUTE.split(',');
    for (const ext of ['txt', 'md', 'csv', 'json', 'html', 'pdf', 'docx', 'ts', 'py', 'rs', 'tex', 'rst']) {
      expect(ACCEPTED_EXTENSIONS).toContain(ext);
      expect(parts).toContain(`.${ext}`);
    }
    expect(parts).toEqual(expect.arrayContaining(['text/*', 'application/pdf', 'application/json', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']));
    expect(new Set(ACCEPTED_EXTENSIONS).size).toBe(ACCEPTED_EXTENSIONS.length);
    for (const ext of ACCEPTED_EXTENSIONS) expect(fileKind(`file.${ext}`, ''), ext).not.toBeNull();
  });
});
