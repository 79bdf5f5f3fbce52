/**
 * Scripts the benchmarks install in a page before it loads (Playwright `addInitScript`).
 *
 * They are plain JavaScript strings on purpose: the bench runs through tsx, whose esbuild transform
 * keeps function names by wrapping named functions in a `__name(…)` helper. A function passed to
 * `addInitScript` is serialised without that helper, so in the page it throws at its first named
 * function — silently, leaving the probe empty and every figure at zero.
 */

/** Records every layout shift in `window.__benchShifts` ({ value, t, recent, sources }); sets `__benchShiftProbe` once observing. */
export const LAYOUT_SHIFT_PROBE = `
(() => {
  const shifts = [];
  window.__benchShifts = shifts;
  const describe = (node) => {
    if (!node || !(node instanceof Element)) return (node && node.nodeName) || '?';
    const cls = typeof node.className === 'string' ? node.className.split(/\\s+/).slice(0, 3).join('.') : '';
    return node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') + (cls ? '.' + cls : '');
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      shifts.push({ value: e.value, t: e.startTime, recent: e.hadRecentInput, sources: (e.sources || []).map((s) => describe(s.node)) });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  window.__benchShiftProbe = 'observing';
})();
`;

/**
 * Watches the main thread into \`window.__benchMain\`: 'longtask' entries (tasks over 50 ms, all
 * Chromium reports) and, for shorter ones, the gaps between ticks of a 0 ms timer longer than 8 ms
 * (a task delays the next tick by its length; nested timers tick every ~4 ms when idle).
 */
export const MAIN_THREAD_PROBE = `
(() => {
  const main = { ticks: 0, gaps: [], tasks: [] };
  window.__benchMain = main;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    main.ticks++;
    if (now - last > 8) main.gaps.push({ t: last, gap: now - last });
    last = now;
    setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) main.tasks.push({ t: e.startTime, d: e.duration });
  }).observe({ type: 'longtask', buffered: true });
})();
`;
