/**
 * A correlation matrix as a grid of coloured cells (chartjs-chart-matrix): −1 blue, 0 white, +1 red, linear in between.
 * Row i, column j shows matrix[i][j]; assets run top to bottom and left to right in the caller's order, names on the
 * left and on top. With ≤ 12 assets each cell also prints its value; a colour key sits on the right.
 */
import {
  Chart, LinearScale, SubTitle, Title, type ChartArea, type ChartConfiguration, type Plugin, type ScaleOptions,
  type ScriptableContext,
} from 'chart.js';
import { MatrixController, MatrixElement, type MatrixDataPoint } from 'chartjs-chart-matrix';
import { borderStyle, tickStyle, titlePlugins } from './parts.ts';
import { ctxOf, renderChart, type RenderedChart } from './render.ts';
import { COLORS, FONT_SIZES, cssFont, type RenderOptions } from './theme.ts';
import { atLeast, fail, finiteArray, inputObject, optionalTitle, resolveOptions, stringArray } from './validate.ts';

Chart.register(MatrixController, MatrixElement, LinearScale, Title, SubTitle);

export interface CorrelationHeatmapInput {
  /** Asset names, one per row and column. */
  readonly labels: readonly string[];
  /** Square matrix of correlations in [−1, 1], matrix[i][j] between labels[i] and labels[j]. */
  readonly matrix: readonly (readonly number[])[];
  /** Default "Correlation". */
  readonly title?: string;
  readonly subtitle?: string;
}

const NAME = 'renderCorrelationHeatmap';
/** Most assets with a value printed in each cell. */
export const MAX_PRINTED = 12;
/** Most assets drawn at all: beyond this cells are a few pixels wide. */
export const MAX_ASSETS = 50;
/** Rounding slack on the [−1, 1] bound (a computed correlation may be 1.0000000000000002). */
const BOUND_SLACK = 1e-9;
/** Gap between cells in CSS pixels. */
const GAP = 2;
const KEY_WIDTH = 16;
const MAX_LABEL = 10;

type Rgb = readonly [number, number, number];

/** Diverging colour for a correlation: white at 0, COLORS.hotEnd at +1, COLORS.coldEnd at −1. */
export function correlationRgb(v: number): Rgb {
  const c = Math.max(-1, Math.min(1, v));
  const end = c >= 0 ? COLORS.hotEnd : COLORS.coldEnd;
  const k = Math.abs(c);
  return [0, 1, 2].map((i) => Math.round(255 + ((end[i] ?? 255) - 255) * k)) as unknown as Rgb;
}

function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Dark text on pale cells, white on saturated ones. */
function textColorOn(v: number): string {
  return Math.abs(v) >= 0.55 ? '#ffffff' : COLORS.text;
}

function shortLabel(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

interface Cell extends MatrixDataPoint {
  readonly x: number;
  readonly y: number;
  readonly v: number;
}

function cellOf(raw: unknown): Cell {
  return raw as Cell;
}

/** Prints each cell's value (2 decimals) at its centre. */
function cellValues(family: string): Plugin<'matrix'> {
  return {
    id: 'vigilCellValues',
    afterDatasetsDraw(chart) {
      const ctx = ctxOf(chart);
      const data = chart.data.datasets[0]?.data ?? [];
      const elements = chart.getDatasetMeta(0).data;
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      elements.forEach((el, i) => {
        const cell = cellOf(data[i]);
        const { x, y, width, height } = el.getProps(['x', 'y', 'width', 'height'], true) as {
          x: number; y: number; width: number; height: number;
        };
        const size = Math.floor(Math.min(FONT_SIZES.value, height * 0.45, width / 3.4));
        if (size < 8) return;
        ctx.font = cssFont(family, size, Math.abs(cell.v) >= 0.995);
        ctx.fillStyle = textColorOn(cell.v);
        // The element's x/y is its top-left corner.
        // "−0.00" for a tiny negative would read as a signal: print it as 0.00.
        const text = Math.abs(cell.v) < 0.005 ? '0.00' : cell.v.toFixed(2).replace('-', '−');
        ctx.fillText(text, x + width / 2, y + height / 2);
      });
      ctx.restore();
    },
  };
}

/** A vertical −1 … +1 colour key right of the grid, with its ends and middle labelled when there is a font. */
function colourKey(family: string | null): Plugin<'matrix'> {
  return {
    id: 'vigilColourKey',
    afterDraw(chart) {
      const ctx = ctxOf(chart);
      const { chartArea } = chart;
      const x = chartArea.right + 18;
      const { top, bottom } = chartArea;
      const gradient = ctx.createLinearGradient(0, top, 0, bottom);
      gradient.addColorStop(0, rgbCss(correlationRgb(1)));
      gradient.addColorStop(0.5, rgbCss(correlationRgb(0)));
      gradient.addColorStop(1, rgbCss(correlationRgb(-1)));
      ctx.save();
      ctx.fillStyle = gradient;
      ctx.fillRect(x, top, KEY_WIDTH, bottom - top);
      ctx.strokeStyle = COLORS.axis;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, top + 0.5, KEY_WIDTH - 1, bottom - top - 1);
      if (family !== null) {
        ctx.font = cssFont(family, FONT_SIZES.tick);
        ctx.fillStyle = COLORS.text;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        const lx = x + KEY_WIDTH + 6;
        ctx.fillText('+1', lx, top + 8);
        ctx.fillText('0', lx, (top + bottom) / 2);
        ctx.fillText('−1', lx, bottom - 8);
      }
      ctx.restore();
    },
  };
}

