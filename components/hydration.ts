'use client';

/**
 * Marks the page as interactive: `<html data-hydrated>` once both the chat and the sidebar have
 * mounted in the browser (their handlers are attached). Tests wait on it instead of on time; it
 * stays set through client-side navigation, as the page stays interactive.
 */
const mounted = new Set<'chat' | 'sidebar'>();

export function markMounted(part: 'chat' | 'sidebar'): void {
  mounted.add(part);
  const root = document.documentElement;
  root.dataset[part === 'chat' ? 'chatMounted' : 'sidebarMounted'] = '';
  if (mounted.has('chat') && mounted.has('sidebar')) root.dataset.hydrated = '';
}

/** `<html data-markdown-ready>`: the markdown renderer has loaded, so a reply renders as markdown from its first token. */
export function markMarkdownReady(): void {
  document.documentElement.dataset.markdownReady = '';
}
