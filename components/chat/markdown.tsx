'use client';

import type { MathPlugin } from '@streamdown/math';
import { memo, useEffect, useRef, useState } from 'react';
import { Streamdown } from 'streamdown';
import { protectCurrency } from '@/lib/math-text';
import { CODE_THEMES, deferredCode as code, warmUpHighlighting } from './code-highlighting';

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

// This module is the renderer, loaded after the page; once here, build the common highlighters in idle time.
warmUpHighlighting();

/**
 * Model output as markdown: GFM, highlighted code, LaTeX math, and unfinished syntax (an open code
 * fence, half a table) rendered sensibly while it streams. Raw HTML goes through Streamdown's
 * sanitizer and link hardening, so nothing in a reply can run script.
 */
export const Markdown = memo(function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const math = useMath(text.includes('$'));
  if (math && !withMath) withMath = { code, math };
  const root = useRef<HTMLDivElement>(null);
  // A reply that streamed here stays in Streamdown's streaming mode once it has ended: its static
  // mode renders a different tree, so switching would rebuild the whole reply (DOM, highlighting)
  // in one long task at the very end. The finished text parses the same either way.
  const streamed = useRef(streaming);
  if (streaming) streamed.current = true;
  // A code fence arrives a few characters at a time: hold back one or two backticks that start the
  // last line until the third (or something else) arrives, so no stray backticks flash on screen.
  const shown = streaming ? text.replace(/(^|\n) {0,3}`{1,2}$/, '$1') : text;
  useScrollableFocus(root, streaming ? null : text);
  return (
    <div ref={root}>
    <Streamdown
      plugins={math ? withMath! : withoutMath}
      mode={streamed.current ? 'streaming' : 'static'}
      isAnimating={streaming}
      shikiTheme={CODE_THEMES as [string, string]}
      // Code and tables at full height, scrolling with the chat (sideways inside themselves): a box
      // with its own vertical scroll also made Streamdown re-measure it on every frame while it
      // streamed, a forced layout of the whole page each time.
      codeBlockMaxHeight="none"
      tableMaxHeight="none"
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
 *
 * Measuring whether a box overflows forces layout: done for every message of a long chat it cost
 * seconds of main thread. So a message is measured only while it is on screen or close to it,
 * which is where keys can reach it.
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
    let stopWatching: (() => void) | null = null;
    const watch = () => {
      // Highlighting and math arrive a moment after the text; widths change with the window.
      const resizes = new ResizeObserver(mark);
      resizes.observe(el);
      for (const box of el.querySelectorAll(SCROLLERS)) resizes.observe(box);
      const mutations = new MutationObserver(() => {
        for (const box of el.querySelectorAll(SCROLLERS)) resizes.observe(box);
        mark();
      });
      mutations.observe(el, { childList: true, subtree: true });
      mark();
      return () => {
        resizes.disconnect();
        mutations.disconnect();
      };
    };
    // Most replies hold nothing that can overflow: they need no observer at all (each one costs
    // the browser a little on every frame). Math renders later, so a `$` is reason enough to watch.
    if (!el.querySelector(SCROLLERS) && !settled.includes('$')) return;
    const unobserve = observeNearScreen(el, (near) => {
      if (near && !stopWatching) stopWatching = watch();
      else if (!near && stopWatching) {
        stopWatching();
        stopWatching = null;
      }
    });
    return () => {
      unobserve();
      stopWatching?.();
    };
  }, [root, settled]);
}

/** One IntersectionObserver for every message, rather than one each. */
const nearScreenCallbacks = new Map<Element, (near: boolean) => void>();
let nearScreen: IntersectionObserver | null = null;

function observeNearScreen(el: Element, onChange: (near: boolean) => void): () => void {
  nearScreen ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) nearScreenCallbacks.get(entry.target)?.(entry.isIntersecting);
    },
    { rootMargin: '400px 0px' },
  );
  nearScreenCallbacks.set(el, onChange);
  nearScreen.observe(el);
  return () => {
    nearScreen?.unobserve(el);
    nearScreenCallbacks.delete(el);
  };
}
