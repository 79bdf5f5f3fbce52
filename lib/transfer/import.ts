import 'server-only';
import { JSONParser } from '@streamparser/json';
import Busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { insertImportedConversation } from '@/db/transfer';
import type { Db } from '@/db/types';
import { violatedConstraint } from '@/db/errors';
import { ApiError } from '@/lib/api/errors';
import { newId } from '@/lib/chat/ids';
import { addSkipCounts, chatGptLabel, convertChatGptConversation, emptySkipCounts, type SkipCounts } from './chatgpt';
import {
  describeZodError,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportedConversationSchema,
  TransferFormatError,
  type ExportedConversation,
} from './format';

/**
 * Import, conversation by conversation, in bounded memory. Whatever arrives — a JSON body, one or
 * several multipart files, a zip — is read as a stream; the JSON is parsed incrementally and each
 * conversation is converted and stored (in its own transaction) as soon as its closing brace
 * arrives, then dropped. Nothing stored before is ever changed: a conversation that is already
 * here (same id, or same ChatGPT conversation id) is skipped. A conversation that cannot be read
 * is reported and the rest go on.
 */

export type ImportError = { conversation: string; reason: string; file?: string };

export type ImportReport = {
  /** Conversations stored by this import. */
  imported: number;
  /** Conversations left alone because they were already here (imported before). */
  skipped: number;
  /** Conversations (or files) that could not be imported, with the reason; the first MAX_LISTED_ERRORS. */
  errors: ImportError[];
  /** Errors beyond those listed. */
  moreErrors: number;
  /** Messages of ChatGPT conversations that were left out, by reason (see lib/transfer/chatgpt.ts). */
  skippedMessages: SkipCounts;
  /** Each file read, with what it was. */
  files: { name: string; format: 'qwen-chat' | 'chatgpt' | 'zip' | 'unknown'; conversations: number }[];
};

const MAX_LISTED_ERRORS = 200;
/** One conversation larger than this (as JSON) is refused: it bounds what one parse can hold. */
export const MAX_CONVERSATION_BYTES = 128 * 1024 * 1024;

/** A file that is not one of the shapes we import: nothing in it was imported. */
export class FileShapeError extends Error {
  override name = 'FileShapeError';
}

export type ImporterOptions = {
  newId?: () => string;
  now?: () => number;
  /** Called after each conversation (imported, skipped or failed) with the running report. */
  onProgress?: (report: ImportReport) => void;
};

/** Stores conversations one at a time and keeps the running report. */
export class Importer {
  readonly report: ImportReport = {
    imported: 0,
    skipped: 0,
    errors: [],
    moreErrors: 0,
    skippedMessages: emptySkipCounts(),
    files: [],
  };
  private readonly newId: () => string;
  private readonly now: () => number;
  private readonly onProgress: ((report: ImportReport) => void) | undefined;

  constructor(
    private readonly db: Db,
    options: ImporterOptions = {},
  ) {
    this.newId = options.newId ?? newId;
    this.now = options.now ?? Date.now;
    this.onProgress = options.onProgress;
  }

  error(conversation: string, reason: string, file?: string): void {
    if (this.report.errors.length < MAX_LISTED_ERRORS) this.report.errors.push(file ? { conversation, reason, file } : { conversation, reason });
    else this.report.moreErrors++;
  }

  /** One conversation in our own format. */
  ours(raw: unknown, index: number, file?: string): void {
    const parsed = (() => {
      try {
        return exportedConversationSchema.safeParse(raw);
      } catch (error) {
        return { success: false as const, reason: (error as Error).message };
      }
    })();
    if (!parsed.success) {
      const reason = 'error' in parsed ? describeZodError(parsed.error) : parsed.reason;
      this.error(ourLabel(raw, index), reason, file);
      this.onProgress?.(this.report);
      return;
    }
    const conversation = parsed.data;
    // A reply that was being written when the export was made will never finish here.
    for (const m of conversation.messages) {
      if (m.status === 'streaming') {
        m.status = 'interrupted';
        m.error ??= 'This reply was still being written when the conversation was exported.';
      }
    }
    this.enqueue(conversation, ourLabel(raw, index), file);
  }

