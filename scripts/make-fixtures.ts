// Writes the attachment fixtures (lib/attachments/fixtures.ts) to disk for the e2e suite and manual tests.
//   npx tsx scripts/make-fixtures.ts [outDir]      (default e2e/fixtures/generated, git-ignored)

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  makeBinaryAsText,
  makeBlankPdf,
  makeCorruptDocx,
  makeCorruptPdf,
  makeDocx,
  makeEncryptedPdf,
  makeImageOnlyPdf,
  makeLongPdf,
  makeTextPdf,
  NOTES_PARAGRAPHS,
  REPORT_PAGES,
} from '../lib/attachments/fixtures.ts';

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? path.join('e2e', 'fixtures', 'generated'));
  await mkdir(outDir, { recursive: true });
  const files: [string, Uint8Array | Promise<Uint8Array>][] = [
    ['report.pdf', makeTextPdf(REPORT_PAGES)],
    ['notes.docx', makeDocx(NOTES_PARAGRAPHS)],
    ['long-300.pdf', makeLongPdf(300)],
    ['encrypted.pdf', makeEncryptedPdf()],
    ['scanned.pdf', makeImageOnlyPdf()],
    ['blank.pdf', makeBlankPdf()],
    ['corrupt.pdf', makeCorruptPdf()],
    ['binary.txt', makeBinaryAsText()],
    ['corrupt.docx', makeCorruptDocx()],
  ];
  for (const [name, bytes] of files) {
    const data = await bytes;
    await writeFile(path.join(outDir, name), data);
    console.log(`${path.join(outDir, name)}  ${data.length} bytes`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
