import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { composer, send, sidebar, standinRequestFor, uniqueWord, waitForReplyDone } from './helpers';
import { gotoReady } from './ui-helpers';

const projectsList = (page: Page) => page.getByRole('list', { name: 'Projects' });

/** What the stand-in received for the message containing `marker` (its log is written when the request ends). */
async function upstreamFor(marker: string) {
  await expect.poll(async () => (await standinRequestFor(marker))?.outcome, { message: `upstream request for ${marker}` }).toBe('completed');
  return (await standinRequestFor(marker))!;
}

test('a project: its file and instructions open every chat in it; a chat moved out loses them; deleting it keeps the chats', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const word = uniqueWord('proj');
  const name = `Project ${word}`;
  const instructionWord = uniqueWord('instr');
  const instructions = `Always answer like a pirate and mention ${instructionWord}.`;
  const fileName = `notes-${word}.txt`;
  const fileText = `Facts about ${word}: the heron nests in March.`;

  // Create it from the sidebar.
  await gotoReady(page, '/');
  await page.getByRole('button', { name: 'New project' }).click();
  const create = page.getByRole('dialog', { name: 'New project' });
  await create.getByRole('textbox', { name: 'Name' }).fill(`  ${name} `);
  await create.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/projects\/[A-Za-z0-9_-]+$/);
  const projectId = page.url().split('/projects/')[1]!;
  await expect(page.getByRole('textbox', { name: 'Project name' })).toHaveValue(name);
  await expect(projectsList(page).getByRole('link', { name })).toHaveAttribute('href', `/projects/${projectId}`);
  await expect(projectsList(page).getByRole('link', { name })).toHaveAttribute('aria-current', 'page');

  // Instructions, saved with Save.
  const box = page.getByRole('textbox', { name: 'Instructions' });
  await box.fill(instructions);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Instructions saved')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();

  // A text file through the file input, and one the app cannot read: that one says why, the other is added.
  await page.getByTestId('project-file-input').setInputFiles([
    { name: fileName, mimeType: 'text/plain', buffer: Buffer.from(fileText) },
    { name: `photo-${word}.png`, mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) },
  ]);
  const files = page.getByRole('list', { name: 'Project files' });
  await expect(files.getByRole('button', { name: `Remove ${fileName}` })).toBeVisible();
  await expect(files.getByRole('listitem').filter({ hasText: fileName }).getByTestId('project-file-tokens')).toHaveText(/^\d[\d,]* tokens · \d/);
  const failed = files.getByTestId('project-file-pending').filter({ hasText: `photo-${word}.png` });
  await expect(failed.getByRole('alert')).toHaveText(/\S/);
  await failed.getByRole('button', { name: `Dismiss photo-${word}.png` }).click();
  await expect(files.getByRole('listitem')).toHaveCount(1);
  // The total counts the instructions and the file, against the budget.
  await expect(page.getByTestId('project-tokens')).toHaveText(/^\d[\d,]* of \d[\d,]* tokens$/);
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Instructions' })).toHaveValue(instructions);
  await expect(page.getByRole('list', { name: 'Project files' }).getByRole('listitem')).toHaveCount(1);

  // Two chats started with "New chat in project".
  const markers = [uniqueWord('first'), uniqueWord('second')];
  const chatIds: string[] = [];
  for (const marker of markers) {
    await page.getByRole('link', { name: 'New chat in project' }).click();
    await expect(page).toHaveURL(`/?project=${projectId}`);
    await expect(composer(page)).toBeEditable();
    await send(page, `hello ${marker}`);
    await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
    await waitForReplyDone(page);
    chatIds.push(page.url().split('/chat/')[1]!);
    await projectsList(page).getByRole('link', { name }).click();
    await expect(page).toHaveURL(`/projects/${projectId}`);
  }
  expect(new Set(chatIds).size).toBe(2);
  const chatsInProject = page.getByRole('list', { name: 'Chats in this project' });
  await expect(chatsInProject.getByRole('link')).toHaveCount(2);
  for (const [i, marker] of markers.entries()) {
    await expect(chatsInProject.getByRole('link', { name: marker })).toHaveAttribute('href', `/chat/${chatIds[i]}`);
  }

  // Both requests start with the same prefix: the document block, then the instructions.
  const prefixes: string[] = [];
  for (const marker of markers) {
    const system = (await upstreamFor(marker)).system ?? '';
    expect(system.startsWith(`<document name="${fileName}">\n`), system.slice(0, 200)).toBe(true);
    const end = system.indexOf('</document>');
    expect(system.slice(0, end)).toContain(fileText);
    expect(system.indexOf(instructions)).toBeGreaterThan(end);
    prefixes.push(system);
  }
  expect(prefixes[0]).toBe(prefixes[1]);

  // The projects list is not inside the conversations' navigation, which holds only chat links.
  await expect(sidebar(page).getByRole('link', { name })).toHaveCount(0);
  for (const href of await sidebar(page).getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
    expect(href).toMatch(/^\/chat\/[A-Za-z0-9_-]+$/);
  }

  // Move the second chat out of the project from its sidebar actions.
  await sidebar(page).getByRole('link', { name: new RegExp(markers[1]!) }).click();
  await expect(page).toHaveURL(`/chat/${chatIds[1]}`);
  await sidebar(page).getByRole('button', { name: new RegExp(`^Move .*${markers[1]}.* to project$`) }).click();
  const move = page.getByRole('dialog', { name: 'Move to project' });
  const select = move.getByRole('combobox', { name: 'Project' });
  // It opens on where the chat is now.
  await expect(select).toHaveValue(projectId);
  await select.selectOption({ label: 'No project' });
  await move.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.getByText('Moved out of the project')).toBeVisible();
  await expect(move).toHaveCount(0);
  const third = uniqueWord('third');
  await send(page, `and now ${third}`);
  await waitForReplyDone(page);
  const outside = await upstreamFor(third);
  expect(outside.system ?? '').not.toContain('<document');
  expect(outside.system ?? '').not.toContain(instructionWord);
  // The first chat still has it.
  const detail = await (await request.get(`/api/projects/${projectId}`)).json();
  expect(detail.conversations.map((c: { id: string }) => c.id)).toEqual([chatIds[0]]);

  // Delete the project (confirmed): its chats stay.
  await projectsList(page).getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Delete project' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete project?' });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByText('Project deleted')).toBeVisible();
  await expect(projectsList(page).getByRole('link', { name })).toHaveCount(0);
  for (const id of chatIds) {
    const res = await request.get(`/api/conversations/${id}`);
    expect(res.status()).toBe(200);
    expect((await res.json()).projectId).toBeNull();
  }
  for (const marker of markers) await expect(sidebar(page).getByRole('link', { name: new RegExp(marker) })).toBeVisible();
  expect((await request.get(`/api/projects/${projectId}`)).status()).toBe(404);
  const gone = await page.goto(`/projects/${projectId}`);
  expect(gone?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Project not found' })).toBeVisible();
  // An unknown project in a new-chat link is a plain new chat.
  await gotoReady(page, `/?project=${projectId}`);
  await expect(page.getByTestId('chat-project')).toHaveCount(0);

  for (const id of chatIds) await request.delete(`/api/conversations/${id}`);
});

