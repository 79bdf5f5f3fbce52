import { expect, type Page } from '@playwright/test';

export type Theme = 'light' | 'dark';
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };

/** Opens a page and waits until its scripts have run (buttons and shortcuts respond). */
export async function gotoReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForHydration(page);
  // The chat focuses its message box once mounted.
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
}

/**
 * Waits until the chat and the sidebar have mounted (`<html data-hydrated>`): their buttons,
 * shortcuts and the drawer respond from then on. Network idle alone can come before hydration
 * on a loaded machine, and the drawer is a client tree of its own.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
}

/** Chooses the theme before the page's first script runs, as a returning visitor would have it. */
export async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.addInitScript((t) => localStorage.setItem('theme', t), theme);
}

/**
 * Everything that sticks out sideways or makes a container scroll sideways, described; empty when
 * the layout fits. Code blocks, tables and display math may scroll inside themselves; a title cut
 * with an ellipsis is clipped on purpose.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const found: string[] = [];
    const describe = (el: Element) =>
      `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} class="${(el.getAttribute('class') ?? '').slice(0, 60)}"> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const scrollsInside = (el: Element) => el.closest('pre, [data-streamdown="table-wrapper"], .katex-display, [data-streamdown="code-block"]');
    const clippedOnPurpose = (el: Element) => {
      for (let a: Element | null = el; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.textOverflow === 'ellipsis' && s.overflowX !== 'visible') return true;
      }
      return false;
    };
    const root = document.scrollingElement!;
    if (root.scrollWidth > root.clientWidth) found.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    for (const el of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[aria-hidden="true"], .sr-only')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const scrollable = style.overflowX === 'auto' || style.overflowX === 'scroll';
      if (scrollable && el.scrollWidth > el.clientWidth + 1 && !scrollsInside(el)) found.push(`${describe(el)} scrolls sideways`);
      if ((r.right > vw + 1 || r.left < -1) && !scrollsInside(el) && !clippedOnPurpose(el)) found.push(`${describe(el)} sticks out (${Math.round(r.left)}–${Math.round(r.right)} of ${vw})`);
    }
    return found;
  });
}
