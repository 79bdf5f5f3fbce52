import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { DEMO_PORT } from '../playwright.config';
import {
  assistantMessages,
  composer,
  send,
  sidebar,
  startConversation,
  uniqueWord,
  userMessages,
  waitForReplyDone,
} from './helpers';
import { MOBILE, gotoReady, horizontalOverflow, useTheme, type Theme } from './ui-helpers';

/** "A chat UI people enjoy": rendering, keyboard, themes, phones, states and accessibility. */

// No test here may leave an uncaught error in the page (a hydration mismatch is one).
const pageErrors = new WeakMap<Page, string[]>();
test.beforeEach(({ page }) => {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
});
test.afterEach(({ page }) => {
  expect(pageErrors.get(page), 'uncaught errors in the page').toEqual([]);
});

const FENCE = '```';
const sendButton = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });
const stopButton = (page: Page) => page.getByRole('button', { name: 'Stop', exact: true });
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search conversations' });
const scripted = (reply: string, extra = '') => `[[reply=${encodeURIComponent(reply)}]]${extra ? ` ${extra}` : ''}`;

const RICH = [
  'A table and some code:',
  '',
  '| Name | Value | Notes |',
  '| --- | --: | --- |',
  '| alpha | 1 | first letter of the Greek alphabet, used everywhere in maths |',
  '| beta | 2 | second |',
  '',
  `${FENCE}typescript`,
  '// Adds two numbers.',
  'export function add(a: number, b: number): number {',
  '  const label = "sum";',
  '  return a + b;',
  '}',
  FENCE,
].join('\n');

const WIDE_TABLE = [
  '| Model | Context window | Input price | Output price | Cached input | Strength | Speed | Languages |',
  '| --- | --: | --: | --: | --: | --- | :-: | --- |',
  '| qwen-turbo | 1,000,000 tokens | $0.05 / M | $0.20 / M | $0.01 / M | Straightforwardness | ⚡⚡⚡ | Internationalization |',
  '| qwen-max | 32,768 tokens | $1.60 / M | $6.40 / M | $0.32 / M | Incomprehensibilities | ⚡ | Internationalization |',
].join('\n');

const LONG_CODE = [
  'One long line:',
  '',
  `${FENCE}js`,
  `const veryLongLine = [${Array.from({ length: 60 }, (_, i) => `'item-${i}'`).join(', ')}];`,
  FENCE,
].join('\n');

