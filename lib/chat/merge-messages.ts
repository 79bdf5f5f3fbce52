/**
 * After a reply ends, the chat re-reads the newest page of the conversation from the server (usage,
 * version info of new branches, the stored status). Replacing every message on screen with the
 * fresh copies would re-render all of them — seconds of work with 2,000 loaded — so the fresh page
 * is laid over what is on screen, and a message whose content did not change keeps its object.
 *
 * Returns `local` itself when nothing changed, or null when the page does not continue what is on
 * screen (another branch is active now): then the caller shows the page alone.
 */
export function mergeNewestPage<T extends { id: string }>(local: T[], page: T[], same: (a: T, b: T) => boolean): T[] | null {
  if (page.length === 0) return local.length === 0 ? local : null;
  const start = local.findIndex((m) => m.id === page[0]!.id);
  if (start < 0) return null;
  const merged = local.slice(0, start);
  let changed = local.length !== start + page.length;
  for (let i = 0; i < page.length; i++) {
    const fresh = page[i]!;
    const shown = local[start + i];
    if (shown && shown.id === fresh.id && same(shown, fresh)) merged.push(shown);
    else {
      merged.push(fresh);
      changed = true;
    }
  }
  return changed ? merged : local;
}