async function chat(request: APIRequestContext, id: string, text: string, extra: Record<string, unknown> = {}) {
  const res = await request.post('/api/chat', { data: { id, message: { role: 'user', parts: [{ type: 'text', text }] }, ...extra } });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('"type":"finish"');
}

test('the projects API: validation, unknown ids, moving a chat', async ({ request }) => {
  const errorOf = async (res: Awaited<ReturnType<APIRequestContext['get']>>) => ((await res.json()) as { error: { code: string; message: string } }).error;

  // Validation.
  for (const data of [{ name: '' }, { name: '   ' }, {}, { name: 'x'.repeat(101) }, { name: 'ok', instructions: 'i'.repeat(100_001) }, { name: 'ok', color: 'red' }]) {
    const res = await request.post('/api/projects', { data });
    expect(res.status(), JSON.stringify(data).slice(0, 80)).toBe(400);
    expect((await errorOf(res)).code).toBe('bad_request');
  }
  expect((await errorOf(await request.post('/api/projects', { data: { name: '  ' } }))).message).toMatch(/^name: /);

  // Unknown project → 404 everywhere.
  const unknown = uniqueWord('noproject');
  expect((await request.get(`/api/projects/${unknown}`)).status()).toBe(404);
  expect((await request.patch(`/api/projects/${unknown}`, { data: { name: 'x' } })).status()).toBe(404);
  expect((await request.delete(`/api/projects/${unknown}`)).status()).toBe(404);
  expect((await request.post(`/api/projects/${unknown}/files`, { data: { fileId: '0'.repeat(64), name: 'a.txt' } })).status()).toBe(404);
  expect((await request.delete(`/api/projects/${unknown}/files/${'0'.repeat(64)}`)).status()).toBe(404);
  expect((await request.get('/api/projects/not%20an%20id')).status()).toBe(400);

  // Create, list, update.
  const created = await request.post('/api/projects', { data: { name: '  API   project ', instructions: 'Be brief.' } });
  expect(created.status()).toBe(201);
  const project = (await created.json()) as { id: string; name: string; instructions: string; files: unknown[]; tokens: number; budget: number };
  expect(project).toMatchObject({ name: 'API project', instructions: 'Be brief.', files: [] });
  expect(project.tokens).toBeGreaterThan(0);
  expect(project.budget).toBeGreaterThan(project.tokens);
  const list = (await (await request.get('/api/projects')).json()) as { projects: { id: string; conversationCount: number }[] };
  expect(list.projects.find((p) => p.id === project.id)).toMatchObject({ conversationCount: 0 });
  expect((await request.patch(`/api/projects/${project.id}`, { data: {} })).status()).toBe(400);
  expect((await request.patch(`/api/projects/${project.id}`, { data: { name: '' } })).status()).toBe(400);
  const renamed = await request.patch(`/api/projects/${project.id}`, { data: { name: 'Renamed' } });
  expect(renamed.status()).toBe(200);
  expect((await renamed.json()).name).toBe('Renamed');
  // A file never uploaded cannot be added; a malformed file id is a 400 too.
  expect((await request.post(`/api/projects/${project.id}/files`, { data: { fileId: 'f'.repeat(64), name: 'gone.txt' } })).status()).toBe(400);
  expect((await request.post(`/api/projects/${project.id}/files`, { data: { fileId: 'nope', name: 'gone.txt' } })).status()).toBe(400);

  // Moving a chat: an unknown project is a 404 and changes nothing; a real one and back out work.
  const id = uniqueWord('apimove');
  await chat(request, id, `hello ${id}`);
  const toUnknown = await request.patch(`/api/conversations/${id}`, { data: { projectId: unknown } });
  expect(toUnknown.status()).toBe(404);
  expect((await errorOf(toUnknown)).code).toBe('not_found');
  expect((await (await request.get(`/api/conversations/${id}`)).json()).projectId).toBeNull();
  expect((await request.patch(`/api/conversations/${id}`, { data: { projectId: 'not an id' } })).status()).toBe(400);
  const moved = await request.patch(`/api/conversations/${id}`, { data: { projectId: project.id } });
  expect(moved.status()).toBe(200);
  expect((await moved.json()).projectId).toBe(project.id);
  const detail = await (await request.get(`/api/projects/${project.id}`)).json();
  expect(detail.conversations.map((c: { id: string }) => c.id)).toEqual([id]);
  expect(detail.conversationCount).toBe(1);
  const out = await request.patch(`/api/conversations/${id}`, { data: { projectId: null } });
  expect((await out.json()).projectId).toBeNull();

  // A new chat sent into an unknown project is refused before anything is stored.
  const stray = uniqueWord('stray');
  const refused = await request.post('/api/chat', { data: { id: stray, projectId: unknown, message: { text: 'hi' } } });
  expect(refused.status()).toBe(404);
  expect((await request.get(`/api/conversations/${stray}`)).status()).toBe(404);

  // Delete: 204, then gone; the chat stays.
  await request.patch(`/api/conversations/${id}`, { data: { projectId: project.id } });
  expect((await request.delete(`/api/projects/${project.id}`)).status()).toBe(204);
  expect((await request.get(`/api/projects/${project.id}`)).status()).toBe(404);
  expect((await request.delete(`/api/projects/${project.id}`)).status()).toBe(404);
  const kept = await request.get(`/api/conversations/${id}`);
  expect(kept.status()).toBe(200);
  expect((await kept.json()).projectId).toBeNull();
  await request.delete(`/api/conversations/${id}`);
});
