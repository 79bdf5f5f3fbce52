/**
 * Gates let a test hold a streaming reply at a known point and release it when the test is ready
 * (`[[gate=NAME]]` in the message; `POST /__gate/NAME` on the stand-in server opens it), so a test
 * of what happens *while* a reply streams waits on state, never on how fast the machine is.
 * A gate opened before anyone waits stays open.
 */
const opened = new Set<string>();
const waiting = new Map<string, (() => void)[]>();
/** Bounded: a long test run opens many gates. */
const MAX_OPENED = 10_000;

export function openGate(name: string): void {
  opened.add(name);
  if (opened.size > MAX_OPENED) opened.delete(opened.values().next().value!);
  for (const release of waiting.get(name) ?? []) release();
  waiting.delete(name);
}

/** Resolves when the gate is open, or when `signal` aborts (the client left). */
export function waitForGate(name: string, signal: AbortSignal): Promise<void> {
  if (opened.has(name) || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const list = waiting.get(name) ?? [];
    list.push(resolve);
    waiting.set(name, list);
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