  /** One conversation from a ChatGPT export. */
  chatgpt(raw: unknown, index: number, file?: string): void {
    let converted;
    try {
      converted = convertChatGptConversation(raw, this.newId, this.now());
    } catch (error) {
      if (!(error instanceof TransferFormatError)) throw error;
      this.error(chatGptLabel(raw, index), error.message, file);
      this.onProgress?.(this.report);
      return;
    }
    this.enqueue(converted.conversation, converted.conversation.title, file, () => addSkipCounts(this.report.skippedMessages, converted.skipped));
  }

  /**
   * Conversations come from a synchronous JSON parser callback and are stored in order, one after
   * another; whoever feeds the parser awaits `flush()` after each chunk, so no more than a chunk's
   * worth waits in memory.
   */
  private queue: Promise<void> = Promise.resolve();

  private enqueue(conversation: ExportedConversation, label: string, file: string | undefined, onImported?: () => void): void {
    this.queue = this.queue.then(async () => {
      if (await this.store(conversation, label, file)) onImported?.();
      this.onProgress?.(this.report);
    });
  }

  /** Resolves when every conversation handed over so far is stored (rejects if storing failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  private async store(conversation: ExportedConversation, label: string, file?: string): Promise<boolean> {
    const { messages, files, ...row } = conversation;
    const rows = messages.map(({ attachments: _, ...m }) => m);
    // Files and attachments go in the conversation's transaction: all of it is stored, or none.
    // (Their tokens were recomputed from the text when the conversation was read.)
    const attached = {
      files: files ?? [],
      attachments: messages.flatMap((m) => (m.attachments?.length ? [{ messageId: m.id, list: m.attachments }] : [])),
      now: this.now(),
    };
    try {
      const outcome = await insertImportedConversation(this.db, row, rows, attached);
      if (outcome === 'exists') {
        this.report.skipped++;
        return false;
      }
      this.report.imported++;
      return true;
    } catch (error) {
      const broken = violatedConstraint(error);
      if (!broken) throw error;
      this.error(
        label,
        broken === 'primary_key' ? 'a message id in it is already used by another conversation' : `it could not be stored (a ${broken} constraint)`,
        file,
      );
      return false;
    }
  }
}

function ourLabel(raw: unknown, index: number): string {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const { title, id } = raw as { title?: unknown; id?: unknown };
    if (typeof title === 'string' && title.trim()) return [...title.trim()].slice(0, 120).join('');
    if (typeof id === 'string' && id) return id.slice(0, 120);
  }
  return `#${index + 1}`;
}

// ── JSON files ──────────────────────────────────────────────────────────────────────────────

type Chunks = AsyncIterable<Uint8Array>;

/**
 * A byte stream read through one iterator, with look-ahead: bytes can be put back after a peek,
 * and stopping a `for await` over it does not close the underlying stream (so the rest can still
 * be drained, which a multipart body needs before its next file arrives).
 */
export class ByteSource implements AsyncIterable<Uint8Array> {
  private readonly pending: Uint8Array[] = [];
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: Chunks) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async read(): Promise<Uint8Array | null> {
    if (this.pending.length) return this.pending.shift()!;
    const next = await this.iterator.next();
    return next.done ? null : next.value;
  }

  /** The first `min` bytes (fewer if the stream is shorter), left in place for the next reader. */
  async peek(min: number): Promise<Uint8Array> {
    const taken: Uint8Array[] = [];
    let size = 0;
    while (size < min) {
      const chunk = await this.read();
      if (!chunk) break;
      taken.push(chunk);
      size += chunk.byteLength;
    }
    const head = Buffer.concat(taken);
    if (head.byteLength) this.pending.unshift(head);
    return head;
  }

  /** Reads (and discards) whatever is left. */
  async drain(): Promise<void> {
    while (await this.read());
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        const chunk = await this.read();
        return chunk ? { value: chunk, done: false } : { value: undefined, done: true };
      },
      // Leaving a loop early leaves the stream open.
      return: async () => ({ value: undefined, done: true }),
    };
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The first meaningful character of a JSON text (after a BOM and whitespace), and what follows it. */
function sniffJson(head: Uint8Array): { first: string; afterFirst: string } {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && WHITESPACE.has(head[i]!)) i++;
  const rest = Buffer.from(head.subarray(i)).toString('utf8');
  return { first: rest.charAt(0), afterFirst: rest.slice(1).trimStart() };
}

