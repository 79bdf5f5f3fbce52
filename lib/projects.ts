import 'server-only';
import { z } from 'zod';
import type { DB } from '@/db/client';
import { addProjectFile, getFileMetas, listProjectFiles, removeProjectFile } from '@/db/files';
import {
  countProjectConversations,
  createProject,
  deleteProject,
  getProject,
  listProjectConversations,
  listProjects,
  touchProject,
  updateProject,
  type ProjectConversation,
  type ProjectSummary,
} from '@/db/projects';
import type { FileKind } from '@/db/schema';
import { ApiError } from '@/lib/api/errors';
import { fileIdSchema } from '@/lib/attachments/file-id';
import { safeFileName } from '@/lib/attachments/file-name';
import type { AppConfig } from '@/lib/config';
import { idSchema, newId } from '@/lib/chat/ids';
import { buildUpstreamRequest, contextBudget, defaultSettings, projectPrompt } from '@/lib/chat/turn';

export const MAX_PROJECT_NAME_CHARS = 100;
export const MAX_PROJECT_INSTRUCTIONS_CHARS = 100_000;
/** Chats listed on a project's page. */
export const PROJECT_CONVERSATIONS_SHOWN = 100;

const nameSchema = z
  .string()
  .transform((t) => t.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'name must not be empty')
      .max(MAX_PROJECT_NAME_CHARS, `name must be at most ${MAX_PROJECT_NAME_CHARS} characters`),
  );

const instructionsSchema = z
  .string()
  .max(MAX_PROJECT_INSTRUCTIONS_CHARS, `instructions must be at most ${MAX_PROJECT_INSTRUCTIONS_CHARS.toLocaleString('en')} characters`);

export { idSchema as projectIdSchema, fileIdSchema as projectFileIdSchema };

/** POST /api/projects */
export const createProjectSchema = z.object({ name: nameSchema, instructions: instructionsSchema.optional() }).strict();

/** PATCH /api/projects/:id */
export const updateProjectSchema = z
  .object({ name: nameSchema.optional(), instructions: instructionsSchema.optional() })
  .strict()
  .refine((u) => u.name !== undefined || u.instructions !== undefined, { message: 'nothing to change: send name or instructions' });

/** POST /api/projects/:id/files — a file uploaded with POST /api/files, under the name to show. */
export const addProjectFileSchema = z
  .object({ fileId: fileIdSchema, name: z.string().min(1, 'name must not be empty').max(1_000) })
  .strict();

/** Largest body the project routes read: the instructions with room for JSON escaping. */
export const PROJECT_BODY_BYTES = MAX_PROJECT_INSTRUCTIONS_CHARS * 6 + 10_000;

export type ProjectListItem = ProjectSummary;

export type ProjectFile = { id: string; name: string; kind: FileKind; sizeBytes: number; tokens: number; pages: number | null };

export type ProjectDetail = {
  id: string;
  name: string;
  instructions: string;
  createdAt: number;
  updatedAt: number;
  /** In the order they go into every request of the project's chats. */
  files: ProjectFile[];
  /** The newest PROJECT_CONVERSATIONS_SHOWN of its chats, and how many there are in all. */
  conversations: ProjectConversation[];
  conversationCount: number;
  /** Estimated prompt tokens the instructions and files add to every request. */
  tokens: number;
  /** Prompt tokens a request may use (the context window less room for the reply). */
  budget: number;
};

export function listAll(db: DB): Promise<ProjectListItem[]> {
  return listProjects(db);
}

export async function loadProject(db: DB, config: AppConfig, id: string): Promise<ProjectDetail | undefined> {
  const project = await getProject(db, id);
  if (!project) return undefined;
  const [listed, conversations, conversationCount, prompt] = await Promise.all([
    listProjectFiles(db, id),
    listProjectConversations(db, id, PROJECT_CONVERSATIONS_SHOWN),
    countProjectConversations(db, id),
    projectPrompt(db, id),
  ]);
  const files = listed.map((f) => ({
    id: f.id,
    name: f.name,
    kind: f.kind,
    sizeBytes: f.sizeBytes,
    tokens: f.tokens,
    pages: f.pages,
  }));
  return {
    id: project.id,
    name: project.name,
    instructions: project.instructions,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    files,
    conversations,
    conversationCount,
    tokens: buildUpstreamRequest([], {}, config, { project: prompt }).tokens,
    budget: contextBudget(defaultSettings(config), config),
  };
}

export async function requireProject(db: DB, config: AppConfig, id: string): Promise<ProjectDetail> {
  const found = await loadProject(db, config, id);
  if (!found) throw notFound();
  return found;
}

export async function create(db: DB, config: AppConfig, input: z.infer<typeof createProjectSchema>): Promise<ProjectDetail> {
  const id = newId();
  await createProject(db, { id, name: input.name, instructions: input.instructions }, Date.now());
  return requireProject(db, config, id);
}

export async function update(
  db: DB,
  config: AppConfig,
  id: string,
  change: z.infer<typeof updateProjectSchema>,
): Promise<ProjectDetail> {
  if (!(await updateProject(db, id, change, Date.now()))) throw notFound();
  return requireProject(db, config, id);
}

/** Deletes the project; its chats are kept, in no project. */
export async function remove(db: DB, id: string): Promise<void> {
  if (!(await deleteProject(db, id))) throw notFound();
}

/**
 * Attaches an uploaded file at the end of the project's list. A file already in the project is not
 * added again (`added: false`).
 */
export async function addFile(
  db: DB,
  config: AppConfig,
  id: string,
  input: z.infer<typeof addProjectFileSchema>,
): Promise<{ project: ProjectDetail; added: boolean }> {
  if (!(await getProject(db, id))) throw notFound();
  const name = safeFileName(input.name);
  if (!(await getFileMetas(db, [input.fileId])).has(input.fileId)) {
    throw new ApiError('bad_request', `${name} is no longer on the server. Upload it again.`);
  }
  const files = await listProjectFiles(db, id);
  const already = files.some((f) => f.id === input.fileId);
  if (!already && files.length >= config.MAX_PROJECT_FILES) {
    throw new ApiError('bad_request', `A project can hold at most ${config.MAX_PROJECT_FILES} files. Remove one to add ${name}.`);
  }
  const added = await addProjectFile(db, id, { fileId: input.fileId, name });
  if (added) await touchProject(db, id, Date.now());
  return { project: await requireProject(db, config, id), added };
}

export async function removeFile(db: DB, config: AppConfig, id: string, fileId: string): Promise<ProjectDetail> {
  if (!(await getProject(db, id))) throw notFound();
  if (!(await removeProjectFile(db, id, fileId))) throw new ApiError('not_found', 'No file with that id in this project.');
  await touchProject(db, id, Date.now());
  return requireProject(db, config, id);
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No project with that id.');
}
