import { describe, expect, it } from 'vitest';
import { drawDrawdown, renderDrawdown } from '../../src/charts/index.ts';
import { count, expectPng, isRed, matchingRowsByColumn, times } from './png.ts';

/** 0 → −30% at the middle → back to −10%: a single trough. */
const trough = {
  t: times(61),
  drawdown: Array.from({ length: 61 }, (_, i) => (i <= 30 ? -0.01 * i : -0.3 + (0.2 * (i - 30)) / 30)),
};

describe('renderDrawdown', () => {
  it('is a deterministic 800×500 PNG', async () => {
    const a = await renderDrawdown(trough);
    const b = await renderDrawdown({ t: [...trough.t], drawdown: [...trough.drawdown] });
    await expectPng(a, 800, 500);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('fills red from the 0% line at the top of the plot down to the curve, deepest at the trough', async () => {
    const r = await drawDrawdown(trough);
    const p = await expectPng(r.png, 800, 500);
    const { left, right, top, bottom } = r.chartArea;
    const red = matchingRowsByColumn(p, r.chartArea, isRed);
    const depth = (x: number): number => red.get(Math.round(x))?.length ?? 0;
    const w = right - left;
    const h = bottom - top;
    const mid = left + w / 2;
    // At the trough (−30%) the red column reaches far down; near the start (≈ 0%) there is almost none.
    expect(depth(mid)).toBeGreaterThan(0.7 * h);
    expect(depth(left + 0.02 * w)).toBeLessThan(0.1 * h);
    // At the end (−10%), about a third of the trough's depth.
    const ratio = depth(right - 2) / depth(mid);
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(0.5);
    // The fill hangs from the top: in the trough column the red run starts at the plot's top edge.
    expect(Math.min(...(red.get(Math.round(mid)) ?? [Infinity]))).toBeLessThan(top + 4);
    // Nothing red above the plot area (0% is its top: the y axis stops at zero).
    expect(count(p, { left, right, top: 0, bottom: top - 1 }, isRed)).toBe(0);
  });

  it('draws an all-zero series (never below the peak) as an empty band under 0%', async () => {
    const r = await drawDrawdown({ t: times(5), drawdown: [0, 0, 0, 0, 0] });
    const p = await expectPng(r.png, 800, 500);
    const red = matchingRowsByColumn(p, r.chartArea, isRed);
    const deepest = Math.max(...[...red.values()].map((rows) => rows.length));
    expect(deepest).toBeLessThan(6);
  });

  it.each([
    ['a positive drawdown', { t: times(2), drawdown: [0, 0.12] }, /drawdown\[1\] must be ≤ 0 .*got 0.12/],
    ['unequal lengths', { t: times(2), drawdown: [0] }, /t and drawdown must have the same length, got 2 and 1/],
    ['one point', { t: times(1), drawdown: [0] }, /at least 2 points/],
    ['NaN', { t: times(2), drawdown: [0, Number.NaN] }, /drawdown\[1\] must be a finite number/],
    ['unsorted t', { t: [2, 1], drawdown: [0, 0] }, /strictly increasing/],
  ])('throws a RangeError on %s', async (_name, input, message) => {
    const p = renderDrawdown(input);
    await expect(p).rejects.toBeInstanceOf(RangeError);
    await expect(p).rejects.toThrow(message);
  });
});
