import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '@/db/client';
import { getConversation } from '@/db/conversations';
import { getFileMetas, storeFile } from '@/db/files';
import { getProject, moveConversation } from '@/db/projects';
import { ApiError } from '@/lib/api/errors';
import { parseWith } from '@/lib/api/request';
import { documentOverheadTokens } from '@/lib/attachments/document-block';
import { estimateTokens } from '@/lib/chat/context-window';
import { contextBudget } from '@/lib/chat/turn';
import { parseConfig } from '@/lib/config';
import { update as updateConversation, updateSchema as conversationUpdateSchema } from '@/lib/conversations';
import { insertConversation, openTestDb } from '@/lib/testing/test-db';
import {
  addFile,
  addProjectFileSchema,
  create,
  createProjectSchema,
  listAll,
  loadProject,
  remove,
  removeFile,
  requireProject,
  update,
  updateProjectSchema,
} from './projects';

const config = parseConfig({});
let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;
const fileId = (n: number) => n.toString(16).padStart(64, '0');

function upload(n: number, tokens = 40) {
  return storeFile(
    db,
    { id: fileId(n), kind: 'text', mediaType: 'text/plain', sizeBytes: 100 + n, text: `file ${n}`, tokens },
    T0,
  );
}

async function expectApiError(fn: () => unknown, code: ApiError['code'], message?: RegExp): Promise<ApiError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(code);
    if (message) expect((error as ApiError).message).toMatch(message);
    return error as ApiError;
  }
  throw new Error(`expected an ApiError ${code}`);
}

describe('schemas', () => {
  it('trims the name and collapses its whitespace; instructions are optional', () => {
    expect(parseWith(createProjectSchema, { name: '  My \n  thesis  ' })).toEqual({ name: 'My thesis' });
    expect(parseWith(createProjectSchema, { name: 'A', instructions: 'Be brief.' })).toEqual({ name: 'A', instructions: 'Be brief.' });
  });

  it('refuses an empty or blank name, one over 100 characters, and instructions over 100,000', async () => {
    await expectApiError(() => parseWith(createProjectSchema, { name: '' }), 'bad_request', /^name: /);
    await expectApiError(() => parseWith(createProjectSchema, { name: '   ' }), 'bad_request', /^name: /);
    await expectApiError(() => parseWith(createProjectSchema, {}), 'bad_request', /^name: /);
    expect(parseWith(createProjectSchema, { name: 'x'.repeat(100) }).name).toHaveLength(100);
    await expectApiError(() => parseWith(createProjectSchema, { name: 'x'.repeat(101) }), 'bad_request', /^name: /);
    expect(parseWith(createProjectSchema, { name: 'a', instructions: 'i'.repeat(100_000) }).instructions).toHaveLength(100_000);
    await expectApiError(() => parseWith(createProjectSchema, { name: 'a', instructions: 'i'.repeat(100_001) }), 'bad_request', /^instructions: /);
    await expectApiError(() => parseWith(createProjectSchema, { name: 'a', instructions: 5 }), 'bad_request', /^instructions: /);
    await expectApiError(() => parseWith(createProjectSchema, { name: 'a', extra: 1 }), 'bad_request');
  });

  it('a PATCH must change something', async () => {
    await expectApiError(() => parseWith(updateProjectSchema, {}), 'bad_request', /nothing to change/);
    expect(parseWith(updateProjectSchema, { instructions: '' })).toEqual({ instructions: '' });
  });

  it('a file to add needs a file id as POST /api/files returns it, and a name', async () => {
    expect(parseWith(addProjectFileSchema, { fileId: fileId(1), name: 'a.txt' })).toEqual({ fileId: fileId(1), name: 'a.txt' });
    await expectApiError(() => parseWith(addProjectFileSchema, { fileId: 'abc', name: 'a.txt' }), 'bad_request', /^fileId: /);
    await expectApiError(() => parseWith(addProjectFileSchema, { fileId: fileId(1), name: '' }), 'bad_request', /^name: /);
  });
});

