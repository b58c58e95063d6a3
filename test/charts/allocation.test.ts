import { describe, expect, it } from 'vitest';
import { drawAllocation, renderAllocation } from '../../src/charts/index.ts';
import type { RenderedChart } from '../../src/charts/index.ts';
import { expectPng, isBlue, isDark, isRed, pixel, type Pixels, type Rgba } from './png.ts';

const input = { labels: ['SOL', 'USDC', 'BTC', 'JUP'], weights: [0.1, 0.4, 0.25, 0.05] };

/** Horizontal extent [from, to] of the bar colour along bar i's centre row (bars split the plot height evenly). */
function barExtent(p: Pixels, r: RenderedChart, n: number, i: number, match: (c: Rgba) => boolean): [number, number] | null {
  const { left, right, top, bottom } = r.chartArea;
  const y = top + ((i + 0.5) * (bottom - top)) / n;
  let from = -1;
  let to = -1;
  for (let x = Math.ceil(left); x <= Math.floor(right); x++) {
    if (match(pixel(p, x, y))) {
      if (from < 0) from = x;
      to = x;
    }
  }
  return from < 0 ? null : [from, to];
}

describe('renderAllocation', () => {
  it('is a deterministic 800×500 PNG', async () => {
    const a = await renderAllocation(input);
    await expectPng(a, 800, 500);
    expect(Buffer.from(a).equals(Buffer.from(await renderAllocation({ ...input })))).toBe(true);
  });

  it('draws one bar per asset, top to bottom in input order, lengths proportional to the weights', async () => {
    const r = await drawAllocation(input);
    const p = await expectPng(r.png, 800, 500);
    const extents = input.weights.map((_, i) => barExtent(p, r, input.weights.length, i, isBlue));
    const lengths = extents.map((e) => (e ? e[1] - e[0] + 1 : 0));
    // All bars start at the same x (the zero line)…
    const starts = extents.map((e) => e?.[0] ?? -1);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThanOrEqual(1);
    // …are ordered like the weights…
    const byLength = [...lengths.keys()].sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0));
    const byWeight = [...input.weights.keys()].sort((a, b) => (input.weights[a] ?? 0) - (input.weights[b] ?? 0));
    expect(byLength).toEqual(byWeight);
    // …and proportional to them (0.4 is 8× 0.05).
    const unit = (lengths[1] ?? 0) / 0.4;
    input.weights.forEach((w, i) => expect(Math.abs((lengths[i] ?? 0) - w * unit)).toBeLessThan(3));
  });

  it('prints each percentage past the end of its bar', async () => {
    const r = await drawAllocation(input);
    const p = await expectPng(r.png, 800, 500);
    const n = input.weights.length;
    for (let i = 0; i < n; i++) {
      const end = barExtent(p, r, n, i, isBlue)?.[1] ?? 0;
      const y = r.chartArea.top + ((i + 0.5) * (r.chartArea.bottom - r.chartArea.top)) / n;
      let dark = 0;
      for (let x = end + 2; x < end + 80; x++) for (let dy = -8; dy <= 8; dy++) if (isDark(pixel(p, x, y + dy))) dark++;
      expect(dark, `label of bar ${i}`).toBeGreaterThan(30);
    }
  });

  it('draws a short (negative weight) in red, leftwards from the zero line', async () => {
    const r = await drawAllocation({ labels: ['SOL-PERP', 'ETH-PERP'], weights: [0.6, -0.3] });
    const p = await expectPng(r.png, 800, 500);
    const long = barExtent(p, r, 2, 0, isBlue);
    const short = barExtent(p, r, 2, 1, isRed);
    expect(long).not.toBeNull();
    expect(short).not.toBeNull();
    // The short ends where the long starts (zero), and is half as long.
    expect(Math.abs((short?.[1] ?? 0) - (long?.[0] ?? 0))).toBeLessThanOrEqual(2);
    const ratio = ((short?.[1] ?? 0) - (short?.[0] ?? 0)) / ((long?.[1] ?? 0) - (long?.[0] ?? 0));
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it('grows taller with many assets so bars stay readable, unless a height is given', async () => {
    const labels = Array.from({ length: 25 }, (_, i) => `ASSET${i}`);
    const weights = labels.map(() => 1 / 25);
    await expectPng(await renderAllocation({ labels, weights }), 800, 980);
    await expectPng(await renderAllocation({ labels, weights }, { height: 600 }), 800, 600);
  });

  it('accepts a single asset', async () => {
    await expectPng(await renderAllocation({ labels: ['USDC'], weights: [1] }), 800, 500);
  });

  it.each([
    ['unequal lengths', { labels: ['A', 'B'], weights: [1] }, /labels and weights must have the same length, got 2 and 1/],
    ['no assets', { labels: [], weights: [] }, /at least 1 asset, got 0/],
    ['a NaN weight', { labels: ['A', 'B'], weights: [0.5, Number.NaN] }, /weights\[1\] must be a finite number/],
    ['a non-string label', { labels: ['A', 2], weights: [0.5, 0.5] }, /labels\[1\] must be a string/],
    ['too many assets', { labels: Array.from({ length: 61 }, () => 'X'), weights: Array.from({ length: 61 }, () => 0) }, /at most 60/],
  ])('throws a RangeError on %s', async (_name, bad, message) => {
    const p = renderAllocation(bad as never);
    await expect(p).rejects.toBeInstanceOf(RangeError);
    await expect(p).rejects.toThrow(message);
  });
});
