import { describe, expect, it } from 'vitest';
import { mergeNewestPage } from './merge-messages';

type M = { id: string; text: string };
const m = (id: string, text = id) => ({ id, text });
const same = (a: M, b: M) => a.text === b.text;

describe('mergeNewestPage', () => {
  const local = [m('1'), m('2'), m('3'), m('4')];

  it('keeps older messages on screen and the objects of unchanged ones', () => {
    const page = [m('3'), m('4', '4 stored'), m('5'), m('6')];
    const merged = mergeNewestPage(local, page, same)!;
    expect(merged.map((x) => x.text)).toEqual(['1', '2', '3', '4 stored', '5', '6']);
    expect(merged[0]).toBe(local[0]);
    expect(merged[2]).toBe(local[2]);
    expect(merged[3]).toBe(page[1]);
  });

  it('returns the same array when nothing changed (no re-render at all)', () => {
    expect(mergeNewestPage(local, [m('3'), m('4')], same)).toBe(local);
  });

  it('drops messages on screen that the stored branch no longer has after the page start', () => {
    const merged = mergeNewestPage(local, [m('2'), m('3')], same)!;
    expect(merged.map((x) => x.id)).toEqual(['1', '2', '3']);
  });

  it('gives up (null) when the page does not continue what is shown: another branch is active', () => {
    expect(mergeNewestPage(local, [m('x'), m('y')], same)).toBeNull();
    expect(mergeNewestPage(local, [], same)).toBeNull();
  });

  it('an empty chat stays empty', () => {
    const empty: M[] = [];
    expect(mergeNewestPage(empty, [], same)).toBe(empty);
  });
});