test.describe('rendering', () => {
  test('a code block streams without a raw ``` ever showing', async ({ page }) => {
    await gotoReady(page, '/');
    // The renderer loads after the page; a reply that started before it would show as plain text first.
    await page.locator('html[data-markdown-ready]').waitFor({ state: 'attached' });
    // Record any text node in a reply that shows a fence, on every change while the reply streams.
    await page.evaluate(() => {
      const w = window as unknown as { __fences: string[] };
      w.__fences = [];
      const check = () => {
        const streaming = [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Stop');
        if (streaming && document.querySelector('[data-role="assistant"] pre')) (window as unknown as { __preWhileStreaming: boolean }).__preWhileStreaming = true;
        for (const message of document.querySelectorAll('[data-role="assistant"]')) {
          const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent?.includes('``')) w.__fences.push(n.textContent);
        }
      };
      new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const reply = `Before the code.\n\n${FENCE}typescript\nconst answer = 42;\nconsole.log(answer);\nexport default { answer };\n${FENCE}\n\nAfter the code, a table:\n\n| a | b |\n| --- | --- |\n| 1 | 2 |`;
    await send(page, `${uniqueWord('fence')} ${scripted(reply, '[[delay=40]]')}`);
    await waitForReplyDone(page);
    // The code block was on screen while the reply was still streaming.
    expect(await page.evaluate(() => (window as unknown as { __preWhileStreaming?: boolean }).__preWhileStreaming)).toBe(true);
    await expect(assistantMessages(page).last().locator('table')).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __fences: string[] }).__fences)).toEqual([]);
    await expect(assistantMessages(page).last()).not.toContainText(FENCE);
  });

  test('code is syntax highlighted, in both themes', async ({ page }) => {
    await startConversation(page, `${uniqueWord('hl')} ${scripted(RICH)}`);
    const colors = async () =>
      page.locator('[data-role="assistant"] pre code span span').evaluateAll((spans) => spans.map((s) => getComputedStyle(s).color));
    await expect.poll(async () => new Set(await colors()).size).toBeGreaterThanOrEqual(3);
    // Every token is readable on the code's background (WCAG AA, 4.5:1), comments and parameters too.
    const lowestContrast = () =>
      page.locator('[data-role="assistant"] pre code span span').evaluateAll((spans) => {
        const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
        const rgb = (c: string) => {
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = c;
          ctx.fillRect(0, 0, 1, 1);
          return [...ctx.getImageData(0, 0, 1, 1).data].slice(0, 3);
        };
        const lum = (c: number[]) =>
          c.map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i]!, 0);
        let lowest = Infinity;
        for (const span of spans) {
          if (!span.textContent?.trim()) continue;
          let bg = 'rgba(0, 0, 0, 0)';
          for (let a: Element | null = span; a && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); a = a.parentElement) bg = getComputedStyle(a).backgroundColor;
          const [l1, l2] = [lum(rgb(getComputedStyle(span).color)), lum(rgb(bg))].sort((x, y) => y - x);
          lowest = Math.min(lowest, (l1! + 0.05) / (l2! + 0.05));
        }
        return lowest;
      });
    expect(await lowestContrast()).toBeGreaterThanOrEqual(4.5);
    const light = await colors();
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await expect.poll(async () => (await colors()).join()).not.toBe(light.join());
    expect(new Set(await colors()).size).toBeGreaterThanOrEqual(3);
    expect(await lowestContrast()).toBeGreaterThanOrEqual(4.5);
  });

  test('LaTeX math inline and on its own line; dollar amounts stay text; KaTeX loads only when needed', async ({ page }) => {
    await page.goto('/');
    // KaTeX's own stylesheet (its fonts), not the app's print rules that mention .katex-display.
    expect(await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.includes('katex') || [...(s.cssRules ?? [])].some((r) => r.cssText.includes('KaTeX_Main'))))).toBe(false);
    const reply = 'Energy: $E = mc^2$, and\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n\nIt costs $5 and $10.';
    await send(page, `${uniqueWord('math')} ${scripted(reply)}`);
    await waitForReplyDone(page);
    const message = assistantMessages(page).last();
    await expect(message.locator('.katex-display .katex')).toHaveCount(1);
    await expect(message.locator('.katex')).toHaveCount(2);
    await expect(message.locator('p .katex').first()).toContainText('mc');
    await expect(message).toContainText('It costs $5 and $10.');
    // The KaTeX stylesheet arrived with it: its own fonts, the MathML copy hidden.
    expect(await message.locator('.katex').first().evaluate((el) => getComputedStyle(el).fontFamily)).toContain('KaTeX');
    await expect(message.locator('.katex-html').first()).toBeVisible();
    expect(await message.locator('.katex-mathml').first().evaluate((el) => getComputedStyle(el).position)).toBe('absolute');
  });

  test('code blocks have copy buttons that copy the code', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await startConversation(page, `${uniqueWord('copy')} ${scripted(RICH)}`);
    const copy = assistantMessages(page).last().getByRole('button', { name: 'Copy Code' });
    await expect(copy).toHaveCount(1);
    await copy.click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('return a + b;');
  });

  test('a long code line scrolls inside its block, never the page', async ({ page }) => {
    await startConversation(page, `${uniqueWord('wide')} ${scripted(LONG_CODE)}`);
    const body = assistantMessages(page).last().locator('[data-streamdown="code-block-body"]');
    await expect(body.locator('pre')).toContainText('item-59');
    const box = await body.evaluate((el) => ({
      overflowX: getComputedStyle(el).overflowX,
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      focusable: el.tabIndex >= 0,
    }));
    expect(['auto', 'scroll']).toContain(box.overflowX);
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
    // Keyboard users can scroll it too.
    expect(box.focusable).toBe(true);
    const page_ = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, clientWidth: document.scrollingElement!.clientWidth }));
    expect(page_.scrollWidth).toBeLessThanOrEqual(page_.clientWidth);
    const scroller = page.getByTestId('message-scroller');
    expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await horizontalOverflow(page)).toEqual([]);
  });
});

