import { expect, test, type Locator, type Page } from '@playwright/test';
import { assistantMessages, send, userMessages, waitForReplyDone } from './helpers';

/**
 * Hostile markup, as a model reply (rendered as sanitized markdown) and as a user message
 * (rendered as plain text). Each payload tries to set `window.__xss` or open a dialog. Two layers
 * stand in the way — the markdown sanitizer and the CSP (no inline script, no handlers) — and
 * these tests check the first on its own: the rendered DOM must hold nothing executable at all,
 * and no CSP violation may be reported (a violation would mean only the CSP saved us).
 */
const PAYLOADS: Record<string, string> = {
  'raw script': '<script>window.__xss = 1; alert(1)</script>',
  'img onerror': '<img src="x" onerror="window.__xss=1;alert(1)">',
  'markdown javascript: link': '[click me](javascript:window.__xss=1)',
  'markdown javascript: link in angle brackets': '[click me](<javascript:alert(1)>)',
  'html javascript: link': '<a href="javascript:window.__xss=1">click me</a>',
  'mixed-case javascript: link with blanks': '<a href="  JaVaScRiPt:window.__xss=1">click me</a>',
  'entity-encoded javascript: link': '<a href="jav&#x61;script:window.__xss=1">click me</a> [md](jav&#x61;script:alert(1))',
  'tab inside javascript:': '<a href="java&#9;script:window.__xss=1">click me</a>',
  'markdown data:text/html link': '[open](data:text/html;base64,PHNjcmlwdD5vcGVuZXIuX194c3M9MTwvc2NyaXB0Pg==)',
  'html data:text/html link': '<a href="data:text/html,<script>alert(1)</script>">open</a>',
  'svg onload': '<svg onload="window.__xss=1"><circle r="10"></circle></svg>',
  'svg script': '<svg><script>window.__xss=1</script></svg>',
  'iframe srcdoc': '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
  'object and embed': '<object data="javascript:window.__xss=1"></object><embed src="javascript:window.__xss=1">',
  'math/style mutation': '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1"></style></mglyph></table></mtext></math>',
  'form action': '<form action="javascript:window.__xss=1"><button>Submit</button></form>',
  'input autofocus onfocus': '<input autofocus onfocus="window.__xss=1">',
  'details ontoggle': '<details open ontoggle="window.__xss=1"><summary>x</summary>y</details>',
  'event handlers on plain tags': '<div onmouseover="window.__xss=1" onclick="alert(1)">hover me</div><p onpointerenter="window.__xss=1">me too</p>',
  'css expression and javascript: url': '<div style="width: expression(window.__xss=1); background: url(javascript:window.__xss=1)">css</div>',
  'markdown image with javascript: src': '![pic](javascript:window.__xss=1) ![pic2](x" onerror="window.__xss=1)',
  'base and meta refresh': '<base href="javascript:/"><meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
  'script in a code fence': '```html\n<script>window.__xss = 1</script>\n<img src=x onerror=alert(1)>\n```',
  'script split across markdown': 'before <scr<script>ipt>window.__xss=1</scr</script>ipt> after',
};

async function watch(page: Page) {
  const dialogs: string[] = [];
  const violations: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) violations.push(msg.text());
  });
  return { dialogs, violations };
}

/** Nothing in `message` can run script: no such elements, no handlers, no script URLs. */
async function expectInert(message: Locator) {
  const found = await message.evaluate((root) => {
    const bad: string[] = [];
    for (const el of root.querySelectorAll('script, iframe, frame, object, embed, base, meta')) bad.push(`<${el.localName}>`);
    for (const el of [root, ...root.querySelectorAll('*')]) {
      for (const attr of el.attributes) {
        const value = attr.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (attr.name.toLowerCase().startsWith('on')) bad.push(`${el.localName}[${attr.name}]`);
        if (/^(href|src|action|formaction|xlink:href|data|srcdoc)$/i.test(attr.name) && /^(javascript|vbscript|data:text\/html)/.test(value)) {
          bad.push(`${el.localName}[${attr.name}=${attr.value}]`);
        }
        if (attr.name === 'style' && /expression\(|javascript:/.test(value)) bad.push(`${el.localName}[style=${attr.value}]`);
      }
    }
    return bad;
  });
  expect(found).toEqual([]);
}

async function expectNothingRan(page: Page, seen: { dialogs: string[] }, message: Locator) {
  // Hover what was rendered (a surviving onmouseover would fire) and give error/load handlers and
  // autofocus a moment, had they survived.
  const points = await message.locator('*').evaluateAll((els) =>
    els.slice(0, 20).map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }),
  );
  for (const { x, y } of points) await page.mouse.move(x, y);
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(seen.dialogs).toEqual([]);
}

for (const [name, payload] of Object.entries(PAYLOADS)) {
  test(`XSS: ${name}`, async ({ page }) => {
    const seen = await watch(page);
    await page.goto('/');

    // As the model's reply.
    await send(page, `xss test [[reply=${encodeURIComponent(payload)}]]`);
    await expect(page).toHaveURL(/\/chat\/[\w-]+$/);
    await waitForReplyDone(page);
    const reply = assistantMessages(page).last();
    await expect(reply).toHaveAttribute('data-status', 'complete');
    // The renderer was fed exactly the payload.
    const id = page.url().split('/chat/')[1]!;
    const stored = await (await page.request.get(`/api/conversations/${id}`)).json();
    expect(stored.messages[1].parts.map((p: { text?: string }) => p.text ?? '').join('')).toBe(payload);
    await expectInert(reply);
    await expectNothingRan(page, seen, reply);

    // As the user's own message: shown as the text typed, nothing more.
    await send(page, payload);
    await waitForReplyDone(page);
    const mine = userMessages(page).last();
    await expect(mine).toHaveText(payload, { useInnerText: true });
    expect(await mine.evaluate((el) => el.querySelectorAll('*').length)).toBe(0);
    await expectInert(mine);
    await expectNothingRan(page, seen, mine);

    // And again after a reload, rendered from what the server stored.
    await page.reload();
    await expect(assistantMessages(page)).toHaveCount(2);
    await expect(userMessages(page).last()).toHaveText(payload, { useInnerText: true });
    await expectInert(assistantMessages(page).first());
    await expectInert(userMessages(page).first());
    await expectInert(userMessages(page).last());
    await expectNothingRan(page, seen, assistantMessages(page).first());

    expect(seen.violations, 'the sanitizer, not only the CSP, removed everything').toEqual([]);
  });
}
