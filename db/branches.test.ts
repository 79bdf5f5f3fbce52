import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { getConversation } from './conversations';
import { beginTurn, finishReply, getActivePath, getBranchInfo, getUsageByModel, selectBranch, type TokenUsage } from './messages';
import { openTestDb } from '@/lib/testing/test-db';

let db: DB;
beforeEach(async () => {
  db = await openTestDb();
});

const T0 = 1_700_000_000_000;

/** A user message and its reply. parentId: undefined = after the tip, null = a new root version, string = beside an earlier message. */
async function turn(
  conversationId: string,
  userId: string,
  replyId: string,
  now: number,
  opts: { parentId?: string | null; usage?: TokenUsage } = {},
) {
  await beginTurn(db, {
    conversationId,
    title: conversationId,
    user: { id: userId, content: `question ${userId}`, ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}) },
    assistantId: replyId,
    model: 'qwen-turbo',
    now,
  });
  await finishReply(db, replyId, { content: `answer ${replyId}`, status: 'complete', usage: opts.usage }, now + 10);
}

/** A new version of the reply to `userId`. */
async function regenerate(conversationId: string, userId: string, replyId: string, now: number, usage?: TokenUsage) {
  await beginTurn(db, { conversationId, title: '', user: null, regenerateFrom: userId, assistantId: replyId, model: 'qwen-turbo', now });
  await finishReply(db, replyId, { content: `answer ${replyId}`, status: 'complete', usage }, now + 10);
}

const tip = async (conversationId: string) => (await getConversation(db, conversationId))!.currentLeafId;
const pathIds = async (conversationId: string) => (await getActivePath(db, await tip(conversationId))).map((m) => m.id);
const branchesOf = async (conversationId: string) => {
  const path = await getActivePath(db, await tip(conversationId));
  return Object.fromEntries(await getBranchInfo(db, conversationId, path));
};

describe('getBranchInfo', () => {
  it('returns an empty map for an empty path', async () => {
    expect((await getBranchInfo(db, 'c1', [])).size).toBe(0);
  });

  it('gives every message of a linear conversation 1 of 1', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    expect(await branchesOf('c1')).toEqual({
      u1: { index: 0, count: 1, siblingIds: ['u1'] },
      a1: { index: 0, count: 1, siblingIds: ['a1'] },
      u2: { index: 0, count: 1, siblingIds: ['u2'] },
      a2: { index: 0, count: 1, siblingIds: ['a2'] },
    });
  });

  it('editing the 2nd user message creates a sibling, and the active path follows the new one', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    await turn('c1', 'u2b', 'a2b', T0 + 200, { parentId: 'a1' });

    expect(await tip('c1')).toBe('a2b');
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);
    const info = await branchesOf('c1');
    expect(info.u2b).toEqual({ index: 1, count: 2, siblingIds: ['u2', 'u2b'] });
    expect(info.u1).toMatchObject({ index: 0, count: 1 });
    expect(info.a1).toMatchObject({ index: 0, count: 1 });
    expect(info.a2b).toMatchObject({ index: 0, count: 1 });
  });

  it('orders versions oldest first, each with its index and the count', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await regenerate('c1', 'u1', 'a1b', T0 + 100);
    await regenerate('c1', 'u1', 'a1c', T0 + 200);
    expect(await pathIds('c1')).toEqual(['u1', 'a1c']);
    expect((await branchesOf('c1')).a1c).toEqual({ index: 2, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });

    await selectBranch(db, 'c1', 'a1b');
    expect((await branchesOf('c1')).a1b).toEqual({ index: 1, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });
    await selectBranch(db, 'c1', 'a1');
    expect((await branchesOf('c1')).a1).toEqual({ index: 0, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });
  });

  it('orders by creation time, not by id', async () => {
    await turn('c1', 'u1', 'z-first', T0);
    await regenerate('c1', 'u1', 'a-second', T0 + 100);
    expect((await branchesOf('c1'))['a-second']).toEqual({ index: 1, count: 2, siblingIds: ['z-first', 'a-second'] });
  });

  it('counts versions of the first message (new roots) within this conversation only', async () => {
    await turn('other', 'x1', 'y1', T0 - 50); // another conversation's root must not count
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    await turn('c1', 'u1b', 'a1b', T0 + 200, { parentId: null });

    expect(await pathIds('c1')).toEqual(['u1b', 'a1b']);
    expect((await branchesOf('c1')).u1b).toEqual({ index: 1, count: 2, siblingIds: ['u1', 'u1b'] });
    expect((await branchesOf('other')).x1).toEqual({ index: 0, count: 1, siblingIds: ['x1'] });
  });

  it('reports versions at several levels of one path at once', async () => {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u1b', 'a1b', T0 + 100, { parentId: null });
    await regenerate('c1', 'u1b', 'a1b2', T0 + 200);
    await turn('c1', 'u2', 'a2', T0 + 300);
    await turn('c1', 'u2b', 'a2b', T0 + 400, { parentId: 'a1b2' });

    expect(await pathIds('c1')).toEqual(['u1b', 'a1b2', 'u2b', 'a2b']);
    expect(await branchesOf('c1')).toEqual({
      u1b: { index: 1, count: 2, siblingIds: ['u1', 'u1b'] },
      a1b2: { index: 1, count: 2, siblingIds: ['a1b', 'a1b2'] },
      u2b: { index: 1, count: 2, siblingIds: ['u2', 'u2b'] },
      a2b: { index: 0, count: 1, siblingIds: ['a2b'] },
    });
  });
});

