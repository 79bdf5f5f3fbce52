import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { first, q, transaction, type Db } from './types';
import { storableText } from './dialect';
import { conversations, projects, type ProjectRow } from './schema';
import { deleteUnreferencedFilesWork, projectFileIdsWork } from './files';

/** A project as the sidebar lists it. */
export type ProjectSummary = Pick<ProjectRow, 'id' | 'name' | 'createdAt' | 'updatedAt'> & { conversationCount: number };

/** A chat of a project, as its page lists it. */
export type ProjectConversation = { id: string; title: string; updatedAt: number };

export async function getProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return first(await db.select().from(projects).where(eq(projects.id, id)));
}

export async function createProject(
  db: Db,
  project: { id: string; name: string; instructions?: string },
  now: number,
): Promise<ProjectRow> {
  const [created] = await db
    .insert(projects)
    .values({ id: project.id, name: storableText(project.name), instructions: storableText(project.instructions ?? ''), createdAt: now, updatedAt: now })
    .returning();
  return created!;
}

/** Most recently changed first; each with how many conversations it holds (counted on conversations_project_idx). */
export async function listProjects(db: Db, limit = 500): Promise<ProjectSummary[]> {
  return db
    .select({
      id: projects.id,
      name: projects.name,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
      conversationCount: sql<number>`count(${conversations.id})`,
    })
    .from(projects)
    .leftJoin(conversations, eq(conversations.projectId, projects.id))
    .groupBy(projects.id)
    .orderBy(desc(projects.updatedAt), desc(projects.id))
    .limit(limit);
}

export async function countProjectConversations(db: Db, projectId: string): Promise<number> {
  const counted = first(
    await db
      .select({ n: sql<number>`count(*)` })
      .from(conversations)
      .where(eq(conversations.projectId, projectId)),
  );
  return counted?.n ?? 0;
}

/** Changes the name and/or instructions; updatedAt moves to `now` (the project rises in the list). */
export async function updateProject(
  db: Db,
  id: string,
  change: { name?: string; instructions?: string },
  now: number,
): Promise<ProjectRow | undefined> {
  return first(
    await db
      .update(projects)
      .set({
        ...(change.name !== undefined ? { name: storableText(change.name) } : {}),
        ...(change.instructions !== undefined ? { instructions: storableText(change.instructions) } : {}),
        updatedAt: now,
      })
      .where(eq(projects.id, id))
      .returning(),
  );
}

/** Marks a project changed (a file added or removed). */
export async function touchProject(db: Db, id: string, now: number): Promise<void> {
  await db.update(projects).set({ updatedAt: now }).where(eq(projects.id, id));
}

/**
 * Deletes a project. Its conversations stay, out of any project (the foreign key sets their
 * project_id to NULL); its file links go by cascade, and the files themselves unless a message or
 * another project still has them.
 */
export function deleteProject(db: Db, id: string): Promise<boolean> {
  return transaction(db, function* (tx) {
    const fileIds = yield* projectFileIdsWork(tx, id);
    const deleted = (yield* q(tx.delete(projects).where(eq(projects.id, id)).returning({ id: projects.id }))).length > 0;
    if (deleted) yield* deleteUnreferencedFilesWork(tx, { ids: fileIds });
    return deleted;
  });
}

/** The project's conversations, most recently active first. */
export async function listProjectConversations(db: Db, projectId: string, limit = 100): Promise<ProjectConversation[]> {
  return db
    .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(eq(conversations.projectId, projectId))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(limit);
}

/** Puts a conversation into a project, or (null) out of any; false when there is no such conversation. */
export async function moveConversation(db: Db, conversationId: string, projectId: string | null): Promise<boolean> {
  const moved = await db
    .update(conversations)
    .set({ projectId })
    .where(eq(conversations.id, conversationId))
    .returning({ id: conversations.id });
  return moved.length > 0;
}
