import { describe, expect, it } from 'vitest';
import { serverTiming } from './server-timing';

describe('serverTiming', () => {
  it('names each phase with its duration in ms, two decimals, never negative', () => {
    expect(serverTiming({ storeMs: 1.234, promptMs: -0.001 })).toBe(
      'store;dur=1.23;desc="save message, read branch", prompt;dur=0.00;desc="build upstream request"',
    );
  });
});
