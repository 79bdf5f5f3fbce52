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

/** Collects Chromium's 'longtask' entries (tasks over 50 ms) in `window.__benchLongTasks`. */
export const LONG_TASK_PROBE = `
(() => {
  const log = { observing: false, tasks: [] };
  window.__benchLongTasks = log;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) log.tasks.push({ t: e.startTime, d: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  log.observing = true;
})();
`;
