import { describe, expect, it } from 'vitest';
import { drawEquityCurve, renderEquityCurve } from '../../src/charts/index.ts';
import {
  count, expectPng, isBlue, isDark, isWhite, matchingRowsByColumn, mean, pixel, times,
} from './png.ts';

const rising = { t: times(60), value: Array.from({ length: 60 }, (_, i) => 10_000 + 50 * i) };

/** The line's mean row in each column of the plot area. */
async function lineRows(input: Parameters<typeof drawEquityCurve>[0]) {
  const r = await drawEquityCurve(input);
  const p = await expectPng(r.png, r.width, r.height);
  const byColumn = matchingRowsByColumn(p, r.chartArea, isBlue);
  const cols = [...byColumn.keys()].sort((a, b) => a - b);
  const rowAt = (x: number): number => mean(byColumn.get(x) ?? []);
  return { r, p, cols, rowAt };
}

describe('renderEquityCurve', () => {
  it('is an 800×500 PNG on an opaque white background by default', async () => {
    const png = await renderEquityCurve(rising);
    const p = await expectPng(png, 800, 500);
    expect(pixel(p, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(p, 799, 499)).toEqual([255, 255, 255, 255]);
    // Small enough for any chat: Telegram photos may be 10 MB.
    expect(png.length).toBeLessThan(200_000);
  });

  it('is deterministic: the same input gives the same bytes, a different input different bytes', async () => {
    const a = await renderEquityCurve(rising);
    const b = await renderEquityCurve({ t: [...rising.t], value: [...rising.value] });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = await renderEquityCurve({ ...rising, value: rising.value.map((v, i) => (i === 30 ? v + 400 : v)) });
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('is deterministic when charts render concurrently', async () => {
    const serial = await renderEquityCurve(rising);
    const parallel = await Promise.all([1, 2, 3, 4].map(() => renderEquityCurve(rising)));
    for (const png of parallel) expect(Buffer.from(png).equals(Buffer.from(serial))).toBe(true);
  });

  it('draws a rising series low on the left and high on the right, across the plot', async () => {
    const { r, cols, rowAt } = await lineRows(rising);
    const { left, right } = r.chartArea;
    const w = right - left;
    // The line spans the plot area from edge to edge (x axis runs from t[0] to t[n-1]).
    expect(cols[0]).toBeLessThan(left + 0.03 * w);
    expect(cols.at(-1)).toBeGreaterThan(right - 0.03 * w);
    const leftCols = cols.filter((x) => x < left + w / 4);
    const rightCols = cols.filter((x) => x > right - w / 4);
    // Image rows grow downwards: a rising line has larger rows on the left.
    expect(mean(leftCols.map(rowAt))).toBeGreaterThan(mean(rightCols.map(rowAt)) + 100);
    // And it rises monotonically (allowing anti-aliasing jitter of a pixel or two).
    const sampled = cols.filter((_, i) => i % 20 === 0).map(rowAt);
    sampled.slice(1).forEach((row, i) => expect(row).toBeLessThanOrEqual((sampled[i] ?? 0) + 2));
  });

  it('draws a V: the lowest value in the middle is the lowest point of the line', async () => {
    const value = Array.from({ length: 41 }, (_, i) => 5_000 + 100 * Math.abs(i - 20));
    const { r, cols, rowAt } = await lineRows({ t: times(41), value });
    const mid = (r.chartArea.left + r.chartArea.right) / 2;
    const deepest = cols.reduce((best, x) => (rowAt(x) > rowAt(best) ? x : best));
    expect(Math.abs(deepest - mid)).toBeLessThan(15);
  });

  it('places points by time, not by index: uneven timestamps bend the line where the time is', async () => {
    // Two points close together at the start, then one far away: the kink sits at ~10% of the width, not 50%.
    const t = [0, 1, 10].map((d) => Date.UTC(2026, 0, 1) + d * 86_400_000);
    const { r, cols, rowAt } = await lineRows({ t, value: [100, 200, 200] });
    const { left, right } = r.chartArea;
    const flatFrom = cols.find((x) => Math.abs(rowAt(x) - rowAt(cols.at(-1) ?? x)) < 2) ?? right;
    expect((flatFrom - left) / (right - left)).toBeGreaterThan(0.05);
    expect((flatFrom - left) / (right - left)).toBeLessThan(0.2);
  });

  it('writes the title in dark text top-left, and nothing when drawn without a font', async () => {
    const titleBox = { left: 0, top: 0, right: 200, bottom: 40 };
    const withText = await expectPng(await renderEquityCurve({ ...rising, title: 'Equity' }), 800, 500);
    expect(count(withText, titleBox, isDark)).toBeGreaterThan(100);
    const r = await drawEquityCurve(rising, { fontFamily: null });
    const bare = await expectPng(r.png, 800, 500);
    expect(count(bare, titleBox, isDark)).toBe(0);
    // No tick labels either: left of the plot area (and its 8 px tick marks) everything is white.
    expect(count(bare, { left: 0, top: 0, right: r.chartArea.left - 10, bottom: 500 }, (c) => !isWhite(c))).toBe(0);
    // The line is still drawn.
    expect(matchingRowsByColumn(bare, r.chartArea, isBlue).size).toBeGreaterThan(500);
  });

  it('honours a custom size and pixel ratio', async () => {
    await expectPng(await renderEquityCurve(rising, { width: 640, height: 360 }), 640, 360);
    const r = await drawEquityCurve(rising, { devicePixelRatio: 2 });
    await expectPng(r.png, 1600, 1000);
    expect(r.chartArea.right).toBeGreaterThan(1200);
  });

  it('does not extend the value axis below $0 for a series that starts at $0', async () => {
    const { r, cols, rowAt } = await lineRows({ t: times(2), value: [0, 1_000] });
    // The first point sits on the bottom edge of the plot: no negative headroom under it.
    expect(Math.abs(rowAt(cols[0] ?? 0) - r.chartArea.bottom)).toBeLessThan(4);
  });

  it('draws a flat series (min = max) without failing', async () => {
    const { cols } = await lineRows({ t: times(10), value: Array.from({ length: 10 }, () => 1_000) });
    expect(cols.length).toBeGreaterThan(500);
  });

  it.each([
    ['unequal lengths', { t: times(3), value: [1, 2] }, /t and value must have the same length, got 3 and 2/],
    ['one point', { t: times(1), value: [1] }, /at least 2 points, got 1/],
    ['no points', { t: [], value: [] }, /at least 2 points, got 0/],
    ['NaN value', { t: times(3), value: [1, Number.NaN, 3] }, /value\[1\] must be a finite number, got NaN/],
    ['infinite value', { t: times(2), value: [1, Infinity] }, /value\[1\] must be a finite number/],
    ['non-increasing t', { t: [2, 2], value: [1, 2] }, /t must be strictly increasing/],
    ['decreasing t', { t: [5, 4, 3], value: [1, 2, 3] }, /t must be strictly increasing/],
    ['string in t', { t: [1, '2'], value: [1, 2] }, /t\[1\] must be a finite number, got "2"/],
    ['timestamp out of Date range', { t: [0, 1e17], value: [1, 2] }, /t\[1\] is not a valid epoch-ms timestamp/],
    ['value not an array', { t: times(2), value: 'x' }, /value must be an array of numbers/],
    ['title not a string', { ...rising, title: 5 }, /title must be a string/],
  ])('throws a RangeError on %s', async (_name, input, message) => {
    const p = renderEquityCurve(input as never);
    await expect(p).rejects.toThrow(RangeError);
    await expect(p).rejects.toThrow(message);
  });

  it.each([
    [{ width: 100 }, /width must be a whole number of pixels from 200 to 3000, got 100/],
    [{ height: 500.5 }, /height must be a whole number/],
    [{ devicePixelRatio: 0 }, /devicePixelRatio must be a number from 1 to 3/],
    [{ fontFamily: '' }, /fontFamily must be a family name or null/],
  ])('throws a RangeError on bad options %o', async (options, message) => {
    await expect(renderEquityCurve(rising, options)).rejects.toThrow(message);
    await expect(renderEquityCurve(rising, options)).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects a missing input object', async () => {
    await expect(renderEquityCurve(null as never)).rejects.toThrow(/renderEquityCurve: expected an input object/);
  });
});
