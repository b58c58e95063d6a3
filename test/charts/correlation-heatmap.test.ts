import { describe, expect, it } from 'vitest';
import { correlationRgb } from '../../src/charts/correlation-heatmap.ts';
import { drawCorrelationHeatmap, renderCorrelationHeatmap } from '../../src/charts/index.ts';
import type { RenderedChart } from '../../src/charts/index.ts';
import { count, expectPng, isWhite, pixel, type Pixels, type Rgba } from './png.ts';

const labels = ['SOL', 'BTC', 'USDC'];
const matrix = [
  [1, -1, 0],
  [-1, 1, 0.5],
  [0, 0.5, 1],
];

/** The cell (row i, column j) as a pixel rectangle: the grid fills the plot area, n × n. */
function cell(r: RenderedChart, n: number, i: number, j: number) {
  const { left, right, top, bottom } = r.chartArea;
  const w = (right - left) / n;
  const h = (bottom - top) / n;
  return { left: left + j * w, top: top + i * h, right: left + (j + 1) * w, bottom: top + (i + 1) * h, w, h };
}

/** A pixel inside the cell away from its centre (where the value is printed) and its 2 px gap. */
function cellColour(p: Pixels, r: RenderedChart, n: number, i: number, j: number): Rgba {
  const c = cell(r, n, i, j);
  return pixel(p, c.left + c.w * 0.15, c.top + c.h * 0.2);
}

const reddish = ([r, g, b]: Rgba): boolean => r > 150 && g < 80 && b < 80;
const bluish = ([r, g, b]: Rgba): boolean => b > 150 && r < 80 && g < 130;

describe('renderCorrelationHeatmap', () => {
  it('is a deterministic 800×500 PNG', async () => {
    const a = await renderCorrelationHeatmap({ labels, matrix });
    await expectPng(a, 800, 500);
    const b = await renderCorrelationHeatmap({ labels: [...labels], matrix: matrix.map((row) => [...row]) });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('colours +1 red, −1 blue, 0 white and +0.5 pink, at the cells computed from the plot area', async () => {
    for (const fontFamily of [undefined, null]) {
      const r = await drawCorrelationHeatmap({ labels, matrix }, { fontFamily });
      const p = await expectPng(r.png, 800, 500);
      expect(reddish(cellColour(p, r, 3, 0, 0)), 'cell (0,0) = +1').toBe(true);
      expect(reddish(cellColour(p, r, 3, 2, 2)), 'cell (2,2) = +1').toBe(true);
      expect(bluish(cellColour(p, r, 3, 0, 1)), 'cell (0,1) = −1').toBe(true);
      expect(bluish(cellColour(p, r, 3, 1, 0)), 'cell (1,0) = −1').toBe(true);
      expect(isWhite(cellColour(p, r, 3, 0, 2)), 'cell (0,2) = 0').toBe(true);
      const [red, green, blue] = cellColour(p, r, 3, 1, 2);
      expect(red, 'cell (1,2) = 0.5').toBeGreaterThan(200);
      expect(green).toBeGreaterThan(100);
      expect(green).toBeLessThan(180);
      expect(Math.abs(green - blue)).toBeLessThan(20);
    }
  });

  it('prints values in the cells with ≤ 12 assets (white text on saturated cells), none with more', async () => {
    const small = await drawCorrelationHeatmap({ labels, matrix });
    const p = await expectPng(small.png, 800, 500);
    const c = cell(small, 3, 0, 0);
    const centre = { left: c.left + c.w * 0.3, right: c.right - c.w * 0.3, top: c.top + c.h * 0.3, bottom: c.bottom - c.h * 0.3 };
    expect(count(p, centre, isWhite), 'text "1.00" in the +1 cell').toBeGreaterThan(20);

    const n = 13;
    const many = Array.from({ length: n }, (_, i) => `A${i}`);
    const ones = many.map(() => many.map(() => 1));
    const big = await drawCorrelationHeatmap({ labels: many, matrix: ones });
    const q = await expectPng(big.png, 800, 500);
    const d = cell(big, n, 6, 6);
    const inner = { left: d.left + 3, right: d.right - 3, top: d.top + 3, bottom: d.bottom - 3 };
    expect(count(q, inner, (x) => !reddish(x)), 'no text in a 13-asset grid').toBe(0);
  });

  it('has a colour key right of the grid, red at the top and blue at the bottom', async () => {
    const r = await drawCorrelationHeatmap({ labels, matrix });
    const p = await expectPng(r.png, 800, 500);
    const x = r.chartArea.right + 26;
    expect(reddish(pixel(p, x, r.chartArea.top + 3))).toBe(true);
    expect(bluish(pixel(p, x, r.chartArea.bottom - 3))).toBe(true);
    expect(isWhite(pixel(p, x, (r.chartArea.top + r.chartArea.bottom) / 2))).toBe(true);
  });

  it('maps correlations to a diverging scale', () => {
    expect(correlationRgb(0)).toEqual([255, 255, 255]);
    expect(correlationRgb(1)).toEqual([178, 24, 43]);
    expect(correlationRgb(-1)).toEqual([33, 102, 172]);
    expect(correlationRgb(0.5)).toEqual([217, 140, 149]);
    // Beyond ±1 (rounding noise) is clamped.
    expect(correlationRgb(1.0000000001)).toEqual(correlationRgb(1));
  });

  it('accepts rounding noise just past ±1', async () => {
    const noisy = [[1.0000000000000002, -0.2], [-0.2, 1]];
    await expectPng(await renderCorrelationHeatmap({ labels: ['A', 'B'], matrix: noisy }), 800, 500);
  });

  it.each([
    ['a non-square matrix', { labels: ['A', 'B'], matrix: [[1, 0], [0]] }, /row 1 has 1 entries, expected 2/],
    ['rows ≠ labels', { labels: ['A', 'B', 'C'], matrix: [[1, 0], [0, 1]] }, /3 labels, 2 rows/],
    ['one asset', { labels: ['A'], matrix: [[1]] }, /at least 2 assets, got 1/],
    ['a value above 1', { labels: ['A', 'B'], matrix: [[1, 1.2], [1.2, 1]] }, /matrix\[0\]\[1\] must be a correlation in \[-1, 1\], got 1.2/],
    ['NaN', { labels: ['A', 'B'], matrix: [[1, Number.NaN], [0, 1]] }, /matrix\[0\]\[1\] must be a finite number/],
    ['matrix not an array', { labels: ['A', 'B'], matrix: 'x' }, /matrix must be an array of rows/],
  ])('throws a RangeError on %s', async (_name, bad, message) => {
    const p = renderCorrelationHeatmap(bad as never);
    await expect(p).rejects.toBeInstanceOf(RangeError);
    await expect(p).rejects.toThrow(message);
  });
});
