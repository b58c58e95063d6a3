/**
 * Portfolio weights as horizontal bars, one row per asset in the caller's order, each labelled with its percentage.
 * Bars read better than a doughnut on a phone: names stay horizontal and lengths compare at a glance. Negative weights
 * (shorts) are drawn leftwards in red.
 */
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, SubTitle, Title, type ChartConfiguration, type Plugin,
} from 'chart.js';
import { fmtPct } from '../shared/format.ts';
import { pctAxis, tickStyle, titlePlugins, borderStyle } from './parts.ts';
import { ctxOf, renderChart, type RenderedChart } from './render.ts';
import { COLORS, DEFAULT_HEIGHT, FONT_SIZES, cssFont, type RenderOptions } from './theme.ts';
import { atLeast, fail, finiteArray, inputObject, optionalTitle, resolveOptions, sameLength, stringArray } from './validate.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, SubTitle);

export interface AllocationInput {
  /** Asset names, one per bar, top to bottom. */
  readonly labels: readonly string[];
  /** Weights as fractions of the portfolio (0.25 = 25%), same order as labels. */
  readonly weights: readonly number[];
  /** Default "Allocation". */
  readonly title?: string;
  readonly subtitle?: string;
}

const NAME = 'renderAllocation';
/** Most bars drawn: beyond this a phone chart is unreadable (and the image would pass MAX_SIDE). */
export const MAX_BARS = 60;
/** Rows beyond which the default height grows, and the pixels each extra row adds. */
const ROW_PX = 34;
const CHROME_PX = 130;
const MAX_LABEL = 14;

function shortLabel(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

/** Writes each bar's percentage just past its end. */
function valueLabels(family: string, weights: readonly number[]): Plugin<'bar'> {
  return {
    id: 'vigilBarValues',
    afterDatasetsDraw(chart) {
      const ctx = ctxOf(chart);
      const bars = chart.getDatasetMeta(0).data;
      ctx.save();
      ctx.font = cssFont(family, FONT_SIZES.value, true);
      ctx.fillStyle = COLORS.text;
      ctx.textBaseline = 'middle';
      bars.forEach((bar, i) => {
        const w = weights[i] ?? 0;
        const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
        ctx.textAlign = w < 0 ? 'right' : 'left';
        ctx.fillText(fmtPct(w, 1), x + (w < 0 ? -6 : 6), y);
      });
      ctx.restore();
    },
  };
}

/** Draws the allocation bars and reports where the plot area is. */
export async function drawAllocation(input: AllocationInput, options?: RenderOptions): Promise<RenderedChart> {
  inputObject(NAME, input);
  const labels = stringArray(NAME, 'labels', input.labels);
  const weights = finiteArray(NAME, 'weights', input.weights);
  sameLength(NAME, 'labels', labels.length, 'weights', weights.length);
  atLeast(NAME, 'the allocation', labels.length, 1, 'asset');
  if (labels.length > MAX_BARS) fail(NAME, `at most ${MAX_BARS} assets fit a chart, got ${labels.length}`);
  const title = optionalTitle(NAME, input.title) ?? 'Allocation';
  const subtitle = optionalTitle(NAME, input.subtitle);
  const opts = resolveOptions(NAME, options, Math.max(DEFAULT_HEIGHT, CHROME_PX + ROW_PX * labels.length));
  const family = opts.fontFamily;

  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: labels.map(shortLabel),
      datasets: [{
        data: [...weights],
        backgroundColor: weights.map((w) => (w < 0 ? COLORS.negativeBar : COLORS.bar)),
        borderWidth: 0,
        categoryPercentage: 0.8,
        barPercentage: 0.9,
      }],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { top: 8, right: 24, bottom: 8, left: 8 } },
      plugins: titlePlugins(family, title, subtitle),
      scales: {
        // Grace past the longest bar (both ways with shorts) keeps its printed percentage inside the plot.
        x: pctAxis(family, { beginAtZero: true, grace: family === null ? 0 : '18%' }),
        y: {
          type: 'category',
          grid: { display: false },
          border: borderStyle,
          ticks: { ...tickStyle(family), autoSkip: false },
        },
      },
    },
    plugins: family === null ? [] : [valueLabels(family, weights)],
  };
  return renderChart(config, opts);
}

/** The allocation chart as PNG bytes (800 wide; 500 tall, more with over 11 assets). Throws RangeError on bad input. */
export async function renderAllocation(input: AllocationInput, options?: RenderOptions): Promise<Uint8Array> {
  return (await drawAllocation(input, options)).png;
}
