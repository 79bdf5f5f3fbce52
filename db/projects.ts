import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { IMMEDIATE, type Db } from './types';
import { conversations, projects, type ProjectRow } from './schema';
import { deleteUnreferencedFiles, projectFileIds } from './files';

/** A project as the sidebar lists it. */
export type ProjectSummary = Pick<ProjectRow, 'id' | 'name' | 'createdAt' | 'updatedAt'> & { conversationCount: number };

/** A chat of a project, as its page lists it. */
export type ProjectConversation = { id: string; title: string; updatedAt: number };

export function getProject(db: Db, id: string): ProjectRow | undefined {
  return db.select().from(projects).where(eq(projects.id, id)).get();
}

export function createProject(db: Db, project: { id: string; name: string; instructions?: string }, now: number): ProjectRow {
  return db
    .insert(projects)
    .values({ id: project.id, name: project.name, instructions: project.instructions ?? '', createdAt: now, updatedAt: now })
    .returning()
    .get();
}

/** Most recently changed first; each with how many conversations it holds (counted on conversations_project_idx). */
export function listProjects(db: Db, limit = 500): ProjectSummary[] {
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
    .limit(limit)
    .all();
}

export function countProjectConversations(db: Db, projectId: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(conversations)
      .where(eq(conversations.projectId, projectId))
      .get()?.n ?? 0
  );
}

/** Changes the name and/or instructions; updatedAt moves to `now` (the project rises in the list). */
export function updateProject(
  db: Db,
  id: string,
  change: { name?: string; instructions?: string },
  now: number,
): ProjectRow | undefined {
  return db
    .update(projects)
    .set({ ...change, updatedAt: now })
    .where(eq(projects.id, id))
    .returning()
    .get();
}

/** Marks a project changed (a file added or removed). */
export function touchProject(db: Db, id: string, now: number): void {
  db.update(projects).set({ updatedAt: now }).where(eq(projects.id, id)).run();
}

/**
 * Deletes a project. Its conversations stay, out of any project (the foreign key sets their
 * project_id to NULL); its file links go by cascade, and the files themselves unless a message or
 * another project still has them.
 */
export function deleteProject(db: Db, id: string): boolean {
  return db.transaction((tx) => {
    const fileIds = projectFileIds(tx, id);
    const deleted = tx.delete(projects).where(eq(projects.id, id)).run().changes > 0;
    if (deleted) deleteUnreferencedFiles(tx, { ids: fileIds });
    return deleted;
  }, IMMEDIATE);
}

/** The project's conversations, most recently active first. */
export function listProjectConversations(db: Db, projectId: string, limit = 100): ProjectConversation[] {
  return db
    .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(eq(conversations.projectId, projectId))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(limit)
    .all();
}

/** Puts a conversation into a project, or (null) out of any; false when there is no such conversation. */
export function moveConversation(db: Db, conversationId: string, projectId: string | null): boolean {
  return db.update(conversations).set({ projectId }).where(eq(conversations.id, conversationId)).run().changes > 0;
}