/** A linear index axis −0.5 … n−0.5 with one tick per asset, labelled with its name. */
function indexAxis(
  family: string | null, labels: readonly string[], position: 'top' | 'left', reverse: boolean,
): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    position,
    reverse,
    min: -0.5,
    max: labels.length - 0.5,
    offset: false,
    grid: { display: false },
    border: { ...borderStyle, display: false },
    afterBuildTicks(axis) {
      axis.ticks = labels.map((_, i) => ({ value: i }));
    },
    ticks: {
      ...tickStyle(family),
      maxRotation: 60,
      autoSkip: false,
      callback: (value) => shortLabel(labels[Number(value)] ?? ''),
    },
  };
}

/** Draws the heatmap and reports where the grid is (the plot area). */
export async function drawCorrelationHeatmap(input: CorrelationHeatmapInput, options?: RenderOptions): Promise<RenderedChart> {
  inputObject(NAME, input);
  const labels = stringArray(NAME, 'labels', input.labels);
  atLeast(NAME, 'the matrix', labels.length, 2, 'assets');
  if (labels.length > MAX_ASSETS) fail(NAME, `at most ${MAX_ASSETS} assets fit a heatmap, got ${labels.length}`);
  const n = labels.length;
  if (!Array.isArray(input.matrix)) fail(NAME, 'matrix must be an array of rows');
  if (input.matrix.length !== n) fail(NAME, `matrix must be square with one row per label: ${n} labels, ${input.matrix.length} rows`);
  const rows = input.matrix.map((row, i) => {
    const r = finiteArray(NAME, `matrix[${i}]`, row);
    if (r.length !== n) fail(NAME, `matrix must be square: row ${i} has ${r.length} entries, expected ${n}`);
    r.forEach((v, j) => {
      if (Math.abs(v) > 1 + BOUND_SLACK) fail(NAME, `matrix[${i}][${j}] must be a correlation in [-1, 1], got ${v}`);
    });
    return r;
  });
  const title = optionalTitle(NAME, input.title) ?? 'Correlation';
  const subtitle = optionalTitle(NAME, input.subtitle);
  const opts = resolveOptions(NAME, options);
  const family = opts.fontFamily;

  const cells: Cell[] = rows.flatMap((row, i) => row.map((v, j) => ({ x: j, y: i, v: Math.max(-1, Math.min(1, v)) })));
  // chart.js types chartArea as always set, but it is undefined until the first layout.
  const area = (chart: Chart): ChartArea | undefined => {
    const a: ChartArea | undefined = chart.chartArea;
    return a;
  };

  const config: ChartConfiguration<'matrix', Cell[]> = {
    type: 'matrix',
    data: {
      datasets: [{
        data: cells,
        backgroundColor: (c: ScriptableContext<'matrix'>) => rgbCss(correlationRgb(cellOf(c.raw).v)),
        borderWidth: 0,
        width: ({ chart }) => Math.max(1, (area(chart)?.width ?? 0) / n - GAP),
        height: ({ chart }) => Math.max(1, (area(chart)?.height ?? 0) / n - GAP),
      }],
    },
    options: {
      // Right padding leaves room for the colour key and its labels.
      layout: { padding: { top: 8, right: family === null ? 18 + KEY_WIDTH + 8 : 18 + KEY_WIDTH + 40, bottom: 8, left: 8 } },
      plugins: titlePlugins(family, title, subtitle),
      scales: {
        x: indexAxis(family, labels, 'top', false),
        y: indexAxis(family, labels, 'left', true),
      },
    },
    plugins: [colourKey(family), ...(family !== null && n <= MAX_PRINTED ? [cellValues(family)] : [])],
  };
  return renderChart(config, opts);
}

/** The correlation heatmap as PNG bytes (800×500 by default). Throws RangeError on invalid input. */
export async function renderCorrelationHeatmap(input: CorrelationHeatmapInput, options?: RenderOptions): Promise<Uint8Array> {
  return (await drawCorrelationHeatmap(input, options)).png;
}
