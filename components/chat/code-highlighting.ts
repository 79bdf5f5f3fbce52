import { code, type CodeHighlighterPlugin, type HighlightOptions, type HighlightResult } from '@streamdown/code';

/**
 * Streamdown's Shiki plugin, with the highlighting of finished code blocks spread over separate
 * tasks, one block each.
 *
 * The plugin tokenizes in a promise callback, so when a page of 100 older messages renders, every
 * block's tokenizing runs back to back in one microtask checkpoint: over a second of main thread
 * for a page of code-heavy messages, during which the page can't scroll or take a keystroke. Here
 * each block waits its turn; the newest request goes first (the block nearest the bottom, where
 * the user is reading), and blocks already highlighted come straight from the plugin's cache.
 * A block still streaming is highlighted at once: it is the one on screen, and is short.
 */
/** The themes the chat renders code in (light, dark). */
export const CODE_THEMES: HighlightOptions['themes'] = ['github-light-default', 'github-dark-default'];

/**
 * Languages replies most often hold. Each one's first use builds a highlighter and compiles its
 * grammar: 50–150 ms in one task on a 2-core machine, which landed in the middle of a streaming
 * reply. They are built ahead, one per idle period, after the renderer has loaded.
 */
const COMMON_LANGUAGES = ['typescript', 'python', 'javascript', 'bash', 'json'] as const;
let warmed = false;

export function warmUpHighlighting(): void {
  if (warmed || typeof window === 'undefined' || typeof requestIdleCallback !== 'function') return;
  warmed = true;
  const languages = [...COMMON_LANGUAGES];
  const next = () => {
    const language = languages.shift();
    if (!language) return;
    let done = false;
    const continueLater = () => {
      if (done) return;
      done = true;
      requestIdleCallback(next, { timeout: 10_000 });
    };
    const ready = code.highlight({ code: '', language, themes: CODE_THEMES, isIncomplete: true }, continueLater);
    if (ready) continueLater();
  };
  requestIdleCallback(next, { timeout: 10_000 });
}

type Job = { options: HighlightOptions; callback?: (result: HighlightResult) => void };

const queue: Job[] = [];
const highlighted = new Set<string>();
let running = false;

/** A job that never calls back (the plugin logs a failure and stays silent) must not stall the queue. */
const JOB_TIMEOUT_MS = 5_000;
/** The plugin's own cache holds at most 5,000 blocks; remembering more would only hold memory. */
const MAX_REMEMBERED = 5_000;

function keyOf({ code: text, language, themes }: HighlightOptions): string {
  const name = (t: HighlightOptions['themes'][number]) => (typeof t === 'string' ? t : (t.name ?? 'custom'));
  return `${language}:${name(themes[0])}:${name(themes[1])}\n${text}`;
}

function nextTask(run: () => void): void {
  const scheduler = (globalThis as { scheduler?: { postTask?(cb: () => void, o: { priority: string }): Promise<void> } }).scheduler;
  if (scheduler?.postTask) void scheduler.postTask(run, { priority: 'user-visible' });
  else setTimeout(run, 0);
}

function pump(): void {
  if (running) return;
  const job = queue.pop();
  if (!job) return;
  running = true;
  let finished = false;
  const finish = (result?: HighlightResult) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (result) {
      if (highlighted.size >= MAX_REMEMBERED) highlighted.clear();
      highlighted.add(keyOf(job.options));
      job.callback?.(result);
    }
    running = false;
    nextTask(pump);
  };
  const timer = setTimeout(() => finish(), JOB_TIMEOUT_MS);
  const cached = code.highlight(job.options, (result) => finish(result));
  if (cached) finish(cached);
}

export const deferredCode: CodeHighlighterPlugin = {
  ...code,
  highlight(options, callback) {
    if (options.isIncomplete) return code.highlight(options, callback);
    // Known to be in the plugin's cache: answered synchronously, no work.
    if (highlighted.has(keyOf(options))) {
      const cached = code.highlight(options, callback);
      if (cached) return cached;
      highlighted.delete(keyOf(options)); // evicted meanwhile: the call above re-highlights and calls back
      return null;
    }
    queue.push({ options, callback });
    nextTask(pump);
    return null;
  },
};