const NOT_ACCEPTED =
  'is neither a ChatGPT export (conversations.json: an array of conversations) nor a Qwen Chat export ({ "format": "qwen-chat", … })';

export type JsonFileOptions = { maxConversationBytes?: number };

/**
 * Imports one JSON file: a ChatGPT `conversations.json` (or one of its split parts) or our own
 * export. Throws FileShapeError when the file is neither (then nothing was imported from it).
 * A file that breaks off or turns invalid part-way keeps what was imported before that point and
 * reports the rest as an error.
 */
export async function importJsonFile(importer: Importer, input: Chunks, name: string, options: JsonFileOptions = {}): Promise<void> {
  const maxConversationBytes = options.maxConversationBytes ?? MAX_CONVERSATION_BYTES;
  const stream = input instanceof ByteSource ? input : new ByteSource(input);
  const head = await stream.peek(64);
  const { first, afterFirst } = sniffJson(head);
  let format: 'chatgpt' | 'qwen-chat';
  if (first === '[') format = 'chatgpt';
  else if (first === '{' && afterFirst.startsWith('"format"')) format = 'qwen-chat';
  else if (first === '{' && afterFirst === '}') throw new FileShapeError(`${name} ${NOT_ACCEPTED}.`);
  else if (first === '{') {
    throw new FileShapeError(
      `${name} ${NOT_ACCEPTED}. (A Qwen Chat export starts with "format"; a single ChatGPT conversation must be inside an array.)`,
    );
  } else if (first === '') throw new FileShapeError(`${name} is empty.`);
  else throw new FileShapeError(`${name} is not JSON${first === 'P' ? ' (is it a zip that lost its .zip?)' : ''}: ${NOT_ACCEPTED}.`);

  const fileReport = { name, format: format as ImportReport['files'][number]['format'], conversations: 0 };
  const parser = new JSONParser(
    format === 'chatgpt'
      ? { paths: ['$.*'], keepStack: false }
      : { paths: ['$.format', '$.version', '$.exportedAt', '$.conversations.*'], keepStack: false },
  );
  let header: { format?: unknown; version?: unknown } = {};
  let index = 0;
  let shapeError: FileShapeError | null = null;
  let syntaxError: Error | null = null;
  let sinceLastValue = 0;
  let tooLargeAt: string | null = null;

  parser.onValue = ({ value, key, stack }) => {
    sinceLastValue = 0;
    if (shapeError) return;
    if (format === 'qwen-chat' && stack.length === 1) {
      if (key === 'format' || key === 'version') header = { ...header, [key]: value };
      if (key === 'format' && value !== EXPORT_FORMAT) shapeError = new FileShapeError(`${name} ${NOT_ACCEPTED}.`);
      if (key === 'version' && (typeof value !== 'number' || value > EXPORT_VERSION)) {
        shapeError = new FileShapeError(
          `${name} is a Qwen Chat export of version ${JSON.stringify(value)}; this server reads version ${EXPORT_VERSION}. Update the app to import it.`,
        );
      }
      return;
    }
    if (format === 'qwen-chat' && header.version === undefined) {
      shapeError = new FileShapeError(`${name}: "version" must come before "conversations".`);
      return;
    }
    if (format === 'chatgpt' && index === 0 && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      shapeError = new FileShapeError(`${name} is an array, but not of conversations: ${NOT_ACCEPTED}.`);
      return;
    }
    if (format === 'chatgpt') importer.chatgpt(value, index, name);
    else importer.ours(value, index, name);
    index++;
    fileReport.conversations++;
  };
  parser.onError = (error) => {
    syntaxError ??= error;
  };

  for await (const chunk of stream) {
    sinceLastValue += chunk.byteLength;
    if (sinceLastValue > maxConversationBytes) {
      tooLargeAt = `conversation ${index + 1} is larger than ${+(maxConversationBytes / 1024 / 1024).toFixed(1)} MB, the most one conversation may take`;
      break;
    }
    parser.write(chunk);
    await importer.flush();
    if (shapeError || syntaxError || parser.isEnded) break;
  }
  if (!shapeError && !syntaxError && !tooLargeAt && !parser.isEnded) parser.end();
  await importer.flush();

  if (tooLargeAt) {
    if (index === 0) throw new FileShapeError(`${name}: ${tooLargeAt}.`);
    importer.error('(rest of file)', tooLargeAt, name);
  } else if (shapeError) {
    if (index === 0) throw shapeError;
    importer.error('(rest of file)', (shapeError as Error).message, name);
  } else if (syntaxError) {
    const reason = `the file is not valid JSON after ${index} conversation${index === 1 ? '' : 's'} (${(syntaxError as Error).message})`;
    if (index === 0) throw new FileShapeError(`${name}: ${reason}.`);
    importer.error('(rest of file)', reason, name);
  } else if (format === 'qwen-chat' && header.format !== EXPORT_FORMAT) {
    throw new FileShapeError(`${name} ${NOT_ACCEPTED}.`);
  }
  importer.report.files.push(fileReport);
}