test.describe('keyboard', () => {
  test('Enter sends, Shift+Enter adds a line, and the composer keeps focus', async ({ page }) => {
    await page.goto('/');
    await expect(composer(page)).toBeFocused();
    const word = uniqueWord('keys');
    await composer(page).pressSequentially(`line one ${word}`);
    await composer(page).press('Shift+Enter');
    await composer(page).pressSequentially('line two');
    await expect(composer(page)).toHaveValue(`line one ${word}\nline two`);
    await expect(userMessages(page)).toHaveCount(0);
    await composer(page).press('Enter');
    await expect(userMessages(page).first()).toHaveText(`line one ${word}\nline two`);
    await expect(composer(page)).toHaveValue('');
    await expect(composer(page)).toBeFocused();
    await waitForReplyDone(page);
    await expect(composer(page)).toBeFocused();

    // Sent with the button: focus comes back to the composer as well.
    await composer(page).fill(`again ${word}`);
    await sendButton(page).click();
    await expect(composer(page)).toBeFocused();
    await waitForReplyDone(page);
    await expect(composer(page)).toBeFocused();
  });

  test('Escape stops a streaming reply and keeps its text', async ({ page }) => {
    await page.goto('/');
    await send(page, `${uniqueWord('esc')} [[tokens=400]] [[delay=30]]`);
    await expect(assistantMessages(page).last()).not.toHaveText('');
    await page.keyboard.press('Escape');
    await expect(stopButton(page)).toHaveCount(0);
    await expect(page.getByTestId('message-status')).toHaveText('Stopped');
    await expect(assistantMessages(page).last()).toContainText('lorem');
  });

  test('Ctrl+K goes to search, Ctrl+Shift+O starts a new chat, switching conversations focuses the composer', async ({ page }) => {
    const first = uniqueWord('kfirst');
    await startConversation(page, `hello ${first}`);
    const second = uniqueWord('ksecond');
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, `hello ${second}`);
    await waitForReplyDone(page);

    await page.keyboard.press('Control+k');
    await expect(searchBox(page)).toBeFocused();
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+Shift+O');
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'What can I help with?' })).toBeVisible();
    await expect(composer(page)).toBeFocused();

    // Switch conversations from the sidebar, by keyboard: the composer has focus in the new one.
    await sidebar(page).getByRole('link', { name: new RegExp(first) }).focus();
    await page.keyboard.press('Enter');
    await expect(userMessages(page).first()).toContainText(first);
    await expect(composer(page)).toBeFocused();
  });

  test('every control is reached with Tab and shows a focus ring; a skip link leads to the message box', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const word = uniqueWord('tab');
    await startConversation(page, `${word} ${scripted(RICH)}`);
    const reached = new Map<string, { ring: boolean; visible: boolean }>();
    /** Presses `key` up to `times` times, noting each control that gets focus; stops after `until`. */
    async function walk(key: string, times: number, until?: RegExp) {
      for (let i = 0; i < times; i++) {
        await page.keyboard.press(key);
        const info = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return null;
          const name = el.getAttribute('aria-label') || el.textContent?.trim() || el.getAttribute('title') || el.tagName;
          const ringOf = (e: Element) => {
            const s = getComputedStyle(e);
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
          };
          // The composer's ring is drawn by its form (focus-within), around the whole box.
          const ring = ringOf(el) || (el.tagName === 'TEXTAREA' && !!el.closest('form') && ringOf(el.closest('form')!));
          const visible = el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
          return { name: `${el.tagName.toLowerCase()}:${name.slice(0, 60)}`, ring, visible };
        });
        if (!info) continue;
        reached.set(info.name, { ring: info.ring, visible: info.visible });
        if (until?.test(info.name)) return;
      }
    }
    // From the top of the page: the skip link, the sidebar's head and the first conversation.
    await focusTop(page);
    await walk('Tab', 12);
    // From the message box backwards: the reply, the header, then the sidebar's foot.
    await composer(page).focus();
    await walk('Shift+Tab', 40, /^button:Import$/);
    const names = [...reached.keys()];
    for (const wanted of [
      /^a:Skip to message box$/,
      /^a:Qwen Chat$/,
      /^button:New chat$/,
      /^input:Search conversations$/,
      new RegExp(`^a:${word}`),
      new RegExp(`^button:Rename ${word}`),
      new RegExp(`^button:Delete ${word}`),
      /^button:Import$/,
      /^a:Export all$/,
      /^select:Theme$/,
      /^button:Conversation settings$/,
      /^button:Copy Code$/,
      /^button:Copy message$/,
      /^button:Regenerate reply$/,
    ]) {
      expect(names.some((n) => wanted.test(n)), `${wanted} reached with Tab (reached: ${names.join(' | ')})`).toBe(true);
    }
    for (const [name, { ring, visible }] of reached) {
      expect(visible, `${name} is visible when focused`).toBe(true);
      expect(ring, `${name} shows a focus ring`).toBe(true);
    }

    // The skip link is the first stop, and takes you to the message box.
    await focusTop(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to message box' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(composer(page)).toBeFocused();
    // The message box's ring is its form's (focus-within): the whole box is outlined.
    expect(await composer(page).evaluate((el) => getComputedStyle(el.closest('form')!).boxShadow)).not.toBe('none');
  });
});

