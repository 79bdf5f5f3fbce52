import { describe, expect, it } from 'vitest';
import { dateGroupOf, groupByDate } from './date-groups';

/** Local-time timestamps, so the tests hold in any TZ. */
const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const NOW = at(2025, 3, 15, 10, 30);

describe('dateGroupOf', () => {
  it('puts the same calendar day in Today, from midnight on', () => {
    expect(dateGroupOf(NOW, NOW)).toBe('Today');
    expect(dateGroupOf(at(2025, 3, 15, 0, 0), NOW)).toBe('Today');
    expect(dateGroupOf(at(2025, 3, 15, 23, 59), NOW)).toBe('Today'); // later today (clock skew)
  });

  it('uses calendar days, not 24-hour periods', () => {
    // 10 minutes before midnight yesterday is less than 24 h ago, but yesterday.
    expect(dateGroupOf(at(2025, 3, 14, 23, 59), at(2025, 3, 15, 0, 5))).toBe('Yesterday');
    expect(dateGroupOf(at(2025, 3, 14, 0, 0), NOW)).toBe('Yesterday');
  });

  it('groups 2–7 days back as Previous 7 days and anything earlier as Older', () => {
    expect(dateGroupOf(at(2025, 3, 13, 23, 59), NOW)).toBe('Previous 7 days');
    expect(dateGroupOf(at(2025, 3, 8, 0, 0), NOW)).toBe('Previous 7 days');
    expect(dateGroupOf(at(2025, 3, 7, 23, 59), NOW)).toBe('Older');
    expect(dateGroupOf(at(2020, 1, 1), NOW)).toBe('Older');
  });

  it('treats the future as Today', () => {
    expect(dateGroupOf(at(2025, 3, 20), NOW)).toBe('Today');
  });
});

describe('groupByDate', () => {
  it('labels sections in order, keeps item order and drops empty sections', () => {
    const items = [
      { id: 'a', updatedAt: at(2025, 3, 15, 9) },
      { id: 'b', updatedAt: at(2025, 3, 15, 1) },
      { id: 'c', updatedAt: at(2025, 3, 10) },
      { id: 'd', updatedAt: at(2025, 3, 9) },
      { id: 'e', updatedAt: at(2024, 12, 31) },
    ];
    const groups = groupByDate(items, NOW);
    expect(groups.map((g) => g.label)).toEqual(['Today', 'Previous 7 days', 'Older']);
    expect(groups.map((g) => g.items.map((i) => i.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('returns no sections for no items', () => {
    expect(groupByDate([], NOW)).toEqual([]);
  });

  it('keeps the given order even when it is not sorted', () => {
    const items = [
      { id: 'y1', updatedAt: at(2025, 3, 14, 8) },
      { id: 't', updatedAt: at(2025, 3, 15, 8) },
      { id: 'y2', updatedAt: at(2025, 3, 14, 20) },
    ];
    expect(groupByDate(items, NOW)).toEqual([
      { label: 'Today', items: [items[1]] },
      { label: 'Yesterday', items: [items[0], items[2]] },
    ]);
  });
});