describe('selectBranch', () => {
  /**
   * u1 ─ a1 ┬ u2 ─ a2 ─ u3 ┬ a3
   *         │              └ a3b   (newest reply to u3)
   *         └ u2b ─ a2b            (the edit; active)
   */
  async function tree() {
    await turn('c1', 'u1', 'a1', T0);
    await turn('c1', 'u2', 'a2', T0 + 100);
    await turn('c1', 'u3', 'a3', T0 + 200);
    await regenerate('c1', 'u3', 'a3b', T0 + 300);
    await turn('c1', 'u2b', 'a2b', T0 + 400, { parentId: 'a1' });
  }

  it('switching to the older sibling follows it down to its newest descendant leaf, and returns that leaf', async () => {
    await tree();
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);

    expect(await selectBranch(db, 'c1', 'u2')).toBe('a3b');
    expect(await tip('c1')).toBe('a3b');
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3b']);
    expect((await branchesOf('c1')).u2).toEqual({ index: 0, count: 2, siblingIds: ['u2', 'u2b'] });
  });

  it('switching back to the newer sibling returns to its leaf', async () => {
    await tree();
    await selectBranch(db, 'c1', 'u2');
    expect(await selectBranch(db, 'c1', 'u2b')).toBe('a2b');
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);
  });

  it('selecting an older reply version that is a leaf makes it the tip', async () => {
    await tree();
    expect(await selectBranch(db, 'c1', 'a3')).toBe('a3');
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3']);
    expect((await branchesOf('c1')).a3).toEqual({ index: 0, count: 2, siblingIds: ['a3', 'a3b'] });
  });

  it('selecting a message deep in the tree follows its newest children (root → newest edit)', async () => {
    await tree();
    expect(await selectBranch(db, 'c1', 'u1')).toBe('a2b');
    expect(await selectBranch(db, 'c1', 'a2')).toBe('a3b');
  });

  it("a message of another conversation → undefined, and the tip doesn't change", async () => {
    await tree();
    await turn('c2', 'x1', 'y1', T0 + 1000);
    expect(await selectBranch(db, 'c2', 'u2')).toBeUndefined();
    expect(await selectBranch(db, 'c1', 'x1')).toBeUndefined();
    expect(await tip('c1')).toBe('a2b');
    expect(await tip('c2')).toBe('y1');
  });

  it("an unknown message → undefined, and the tip doesn't change", async () => {
    await tree();
    expect(await selectBranch(db, 'c1', 'nope')).toBeUndefined();
    expect(await tip('c1')).toBe('a2b');
  });

  it('does not touch updatedAt (switching versions is not new activity)', async () => {
    await tree();
    const before = (await getConversation(db, 'c1'))!.updatedAt;
    await selectBranch(db, 'c1', 'u2');
    expect((await getConversation(db, 'c1'))!.updatedAt).toBe(before);
  });

  it('a new message after switching continues the selected branch', async () => {
    await tree();
    await selectBranch(db, 'c1', 'a3');
    await turn('c1', 'u4', 'a4', T0 + 2000);
    expect(await pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3', 'u4', 'a4']);
  });
});

describe('getUsageByModel', () => {
  it('is all zeros for a conversation with no usage, or no such conversation', async () => {
    expect(await getUsageByModel(db, 'nope')).toEqual([]);
    await turn('c1', 'u1', 'a1', T0);
    expect(await getUsageByModel(db, 'c1')).toEqual([{ model: 'qwen-turbo', promptTokens: 0, completionTokens: 0, cachedTokens: 0 }]);
  });

  it('sums every reply of all branches, not just the active path, and only of this conversation', async () => {
    await turn('c1', 'u1', 'a1', T0, { usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0 } });
    await turn('c1', 'u2', 'a2', T0 + 100, { usage: { promptTokens: 30, completionTokens: 7, cachedTokens: 10 } });
    await regenerate('c1', 'u2', 'a2b', T0 + 200, { promptTokens: 30, completionTokens: 9, cachedTokens: 20 });
    await turn('c1', 'u2c', 'a2c', T0 + 300, { parentId: 'a1', usage: { promptTokens: 25, completionTokens: 4 } });
    await turn('c1', 'u1b', 'a1b', T0 + 400, { parentId: null, usage: { promptTokens: 8, completionTokens: 3, cachedTokens: 1 } });
    await turn('c2', 'x1', 'y1', T0, { usage: { promptTokens: 1000, completionTokens: 1000, cachedTokens: 1000 } });

    expect(await pathIds('c1')).toEqual(['u1b', 'a1b']);
    expect(await getUsageByModel(db, 'c1')).toEqual([
      {
        model: 'qwen-turbo',
        promptTokens: 10 + 30 + 30 + 25 + 8,
        completionTokens: 5 + 7 + 9 + 4 + 3,
        cachedTokens: 0 + 10 + 20 + 0 + 1,
      },
    ]);
    expect(await getUsageByModel(db, 'c2')).toEqual([{ model: 'qwen-turbo', promptTokens: 1000, completionTokens: 1000, cachedTokens: 1000 }]);
  });
});