test.describe('themes', () => {
  /** The theme as the page is first painted: read as soon as <body> exists, before any app script. */
  async function firstPaint(page: Page) {
    await page.addInitScript(() => {
      const w = window as unknown as { __firstPaint?: { className: string; background: string } };
      // The class as soon as <body> exists; the colour in the first frame (after render-blocking CSS).
      const observer = new MutationObserver(() => {
        if (!document.body) return;
        observer.disconnect();
        const className = document.documentElement.className;
        requestAnimationFrame(() => (w.__firstPaint = { className, background: getComputedStyle(document.body).backgroundColor }));
      });
      observer.observe(document, { childList: true, subtree: true });
    });
  }
  const painted = async (page: Page) => {
    await page.waitForFunction(() => (window as unknown as { __firstPaint?: unknown }).__firstPaint);
    return page.evaluate(() => (window as unknown as { __firstPaint: { className: string; background: string } }).__firstPaint);
  };
  /** Whether a computed colour (rgb(), lab() or oklch(), as Chromium reports them) is dark. */
  const isDark = (color: string) => {
    const [x, y, z] = color.match(/-?[\d.]+/g)!.map(Number);
    if (color.startsWith('rgb(')) return 0.2126 * x! + 0.7152 * y! + 0.0722 * z! < 80;
    if (color.startsWith('lab(')) return x! < 40;
    if (color.startsWith('oklch(')) return x! < 0.5;
    throw new Error(`an opaque background colour, not ${color}`);
  };

  for (const [system, stored, expected] of [
    ['dark', null, 'dark'],
    ['light', null, 'light'],
    ['light', 'dark', 'dark'],
    ['dark', 'light', 'light'],
  ] as const) {
    test(`system ${system}, chosen ${stored ?? 'nothing'}: ${expected} from the first paint`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: system });
      if (stored) await page.addInitScript((t) => localStorage.setItem('theme', t), stored);
      await firstPaint(page);
      await page.goto('/');
      const first = await painted(page);
      expect(first.className.split(' ')).toContain(expected);
      expect(isDark(first.background)).toBe(expected === 'dark');
      await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue(stored ?? 'system');
    });
  }

  test('dark before any script of the app has loaded (scripts held back)', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.addInitScript(() => localStorage.setItem('theme', 'dark'));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/_next\/static\/.*\.js(\?|$)/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/', { waitUntil: 'commit' });
    await page.waitForSelector('main', { state: 'attached' });
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)');
    // The page is shown, React has not started: the theme comes from the inline script and CSS alone.
    expect(await page.evaluate(() => Boolean((window as unknown as { next?: unknown }).next))).toBe(false);
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    expect(isDark(await page.evaluate(() => getComputedStyle(document.body).backgroundColor))).toBe(true);
    release();
    await expect(composer(page)).toBeEditable();
  });

  test('the choice is remembered, and System follows the system live', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    const select = page.getByRole('combobox', { name: 'Theme' });
    await select.selectOption('dark');
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    await page.reload();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    await expect(select).toHaveValue('dark');

    await select.selectOption('system');
    await expect(page.locator('html')).toHaveClass(/\blight\b/);
    expect(await page.evaluate(() => localStorage.getItem('theme'))).toBeNull();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  });
});