describe('create, load, list, update, remove', () => {
  it('creates a project and returns its detail', async () => {
    const detail = await create(db, config, { name: 'Thesis', instructions: 'Cite sources.' });
    expect(detail).toMatchObject({ name: 'Thesis', instructions: 'Cite sources.', files: [], conversations: [], conversationCount: 0 });
    expect(detail.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(detail.tokens).toBe(estimateTokens('Cite sources.'));
    expect(detail.budget).toBe(contextBudget({}, config));
    expect((await getProject(db, detail.id))?.name).toBe('Thesis');
    expect((await listAll(db)).map((p) => [p.id, p.name, p.conversationCount])).toEqual([[detail.id, 'Thesis', 0]]);
  });

  it('counts the tokens of the instructions and files every request starts with', async () => {
    const { id } = await create(db, config, { name: 'P', instructions: 'Answer in French.' });
    await upload(1, 40);
    await upload(2, 1_000);
    await addFile(db, config, id, { fileId: fileId(1), name: 'notes.md' });
    const detail = (await addFile(db, config, id, { fileId: fileId(2), name: 'book.txt' })).project;
    expect(detail.files).toEqual([
      { id: fileId(1), name: 'notes.md', kind: 'text', sizeBytes: 101, tokens: 40, pages: null },
      { id: fileId(2), name: 'book.txt', kind: 'text', sizeBytes: 102, tokens: 1_000, pages: null },
    ]);
    expect(detail.tokens).toBe(
      estimateTokens('Answer in French.') + 40 + documentOverheadTokens('notes.md') + 1_000 + documentOverheadTokens('book.txt'),
    );
  });

  it('the budget follows the configured context budget and reply room', async () => {
    const small = parseConfig({ CONTEXT_BUDGET_TOKENS: '20000', DEFAULT_MAX_TOKENS: '1000' });
    expect((await create(db, small, { name: 'P' })).budget).toBe(19_000);
  });

  it('lists its chats, newest first', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await insertConversation(db, { id: 'a', title: 'First', updatedAt: T0 });
    await insertConversation(db, { id: 'b', title: 'Second', updatedAt: T0 + 1 });
    await insertConversation(db, { id: 'loose', updatedAt: T0 + 2 });
    await moveConversation(db, 'a', id);
    await moveConversation(db, 'b', id);
    const detail = await requireProject(db, config, id);
    expect(detail.conversations).toEqual([
      { id: 'b', title: 'Second', updatedAt: T0 + 1 },
      { id: 'a', title: 'First', updatedAt: T0 },
    ]);
    expect(detail.conversationCount).toBe(2);
  });

  it('updates the name and instructions', async () => {
    const { id } = await create(db, config, { name: 'Old' });
    expect(await update(db, config, id, { name: 'New' })).toMatchObject({ name: 'New', instructions: '' });
    const detail = await update(db, config, id, { instructions: 'Be brief.' });
    expect(detail).toMatchObject({ name: 'New', instructions: 'Be brief.' });
    expect(detail.tokens).toBe(estimateTokens('Be brief.'));
  });

  it('unknown ids → not_found', async () => {
    expect(await loadProject(db, config, 'missing')).toBeUndefined();
    await expectApiError(() => requireProject(db, config, 'missing'), 'not_found', /project/);
    await expectApiError(() => update(db, config, 'missing', { name: 'x' }), 'not_found');
    await expectApiError(() => remove(db, 'missing'), 'not_found');
    await expectApiError(() => addFile(db, config, 'missing', { fileId: fileId(1), name: 'a' }), 'not_found');
    await expectApiError(() => removeFile(db, config, 'missing', fileId(1)), 'not_found');
  });

  it('remove keeps the chats (in no project) and deletes files nothing else uses', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await upload(1);
    await addFile(db, config, id, { fileId: fileId(1), name: 'a.txt' });
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    await moveConversation(db, 'c', id);
    await remove(db, id);
    expect(await loadProject(db, config, id)).toBeUndefined();
    expect(await getConversation(db, 'c')).toMatchObject({ projectId: null });
    expect((await getFileMetas(db, [fileId(1)])).size).toBe(0);
  });
});

