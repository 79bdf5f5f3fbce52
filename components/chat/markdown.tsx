'use client';

import { code } from '@streamdown/code';
import type { MathPlugin } from '@streamdown/math';
import { memo, useEffect, useRef, useState } from 'react';
import { Streamdown } from 'streamdown';
import { protectCurrency } from '@/lib/math-text';

let mathPlugin: MathPlugin | null = null;
let mathLoading: Promise<MathPlugin> | null = null;

function loadMath(): Promise<MathPlugin> {
  mathLoading ??= import('./math').then((m) => (mathPlugin = m.math));
  return mathLoading;
}

/** KaTeX, fetched the first time a reply could hold math (it has a `$`); null until it has arrived. */
function useMath(needed: boolean): MathPlugin | null {
  const [plugin, setPlugin] = useState(mathPlugin);
  useEffect(() => {
    if (!needed || plugin) return;
    let live = true;
    void loadMath().then((p) => live && setPlugin(p));
    return () => {
      live = false;
    };
  }, [needed, plugin]);
  return needed ? plugin : null;
}

const withoutMath = { code };
let withMath: { code: typeof code; math: MathPlugin } | null = null;

/**
 * Model output as markdown: GFM, highlighted code, LaTeX math, and unfinished syntax (an open code
 * fence, half a table) rendered sensibly while it streams. Raw HTML goes through Streamdown's
 * sanitizer and link hardening, so nothing in a reply can run script.
 */
export const Markdown = memo(function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const math = useMath(text.includes('$'));
  if (math && !withMath) withMath = { code, math };
  const root = useRef<HTMLDivElement>(null);
  // A code fence arrives a few characters at a time: hold back one or two backticks that start the
  // last line until the third (or something else) arrives, so no stray backticks flash on screen.
  const shown = streaming ? text.replace(/(^|\n) {0,3}`{1,2}$/, '$1') : text;
  useScrollableFocus(root, streaming ? null : text);
  return (
    <div ref={root}>
    <Streamdown
      plugins={math ? withMath! : withoutMath}
      mode={streaming ? 'streaming' : 'static'}
      isAnimating={streaming}
      shikiTheme={['github-light-default', 'github-dark-default']}
      className="markdown space-y-3 text-[15px] leading-7"
    >
      {math ? protectCurrency(shown) : shown}
    </Streamdown>
    </div>
  );
});

/** Streamdown's code body, the box around a table (the table's parent), KaTeX's display block. */
const SCROLLERS = '[data-streamdown="code-block-body"], [data-streamdown="table-wrapper"] > div:has(> table), .katex-display';

/**
 * A code block, table or formula wider than the message scrolls sideways inside itself; keyboard
 * users scroll it with the arrow keys once it can take focus, so such a box gets tabindex=0.
 */
function useScrollableFocus(root: React.RefObject<HTMLDivElement | null>, settled: string | null) {
  useEffect(() => {
    const el = root.current;
    if (!el || settled === null) return;
    const mark = () => {
      for (const box of el.querySelectorAll<HTMLElement>(SCROLLERS)) {
        if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) box.tabIndex = 0;
        else box.removeAttribute('tabindex');
      }
    };
    // Highlighting and math arrive a moment after the text; widths change with the window.
    const observer = new ResizeObserver(mark);
    observer.observe(el);
    for (const box of el.querySelectorAll(SCROLLERS)) observer.observe(box);
    const mutations = new MutationObserver(mark);
    mutations.observe(el, { childList: true, subtree: true });
    mark();
    return () => {
      observer.disconnect();
      mutations.disconnect();
    };
  }, [root, settled]);
}