/** Puts the keyboard at the very start of the page: the next Tab goes to its first control. */
async function focusTop(page: Page) {
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
}

/** The page's scripts have run (keyboard shortcuts are listened for). */
/** The drawer has slid all the way in. */
async function drawerIn(page: Page) {
  await expect(sidebar(page)).toBeVisible();
  await expect.poll(() => page.getByTestId('sidebar-drawer').evaluate((el) => el.getBoundingClientRect().left)).toBe(0);
}

test.describe('phone (390×844)', () => {
  test.use({ viewport: MOBILE });

  test('the sidebar is a drawer: opens from the header, focus moves in, Escape closes it, a conversation closes it', async ({ page }) => {
    const word = uniqueWord('drawer');
    await startConversation(page, `hello ${word}`);
    await expect(sidebar(page)).toBeHidden();
    const open = page.getByRole('button', { name: 'Open conversations' });
    await open.click();
    await drawerIn(page);
    await expect(page.getByRole('button', { name: 'Close conversations' })).toBeFocused();
    expect(await horizontalOverflow(page)).toEqual([]);
    // The chat behind is out of reach while the drawer is open.
    expect(await page.locator('main').evaluate((m) => (m as HTMLElement).inert)).toBe(true);
    await page.keyboard.press('Escape');
    await expect(sidebar(page)).toBeHidden();
    await expect(open).toBeFocused();

    await open.click();
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(sidebar(page)).toBeHidden();
    await open.click();
    await sidebar(page).getByRole('link', { name: new RegExp(word) }).click();
    await expect(sidebar(page)).toBeHidden();
    await expect(userMessages(page).first()).toContainText(word);
  });

  test('Ctrl+K opens the drawer at the search box', async ({ page }) => {
    await gotoReady(page, '/');
    await page.keyboard.press('Control+k');
    await expect(searchBox(page)).toBeFocused();
    await expect(sidebar(page)).toBeVisible();
  });

  test('the composer stays at the bottom, also when the keyboard takes half the screen', async ({ page }) => {
    await startConversation(page, `${uniqueWord('bottom')} [[tokens=300]]`);
    expect(await page.evaluate(() => document.querySelector('meta[name="viewport"]')?.getAttribute('content'))).toContain(
      'interactive-widget=resizes-content',
    );
    const bottomGap = async () => {
      const box = (await composer(page).boundingBox())!;
      const height = page.viewportSize()!.height;
      return { top: box.y, bottom: box.y + box.height, height };
    };
    let g = await bottomGap();
    expect(g.bottom).toBeLessThanOrEqual(g.height);
    expect(g.height - g.bottom).toBeLessThan(120);
    // With resizes-content, an on-screen keyboard shrinks the layout viewport like this.
    await page.setViewportSize({ width: MOBILE.width, height: 480 });
    await composer(page).focus();
    g = await bottomGap();
    expect(g.bottom).toBeLessThanOrEqual(g.height);
    expect(g.height - g.bottom).toBeLessThan(120);
    await expect(composer(page)).toBeInViewport();
  });

  test('nothing overflows sideways: new chat, a wide table and long code, the drawer', async ({ page }) => {
    await page.goto('/');
    await expect(composer(page)).toBeVisible();
    expect(await horizontalOverflow(page)).toEqual([]);

    await startConversation(page, `${uniqueWord('narrow')} ${scripted(`${WIDE_TABLE}\n\n${RICH}\n\n${LONG_CODE}`)}`);
    await expect(assistantMessages(page).last().locator('table')).toHaveCount(2);
    await expect(assistantMessages(page).last().locator('pre')).toHaveCount(2);
    expect(await horizontalOverflow(page)).toEqual([]);
    // The table and the code scroll inside themselves.
    const box = assistantMessages(page).last().locator('table').first().locator('xpath=..');
    expect(await box.evaluate((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))).toBe(true);
    expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await box.evaluate((el) => el.tabIndex)).toBe(0);

    await page.getByRole('button', { name: 'Open conversations' }).click();
    await drawerIn(page);
    expect(await horizontalOverflow(page)).toEqual([]);
  });

  test('the header fits on one line', async ({ page }) => {
    await startConversation(page, `${uniqueWord('header')}`);
    const header = page.locator('main header');
    const height = await header.evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeLessThan(50);
    await expect(page.getByRole('button', { name: 'Conversation settings' })).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Open conversations' })).toBeInViewport();
  });
});