describe('files', () => {
  it('adds a file once, in order, under a safe name', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await upload(1);
    await upload(2);
    expect((await addFile(db, config, id, { fileId: fileId(2), name: 'dir/b<x>.txt' })).added).toBe(true);
    expect((await addFile(db, config, id, { fileId: fileId(1), name: 'a.txt' })).added).toBe(true);
    const again = await addFile(db, config, id, { fileId: fileId(2), name: 'b again.txt' });
    expect(again.added).toBe(false);
    expect(again.project.files.map((f) => f.name)).toEqual(['bx.txt', 'a.txt']);
  });

  it('refuses a file id that was never uploaded', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await expectApiError(() => addFile(db, config, id, { fileId: fileId(9), name: 'gone.txt' }), 'bad_request', /gone\.txt.*no longer on the server/);
  });

  it(`holds at most MAX_PROJECT_FILES files`, async () => {
    const two = parseConfig({ MAX_PROJECT_FILES: '2' });
    const { id } = await create(db, two, { name: 'P' });
    for (const n of [1, 2, 3]) await upload(n);
    await addFile(db, two, id, { fileId: fileId(1), name: '1.txt' });
    await addFile(db, two, id, { fileId: fileId(2), name: '2.txt' });
    await expectApiError(() => addFile(db, two, id, { fileId: fileId(3), name: '3.txt' }), 'bad_request', /at most 2 files/);
    // One already in the project is not an addition.
    expect((await addFile(db, two, id, { fileId: fileId(2), name: '2.txt' })).added).toBe(false);
    await removeFile(db, two, id, fileId(1));
    expect((await addFile(db, two, id, { fileId: fileId(3), name: '3.txt' })).project.files.map((f) => f.name)).toEqual(['2.txt', '3.txt']);
  });

  it('removing a file updates the detail; a file not in the project → not_found', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await upload(1);
    await addFile(db, config, id, { fileId: fileId(1), name: 'a.txt' });
    const detail = await removeFile(db, config, id, fileId(1));
    expect(detail.files).toEqual([]);
    expect(detail.tokens).toBe(0);
    expect((await getFileMetas(db, [fileId(1)])).size).toBe(0);
    await expectApiError(() => removeFile(db, config, id, fileId(1)), 'not_found', /file/);
  });
});

describe('moving a conversation (PATCH /api/conversations/:id { projectId })', () => {
  it('moves into a project and out, and says where it is', async () => {
    const { id } = await create(db, config, { name: 'P' });
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    expect(await updateConversation(db, 'c', parseWith(conversationUpdateSchema, { projectId: id }))).toMatchObject({ id: 'c', projectId: id });
    expect((await requireProject(db, config, id)).conversations.map((c) => c.id)).toEqual(['c']);
    expect(await updateConversation(db, 'c', parseWith(conversationUpdateSchema, { projectId: null }))).toMatchObject({ projectId: null });
    expect((await requireProject(db, config, id)).conversations).toEqual([]);
    expect((await getConversation(db, 'c'))!.updatedAt).toBe(T0);
  });

  it('an unknown project → not_found, and nothing changes', async () => {
    await insertConversation(db, { id: 'c', updatedAt: T0 });
    await expectApiError(() => updateConversation(db, 'c', { projectId: 'nope' }), 'not_found', /project/);
    expect((await getConversation(db, 'c'))!.projectId).toBeNull();
  });

  it('a malformed project id → bad_request', async () => {
    await expectApiError(() => parseWith(conversationUpdateSchema, { projectId: 'a b' }), 'bad_request', /^projectId: /);
  });
});
