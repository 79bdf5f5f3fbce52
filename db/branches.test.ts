import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from './client';
import { getConversation } from './conversations';
import { beginTurn, finishReply, getActivePath, getBranchInfo, getUsageByModel, selectBranch, type TokenUsage } from './messages';
import { openTestDb } from '@/lib/testing/test-db';

let db: DB;
beforeEach(() => {
  db = openTestDb();
});

const T0 = 1_700_000_000_000;

/** A user message and its reply. parentId: undefined = after the tip, null = a new root version, string = beside an earlier message. */
function turn(
  conversationId: string,
  userId: string,
  replyId: string,
  now: number,
  opts: { parentId?: string | null; usage?: TokenUsage } = {},
) {
  beginTurn(db, {
    conversationId,
    title: conversationId,
    user: { id: userId, content: `question ${userId}`, ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}) },
    assistantId: replyId,
    model: 'qwen-turbo',
    now,
  });
  finishReply(db, replyId, { content: `answer ${replyId}`, status: 'complete', usage: opts.usage }, now + 10);
}

/** A new version of the reply to `userId`. */
function regenerate(conversationId: string, userId: string, replyId: string, now: number, usage?: TokenUsage) {
  beginTurn(db, { conversationId, title: '', user: null, regenerateFrom: userId, assistantId: replyId, model: 'qwen-turbo', now });
  finishReply(db, replyId, { content: `answer ${replyId}`, status: 'complete', usage }, now + 10);
}

const tip = (conversationId: string) => getConversation(db, conversationId)!.currentLeafId;
const pathIds = (conversationId: string) => getActivePath(db, tip(conversationId)).map((m) => m.id);
const branchesOf = (conversationId: string) => {
  const path = getActivePath(db, tip(conversationId));
  return Object.fromEntries(getBranchInfo(db, conversationId, path));
};