// ── Zip files ───────────────────────────────────────────────────────────────────────────────

/** Names inside a ChatGPT export zip that hold conversations. */
const CONVERSATION_ENTRY = /(?:^|\/)conversations(?:-\d+)?\.json$/i;

/** Imports the conversation files of a zip on disk (a ChatGPT export, or a zip of split files or our exports). */
export async function importZipFile(importer: Importer, path: string, name: string, options: JsonFileOptions = {}): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, file) => (error ? reject(error) : resolve(file))),
  ).catch((error: Error) => {
    throw new FileShapeError(`${name} is not a readable zip file (${error.message}).`);
  });
  try {
    const entries = await listEntries(zip);
    const wanted = entries
      .filter((e) => !/\/$/.test(e.fileName) && !/(^|\/)__MACOSX\//.test(e.fileName))
      .filter((e) => CONVERSATION_ENTRY.test(e.fileName) || (/\.json$/i.test(e.fileName) && /(^|\/)[^/]*qwen-chat[^/]*\.json$/i.test(e.fileName)))
      .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
    if (wanted.length === 0) {
      throw new FileShapeError(`${name} has no conversations.json (nor conversations-000.json, …): is it a ChatGPT data export?`);
    }
    importer.report.files.push({ name, format: 'zip', conversations: 0 });
    for (const entry of wanted) {
      const stream = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
      );
      try {
        await importJsonFile(importer, stream, `${name}/${entry.fileName}`, options);
      } catch (error) {
        if (!(error instanceof FileShapeError)) throw error;
        importer.error('(whole file)', error.message, `${name}/${entry.fileName}`);
      } finally {
        stream.destroy();
      }
    }
  } finally {
    zip.close();
  }
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Writes a stream to a temporary file (a zip is read from its end, so it has to be on disk). */
async function withSpooledFile<T>(source: Chunks, run: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qwen-chat-import-'));
  const path = join(dir, 'upload.zip');
  try {
    await pipeline(Readable.from(source), createWriteStream(path));
    return await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const isZip = (head: Uint8Array) => ZIP_MAGIC.every((b, i) => head[i] === b);

/** One uploaded file, whatever it is: a zip is spooled to disk and opened, JSON is streamed. */
export async function importUploadedFile(importer: Importer, source: ByteSource, name: string, options: JsonFileOptions = {}): Promise<void> {
  const head = await source.peek(4);
  if (isZip(head)) await withSpooledFile(source, (path) => importZipFile(importer, path, name, options));
  else await importJsonFile(importer, source, name, options);
}

// ── Requests ────────────────────────────────────────────────────────────────────────────────

/** Counts bytes as they pass and refuses the request (413) past the limit. */
async function* limited(source: Chunks, maxBytes: number): Chunks {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(
    'payload_too_large',
    `The upload is larger than the import limit of ${formatBytes(maxBytes)} (MAX_IMPORT_BYTES). Upload conversations.json instead of the whole zip, or raise the limit.`,
  );
}

function formatBytes(n: number): string {
  return n >= 1e9 ? `${+(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${+(n / 1e6).toFixed(1)} MB` : `${n} bytes`;
}

const RAW_TYPES = /^(application\/(json|zip|x-zip-compressed|octet-stream)|text\/plain)\b/i;
/** Multipart limits: a handful of files (the split export has a few dozen at most) and no big fields. */
const MULTIPART_LIMITS = { files: 200, fields: 20, fieldSize: 10_000, parts: 250 };

export type ImportRequestOptions = ImporterOptions & JsonFileOptions & { maxBytes: number };

/**
 * POST /api/import: the body is a multipart form with one or more `file` fields, or the file
 * itself (JSON or zip). Every file is read as it arrives. Files that are not an accepted shape are
 * reported in `errors`; when no file at all is, the request fails with 400.
 */
export async function importRequest(db: Db, request: Request, options: ImportRequestOptions): Promise<ImportReport> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) throw tooLarge(options.maxBytes);
  if (!request.body) throw new ApiError('bad_request', 'Nothing to import: send a file as the multipart field "file", or the JSON as the body.');
  const importer = new Importer(db, options);
  const contentType = request.headers.get('content-type') ?? '';
  const body = limited(request.body as unknown as Chunks, options.maxBytes);
  const shapeErrors: { name: string; message: string }[] = [];
  let accepted = 0;

  const importOne = async (source: ByteSource, name: string, drainOnError: boolean) => {
    try {
      await importUploadedFile(importer, source, name, options);
      accepted++;
    } catch (error) {
      if (!(error instanceof FileShapeError)) throw error;
      shapeErrors.push({ name, message: error.message });
      // Read the rest of it, so the next file of a multipart body can arrive.
      if (drainOnError) await source.drain();
    }
  };

  if (/^multipart\/form-data\b/i.test(contentType)) {
    let files = 0;
    await readMultipart(body, contentType, async (field, name, stream) => {
      if (field !== 'file' && field !== 'files') {
        stream.resume();
        return;
      }
      files++;
      const source = new ByteSource(stream);
      await importOne(source, name || `file ${files}`, true);
      await source.drain();
    });
    if (files === 0) throw new ApiError('bad_request', 'Nothing to import: the form has no "file" field.');
  } else if (!contentType || RAW_TYPES.test(contentType)) {
    await importOne(new ByteSource(body), 'the uploaded file', false);
  } else {
    throw new ApiError('unsupported_media_type', 'Send the file as multipart/form-data (field "file"), application/json or application/zip.');
  }

  if (accepted === 0 && shapeErrors.length > 0) {
    throw new ApiError('bad_request', shapeErrors.map((e) => e.message).join(' '));
  }
  for (const e of shapeErrors) importer.error('(whole file)', e.message, e.name);
  return importer.report;
}

