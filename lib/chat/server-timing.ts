/**
 * The `Server-Timing` header of POST /api/chat: what the server spent before calling the model,
 * visible in the browser's network panel and read by `npm run bench` (a long conversation must not
 * delay the first token).
 */
export function serverTiming(timings: { storeMs: number; promptMs: number }): string {
  const ms = (n: number) => Math.max(0, n).toFixed(2);
  return [
    `store;dur=${ms(timings.storeMs)};desc="save message, read branch"`,
    `prompt;dur=${ms(timings.promptMs)};desc="build upstream request"`,
  ].join(', ');
}
