import { describe, expect, it } from 'vitest';
import { elapsedSeconds, estimateSkew, formatCountdown, remainingMs } from '../src/countdown.js';

describe('countdown from expires_at', () => {
  it('counts down to the server deadline and stops at zero', () => {
    expect(remainingMs(10_000, 4_000)).toBe(6_000);
    expect(remainingMs(10_000, 12_000)).toBe(0);
    expect(remainingMs(null, 1)).toBeNull();
    expect(remainingMs(undefined, 1)).toBeNull();
  });
  it('applies the clock skew', () => {
    // server clock 3 s ahead of ours: 3 s less left
    expect(remainingMs(10_000, 4_000, 3_000)).toBe(3_000);
  });
  it('formats rounding up', () => {
    expect(formatCountdown(600_000)).toBe('10:00');
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(null)).toBe('');
  });
  it('estimates skew only when it is larger than the header resolution', () => {
    const now = Date.parse('2026-12-01T08:00:00.300Z');
    expect(estimateSkew('Tue, 01 Dec 2026 08:00:00 GMT', now - 100, now + 100)).toBe(0);
    expect(estimateSkew('Tue, 01 Dec 2026 08:00:10 GMT', now, now)).toBe(10_200);
    expect(estimateSkew(null, 0, 0)).toBe(0);
    expect(estimateSkew('garbage', 0, 0)).toBe(0);
  });
  it('elapsed seconds for the task timer', () => {
    expect(elapsedSeconds(1_000, 62_500)).toBe(61);
    expect(elapsedSeconds(5_000, 1_000)).toBe(0);
    expect(elapsedSeconds(null, 1_000)).toBe(0);
  });
});
