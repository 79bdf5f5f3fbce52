import { describe, expect, it } from 'vitest';
import { groupTurns } from './group-turns';

const m = (role: string, id: string) => ({ role, id });
const ids = (turns: ReturnType<typeof groupTurns<{ role: string; id: string }>>) => turns.map((t) => t.map((x) => `${x.message.id}@${x.index}`));

describe('groupTurns', () => {
  it('puts each user message with the replies that follow it, keeping positions', () => {
    const turns = groupTurns([m('user', 'u1'), m('assistant', 'a1'), m('user', 'u2'), m('assistant', 'a2')]);
    expect(ids(turns)).toEqual([['u1@0', 'a1@1'], ['u2@2', 'a2@3']]);
  });

  it('a user message still waiting for its reply is a turn of its own', () => {
    expect(ids(groupTurns([m('user', 'u1'), m('assistant', 'a1'), m('user', 'u2')]))).toEqual([['u1@0', 'a1@1'], ['u2@2']]);
  });

  it('a branch that starts with a reply (or a page that does) starts a turn with it', () => {
    expect(ids(groupTurns([m('assistant', 'a0'), m('user', 'u1'), m('assistant', 'a1')]))).toEqual([['a0@0'], ['u1@1', 'a1@2']]);
  });

  it('nothing in, nothing out', () => {
    expect(groupTurns([])).toEqual([]);
  });
});