describe('getBranchInfo', () => {
  it('returns an empty map for an empty path', () => {
    expect(getBranchInfo(db, 'c1', []).size).toBe(0);
  });

  it('gives every message of a linear conversation 1 of 1', () => {
    turn('c1', 'u1', 'a1', T0);
    turn('c1', 'u2', 'a2', T0 + 100);
    expect(branchesOf('c1')).toEqual({
      u1: { index: 0, count: 1, siblingIds: ['u1'] },
      a1: { index: 0, count: 1, siblingIds: ['a1'] },
      u2: { index: 0, count: 1, siblingIds: ['u2'] },
      a2: { index: 0, count: 1, siblingIds: ['a2'] },
    });
  });

  it('editing the 2nd user message creates a sibling, and the active path follows the new one', () => {
    turn('c1', 'u1', 'a1', T0);
    turn('c1', 'u2', 'a2', T0 + 100);
    turn('c1', 'u2b', 'a2b', T0 + 200, { parentId: 'a1' });

    expect(tip('c1')).toBe('a2b');
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);
    const info = branchesOf('c1');
    expect(info.u2b).toEqual({ index: 1, count: 2, siblingIds: ['u2', 'u2b'] });
    expect(info.u1).toMatchObject({ index: 0, count: 1 });
    expect(info.a1).toMatchObject({ index: 0, count: 1 });
    expect(info.a2b).toMatchObject({ index: 0, count: 1 });
  });

  it('orders versions oldest first, each with its index and the count', () => {
    turn('c1', 'u1', 'a1', T0);
    regenerate('c1', 'u1', 'a1b', T0 + 100);
    regenerate('c1', 'u1', 'a1c', T0 + 200);
    expect(pathIds('c1')).toEqual(['u1', 'a1c']);
    expect(branchesOf('c1').a1c).toEqual({ index: 2, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });

    selectBranch(db, 'c1', 'a1b');
    expect(branchesOf('c1').a1b).toEqual({ index: 1, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });
    selectBranch(db, 'c1', 'a1');
    expect(branchesOf('c1').a1).toEqual({ index: 0, count: 3, siblingIds: ['a1', 'a1b', 'a1c'] });
  });

  it('orders by creation time, not by id', () => {
    turn('c1', 'u1', 'z-first', T0);
    regenerate('c1', 'u1', 'a-second', T0 + 100);
    expect(branchesOf('c1')['a-second']).toEqual({ index: 1, count: 2, siblingIds: ['z-first', 'a-second'] });
  });

  it('counts versions of the first message (new roots) within this conversation only', () => {
    turn('other', 'x1', 'y1', T0 - 50); // another conversation's root must not count
    turn('c1', 'u1', 'a1', T0);
    turn('c1', 'u2', 'a2', T0 + 100);
    turn('c1', 'u1b', 'a1b', T0 + 200, { parentId: null });

    expect(pathIds('c1')).toEqual(['u1b', 'a1b']);
    expect(branchesOf('c1').u1b).toEqual({ index: 1, count: 2, siblingIds: ['u1', 'u1b'] });
    expect(branchesOf('other').x1).toEqual({ index: 0, count: 1, siblingIds: ['x1'] });
  });

  it('reports versions at several levels of one path at once', () => {
    turn('c1', 'u1', 'a1', T0);
    turn('c1', 'u1b', 'a1b', T0 + 100, { parentId: null });
    regenerate('c1', 'u1b', 'a1b2', T0 + 200);
    turn('c1', 'u2', 'a2', T0 + 300);
    turn('c1', 'u2b', 'a2b', T0 + 400, { parentId: 'a1b2' });

    expect(pathIds('c1')).toEqual(['u1b', 'a1b2', 'u2b', 'a2b']);
    expect(branchesOf('c1')).toEqual({
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
  function tree() {
    turn('c1', 'u1', 'a1', T0);
    turn('c1', 'u2', 'a2', T0 + 100);
    turn('c1', 'u3', 'a3', T0 + 200);
    regenerate('c1', 'u3', 'a3b', T0 + 300);
    turn('c1', 'u2b', 'a2b', T0 + 400, { parentId: 'a1' });
  }

  it('switching to the older sibling follows it down to its newest descendant leaf, and returns that leaf', () => {
    tree();
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);

    expect(selectBranch(db, 'c1', 'u2')).toBe('a3b');
    expect(tip('c1')).toBe('a3b');
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3b']);
    expect(branchesOf('c1').u2).toEqual({ index: 0, count: 2, siblingIds: ['u2', 'u2b'] });
  });

  it('switching back to the newer sibling returns to its leaf', () => {
    tree();
    selectBranch(db, 'c1', 'u2');
    expect(selectBranch(db, 'c1', 'u2b')).toBe('a2b');
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2b', 'a2b']);
  });

  it('selecting an older reply version that is a leaf makes it the tip', () => {
    tree();
    expect(selectBranch(db, 'c1', 'a3')).toBe('a3');
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3']);
    expect(branchesOf('c1').a3).toEqual({ index: 0, count: 2, siblingIds: ['a3', 'a3b'] });
  });

  it('selecting a message deep in the tree follows its newest children (root → newest edit)', () => {
    tree();
    expect(selectBranch(db, 'c1', 'u1')).toBe('a2b');
    expect(selectBranch(db, 'c1', 'a2')).toBe('a3b');
  });

  it("a message of another conversation → undefined, and the tip doesn't change", () => {
    tree();
    turn('c2', 'x1', 'y1', T0 + 1000);
    expect(selectBranch(db, 'c2', 'u2')).toBeUndefined();
    expect(selectBranch(db, 'c1', 'x1')).toBeUndefined();
    expect(tip('c1')).toBe('a2b');
    expect(tip('c2')).toBe('y1');
  });

  it("an unknown message → undefined, and the tip doesn't change", () => {
    tree();
    expect(selectBranch(db, 'c1', 'nope')).toBeUndefined();
    expect(tip('c1')).toBe('a2b');
  });

  it('does not touch updatedAt (switching versions is not new activity)', () => {
    tree();
    const before = getConversation(db, 'c1')!.updatedAt;
    selectBranch(db, 'c1', 'u2');
    expect(getConversation(db, 'c1')!.updatedAt).toBe(before);
  });

  it('a new message after switching continues the selected branch', () => {
    tree();
    selectBranch(db, 'c1', 'a3');
    turn('c1', 'u4', 'a4', T0 + 2000);
    expect(pathIds('c1')).toEqual(['u1', 'a1', 'u2', 'a2', 'u3', 'a3', 'u4', 'a4']);
  });
});

describe('getUsageByModel', () => {
  it('is all zeros for a conversation with no usage, or no such conversation', () => {
    expect(getUsageByModel(db, 'nope')).toEqual([]);
    turn('c1', 'u1', 'a1', T0);
    expect(getUsageByModel(db, 'c1')).toEqual([{ model: 'qwen-turbo', promptTokens: 0, completionTokens: 0, cachedTokens: 0 }]);
  });

  it('sums every reply of all branches, not just the active path, and only of this conversation', () => {
    turn('c1', 'u1', 'a1', T0, { usage: { promptTokens: 10, completionTokens: 5, cachedTokens: 0 } });
    turn('c1', 'u2', 'a2', T0 + 100, { usage: { promptTokens: 30, completionTokens: 7, cachedTokens: 10 } });
    regenerate('c1', 'u2', 'a2b', T0 + 200, { promptTokens: 30, completionTokens: 9, cachedTokens: 20 });
    turn('c1', 'u2c', 'a2c', T0 + 300, { parentId: 'a1', usage: { promptTokens: 25, completionTokens: 4 } });
    turn('c1', 'u1b', 'a1b', T0 + 400, { parentId: null, usage: { promptTokens: 8, completionTokens: 3, cachedTokens: 1 } });
    turn('c2', 'x1', 'y1', T0, { usage: { promptTokens: 1000, completionTokens: 1000, cachedTokens: 1000 } });

    expect(pathIds('c1')).toEqual(['u1b', 'a1b']);
    expect(getUsageByModel(db, 'c1')).toEqual([
      {
        model: 'qwen-turbo',
        promptTokens: 10 + 30 + 30 + 25 + 8,
        completionTokens: 5 + 7 + 9 + 4 + 3,
        cachedTokens: 0 + 10 + 20 + 0 + 1,
      },
    ]);
    expect(getUsageByModel(db, 'c2')).toEqual([{ model: 'qwen-turbo', promptTokens: 1000, completionTokens: 1000, cachedTokens: 1000 }]);
  });
});