test.describe('states', () => {
  test('a new chat suggests prompts; one click sends it', async ({ page }) => {
    await page.goto('/');
    const suggestions = page.getByRole('list', { name: 'Suggestions' }).getByRole('button');
    await expect(suggestions).toHaveCount(4);
    await suggestions.filter({ hasText: 'Compare in a table' }).click();
    await expect(userMessages(page).first()).toHaveText('Compare qwen-turbo, qwen-plus and qwen-max in a table.');
    await expect(page).toHaveURL(/\/chat\//);
    await waitForReplyDone(page);
    await expect(assistantMessages(page).last().locator('table')).toBeVisible();
    await expect(page.getByRole('list', { name: 'Suggestions' })).toHaveCount(0);
  });

  test('"Thinking" shows until the first token arrives', async ({ page }) => {
    await page.goto('/');
    // Noted on every change: was "Thinking…" on screen while the reply had no text yet?
    await page.evaluate(() => {
      const w = window as unknown as { __thinkingBeforeText: boolean };
      w.__thinkingBeforeText = false;
      new MutationObserver(() => {
        const thinking = [...document.querySelectorAll('[role="status"]')].some((el) => el.textContent?.includes('Thinking'));
        const text = document.querySelector('[data-role="assistant"]')?.textContent ?? '';
        if (thinking && !text) w.__thinkingBeforeText = true;
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await send(page, `${uniqueWord('ttfb')} [[ttfb=2500]] [[reply=Here%20I%20am.]]`);
    const thinking = page.getByRole('status').filter({ hasText: 'Thinking' });
    await expect(thinking).toBeVisible();
    await expect(assistantMessages(page).last()).toHaveText('Here I am.');
    await expect(thinking).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __thinkingBeforeText: boolean }).__thinkingBeforeText)).toBe(true);
  });

  test('Send is disabled while the message is empty or only spaces', async ({ page }) => {
    await page.goto('/');
    await expect(sendButton(page)).toBeDisabled();
    await composer(page).fill('   \n  ');
    await expect(sendButton(page)).toBeDisabled();
    await composer(page).press('Enter');
    await expect(userMessages(page)).toHaveCount(0);
    await composer(page).fill(' x ');
    await expect(sendButton(page)).toBeEnabled();
  });

  test('toasts confirm rename, delete and copy, in the app theme', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // Dark chosen in the app while the system is light: the toasts are dark too.
    await page.addInitScript(() => localStorage.setItem('theme', 'dark'));
    const word = uniqueWord('toast');
    await startConversation(page, `hello ${word}`);
    const toasts = page.locator('[data-sonner-toast]');

    await page.getByTestId('assistant-turn').last().getByRole('button', { name: 'Copy message' }).click();
    await expect(toasts.filter({ hasText: 'Reply copied' })).toBeVisible();
    await expect(page.locator('[data-sonner-toaster]')).toHaveAttribute('data-sonner-theme', 'dark');
    // A toast never covers the message box (it stays while hovered, so it would block Send).
    const toastBox = (await toasts.first().boundingBox())!;
    const formBox = (await composer(page).locator('xpath=ancestor::form').boundingBox())!;
    expect(toastBox.y + toastBox.height <= formBox.y || toastBox.y >= formBox.y + formBox.height).toBe(true);

    const entry = sidebar(page).getByRole('listitem').filter({ hasText: word });
    await entry.hover();
    await entry.getByRole('button', { name: /^Rename/ }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Title' }).fill(`renamed ${word}`);
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect(toasts.filter({ hasText: 'Conversation renamed' })).toBeVisible();

    await entry.hover();
    await entry.getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect(toasts.filter({ hasText: 'Conversation deleted' })).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
  });

  test('regenerating or editing an earlier message while a reply streams waits, and says why', async ({ page }) => {
    const word = uniqueWord('waits');
    await startConversation(page, `first ${word}`);
    const firstReply = await assistantMessages(page).first().innerText();
    // Long enough to outlast the steps below on a loaded machine; stopped once they are done.
    await send(page, `second ${word} [[tokens=600]] [[delay=30]]`);
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
    await page.getByTestId('assistant-turn').first().getByRole('button', { name: 'Regenerate reply' }).click();
    await expect(page.locator('[data-sonner-toast]').filter({ hasText: 'A reply is still being written' })).toBeVisible();
    // An edit being written is kept, not thrown away, when it is refused.
    await page.getByTestId('user-turn').first().hover();
    await page.getByTestId('user-turn').first().getByRole('button', { name: 'Edit message' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill(`edited ${word}`);
    await page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    await expect(page.getByRole('textbox', { name: 'Edit message' })).toHaveValue(`edited ${word}`);
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForReplyDone(page);
    // Nothing was regenerated: the first reply is as it was, and two turns are shown.
    await expect(assistantMessages(page)).toHaveCount(2);
    expect(await assistantMessages(page).first().innerText()).toBe(firstReply);
  });

  test('the demo banner is shown without an API key, and fits a phone', async ({ page }) => {
    await page.setViewportSize(MOBILE);
    await page.goto(`http://127.0.0.1:${DEMO_PORT}/`);
    const banner = page.getByRole('status').filter({ hasText: 'Demo model' });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('AIMLAPI_API_KEY');
    expect(await horizontalOverflow(page)).toEqual([]);
    await expect(composer(page)).toBeInViewport();
  });
});

test.describe('accessibility', () => {
  async function seriousViolations(page: Page) {
    const results = await new AxeBuilder({ page }).analyze();
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    test(`axe: no serious or critical violations, ${theme} theme`, async ({ page }) => {
      test.setTimeout(60_000);
      await useTheme(page, theme);
      await page.goto('/');
      await expect(page.getByRole('list', { name: 'Suggestions' })).toBeVisible();
      expect(await seriousViolations(page), 'new chat').toEqual([]);

      const word = uniqueWord('axe');
      await send(page, `${word} ${scripted(`${RICH}\n\nInline \`code\`, a [link](https://example.com) and $x^2$.`)}`);
      await waitForReplyDone(page);
      await expect(assistantMessages(page).last().locator('pre code span span').first()).toBeAttached();
      await expect(assistantMessages(page).last().locator('.katex').first()).toBeAttached();
      expect(await seriousViolations(page), 'conversation with code and a table').toEqual([]);

      await searchBox(page).fill(word);
      await expect(page.getByRole('navigation', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
      expect(await seriousViolations(page), 'search results').toEqual([]);

      await searchBox(page).fill('');
      await page.getByRole('button', { name: 'Conversation settings' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      expect(await seriousViolations(page), 'settings dialog').toEqual([]);
    });
  }

  test('axe on a phone: the open drawer and the conversation behind it, light and dark', async ({ page }) => {
    test.setTimeout(60_000);
    await page.setViewportSize(MOBILE);
    for (const theme of ['light', 'dark'] as Theme[]) {
      await useTheme(page, theme);
      await startConversation(page, `${uniqueWord('axephone')} ${scripted(RICH)}`);
      await expect(assistantMessages(page).last().locator('pre code span span').first()).toBeAttached();
      expect(await seriousViolations(page), `${theme}: conversation`).toEqual([]);
      await page.getByRole('button', { name: 'Open conversations' }).click();
      await drawerIn(page);
      expect(await seriousViolations(page), `${theme}: drawer open`).toEqual([]);
    }
  });

  test('a finished reply is announced once, politely; nothing is announced while it streams', async ({ page }) => {
    await page.goto('/');
    const announcer = page.getByTestId('reply-announcer');
    await expect(announcer).toHaveAttribute('aria-live', 'polite');
    // Everything the live region holds while a reply streams, recorded on every change.
    await page.evaluate(() => {
      const w = window as unknown as { __heardWhileStreaming: string[]; __sawStreaming: boolean };
      w.__heardWhileStreaming = [];
      w.__sawStreaming = false;
      const check = () => {
        const streaming = [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Stop');
        if (!streaming) return;
        if (document.querySelector('[data-role="assistant"]')?.textContent) w.__sawStreaming = true;
        const text = document.querySelector('[data-testid="reply-announcer"]')?.textContent ?? '';
        if (text) w.__heardWhileStreaming.push(text);
      };
      new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const reply = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    await send(page, `${uniqueWord('live')} ${scripted(reply, '[[delay=40]]')}`);
    await expect(assistantMessages(page).last()).toContainText('word3');
    // The streaming message is not itself a live region.
    expect(
      await assistantMessages(page)
        .last()
        .evaluate((el) => {
          for (let a: Element | null = el; a; a = a.parentElement) {
            if (a.hasAttribute('aria-live') || ['log', 'status', 'alert'].includes(a.getAttribute('role') ?? '')) return true;
          }
          return false;
        }),
    ).toBe(false);
    await waitForReplyDone(page);
    await expect(announcer).toHaveText(reply);
    expect(await page.evaluate(() => (window as unknown as { __sawStreaming: boolean }).__sawStreaming)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __heardWhileStreaming: string[] }).__heardWhileStreaming)).toEqual([]);

    // The next reply replaces it, again only when finished.
    await send(page, `${uniqueWord('live')} ${scripted('Second answer.', '[[ttfb=800]]')}`);
    await expect(announcer).toHaveText('');
    await waitForReplyDone(page);
    await expect(announcer).toHaveText('Second answer.');
  });
});

test.describe('weight', () => {
  /** Gzipped size of the scripts a page's HTML loads before it is interactive (what Next calls first-load JS). */
  async function firstLoadJs(page: Page, path: string) {
    const res = await page.request.get(path);
    const html = await res.text();
    // Modern browsers skip the nomodule polyfills.
    const tags = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]).filter((t) => !/\bnomodule\b/i.test(t));
    const srcs = [...new Set(tags.map((t) => /\ssrc="([^"]+)"/.exec(t)?.[1]).filter((src): src is string => Boolean(src)))];
    let bytes = 0;
    let text = '';
    for (const src of srcs) {
      const body = await (await page.request.get(src)).body();
      bytes += gzipSync(body).byteLength;
      text += body.toString('utf8');
    }
    return { kb: bytes / 1024, text, count: srcs.length };
  }

  test('first-load JS of / and /chat/[id] stays within 250 KB gzipped, without KaTeX', async ({ page }) => {
    const id = await startConversation(page, `${uniqueWord('weight')} ${scripted(RICH)}`);
    for (const path of ['/', `/chat/${id}`]) {
      const { kb, text, count } = await firstLoadJs(page, path);
      console.log(`${path}: ${count} scripts, ${kb.toFixed(1)} KB gzipped`);
      expect(count).toBeGreaterThan(0);
      expect(kb, `${path} first-load JS`).toBeLessThanOrEqual(250);
      // ~30 KB of it was Vercel's AI Gateway client, which `ai` builds on load; next.config.ts stubs it.
      expect(text.includes('ai-gateway.vercel.sh'), `${path} bundles the AI Gateway client`).toBe(false);
      expect(text.includes('KaTeX parse error'), `${path} loads KaTeX up front`).toBe(false);
    }
  });
});
