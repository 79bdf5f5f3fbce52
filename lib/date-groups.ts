import { differenceInCalendarDays } from 'date-fns';

export const DATE_GROUPS = ['Today', 'Yesterday', 'Previous 7 days', 'Older'] as const;
export type DateGroup = (typeof DATE_GROUPS)[number];

/** Which sidebar section a conversation last active at `time` falls in, by calendar day in local time. */
export function dateGroupOf(time: number, now: number = Date.now()): DateGroup {
  const days = differenceInCalendarDays(now, time);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days <= 7) return 'Previous 7 days';
  return 'Older';
}

/** Splits a newest-first list into labelled sections, keeping order and dropping empty sections. */
export function groupByDate<T extends { updatedAt: number }>(items: T[], now: number = Date.now()) {
  const buckets = new Map<DateGroup, T[]>(DATE_GROUPS.map((g) => [g, []]));
  for (const item of items) buckets.get(dateGroupOf(item.updatedAt, now))!.push(item);
  return DATE_GROUPS.map((label) => ({ label, items: buckets.get(label)! })).filter((g) => g.items.length > 0);
}
