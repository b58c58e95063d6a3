import { describe, expect, it } from 'vitest';
import { decimalsFor, pctTick, usdTick } from '../../src/charts/axis-format.ts';
import { timeTicks } from '../../src/charts/time-axis.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const jan1 = Date.UTC(2026, 0, 1);

describe('timeTicks', () => {
  it('labels ~4 months with the 1st of each month and the year under the first', () => {
    const min = Date.UTC(2026, 0, 10);
    const max = Date.UTC(2026, 4, 10);
    const { ticks, intraday } = timeTicks(min, max, 6);
    expect(intraday).toBe(false);
    expect(ticks.map((k) => k.value)).toEqual([1, 2, 3, 4].map((m) => Date.UTC(2026, m, 1)));
    expect(ticks.map((k) => k.label)).toEqual([['Feb', '2026'], 'Mar', 'Apr', 'May']);
  });

  it('labels two days of hourly data with times, the date under the first tick of each day', () => {
    const { ticks, intraday } = timeTicks(jan1, jan1 + 47 * HOUR, 6);
    expect(intraday).toBe(true);
    expect(ticks.map((k) => k.label)).toEqual([
      ['00:00', 'Jan 1'], '12:00', ['00:00', 'Jan 2'], '12:00',
    ]);
  });

  it('labels a few weeks by day, adding the year when it changes', () => {
    const { ticks } = timeTicks(Date.UTC(2025, 11, 20), Date.UTC(2026, 0, 12), 6);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(6);
    const years = ticks.filter((k) => Array.isArray(k.label)).map((k) => (k.label as string[])[1]);
    expect(years).toEqual(['2025', '2026']);
  });

  it('labels decades by year', () => {
    const { ticks } = timeTicks(Date.UTC(2001, 5, 1), Date.UTC(2025, 5, 1), 6);
    expect(ticks.map((k) => k.label)).toEqual(['2005', '2010', '2015', '2020', '2025']);
  });

  it('keeps every tick inside the range and at most `target` of them, for ranges from seconds to years', () => {
    for (const span of [30_000, 5 * 60_000, 3 * HOUR, DAY, 9 * DAY, 45 * DAY, 400 * DAY, 3000 * DAY]) {
      const min = jan1 + 12_345;
      const { ticks } = timeTicks(min, min + span, 6);
      expect(ticks.length, `span ${span}`).toBeGreaterThanOrEqual(2);
      expect(ticks.length, `span ${span}`).toBeLessThanOrEqual(6);
      for (const k of ticks) {
        expect(k.value).toBeGreaterThanOrEqual(min);
        expect(k.value).toBeLessThanOrEqual(min + span);
      }
    }
  });

  it('falls back to the two ends, with seconds, for a range under a minute', () => {
    const { ticks } = timeTicks(jan1 + 5_000, jan1 + 35_000, 6);
    expect(ticks.map((k) => k.label)).toEqual([['00:00:05', 'Jan 1'], '00:00:35']);
  });
});

describe('tick labels', () => {
  it('gives a step the decimals it needs', () => {
    expect([1, 0.5, 0.25, 0.1, 0.05, 0.001, 2000, 0.1 + 0.2 - 0.2].map(decimalsFor)).toEqual([0, 1, 2, 1, 2, 3, 0, 1]);
  });

  it('writes USD ticks in one unit per axis with the digits the step needs', () => {
    expect(usdTick(12_500, 500, 15_000)).toBe('$12.5k');
    expect(usdTick(9_900, 100, 10_200)).toBe('$9.9k');
    expect(usdTick(8_000, 2_000, 18_000)).toBe('$8k');
    expect(usdTick(1_500_000, 250_000, 2_000_000)).toBe('$1.50M');
    expect(usdTick(3e9, 1e9, 3e9)).toBe('$3B');
    expect(usdTick(2_500, 500, 5_000)).toBe('$2,500');
    expect(usdTick(-500, 250, 1_000)).toBe('-$500');
    expect(usdTick(0, 0.5, 2)).toBe('$0');
    expect(usdTick(0, 500_000, 1_500_000)).toBe('$0');
    expect(usdTick(0.5, 0.5, 2)).toBe('$0.5');
  });

  it('writes percent ticks for fractions', () => {
    expect(pctTick(-0.1, 0.02)).toBe('-10%');
    expect(pctTick(-0.025, 0.005)).toBe('-2.5%');
    expect(pctTick(0, 0.05)).toBe('0%');
    expect(pctTick(1.5, 0.5)).toBe('150%');
  });
});