/**
 * Streams a multipart body through busboy and hands each file to `onFile` in turn. Busboy pauses
 * until the current file's stream has been read, so files are imported one after another and
 * the body is never buffered.
 */
async function readMultipart(
  body: Chunks,
  contentType: string,
  onFile: (field: string, fileName: string, stream: Readable) => Promise<void>,
): Promise<void> {
  let busboy: Busboy.Busboy;
  try {
    busboy = Busboy({ headers: { 'content-type': contentType }, limits: MULTIPART_LIMITS, defParamCharset: 'utf8' });
  } catch (error) {
    throw new ApiError('bad_request', `The multipart body could not be read (${(error as Error).message}).`);
  }
  const input = Readable.from(body);
  let chain = Promise.resolve();
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    input.destroy();
    busboy.destroy();
  };
  busboy.on('file', (field, stream, info) => {
    chain = chain.then(async () => {
      if (failure) {
        stream.resume();
        return;
      }
      try {
        await onFile(field, info.filename ?? '', stream);
      } catch (error) {
        fail(error);
        stream.resume();
      }
    });
  });
  busboy.on('filesLimit', () => fail(new ApiError('bad_request', `Too many files in one upload (at most ${MULTIPART_LIMITS.files}).`)));
  try {
    await pipeline(input, busboy);
  } catch (error) {
    // The body's own failure (too large) says more than what it caused downstream.
    if (error instanceof ApiError) failure = error;
    else failure ??= new ApiError('bad_request', `The multipart body could not be read (${(error as Error).message}).`);
  }
  await chain;
  if (failure) throw failure;
}
