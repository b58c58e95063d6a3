/** Portfolio value over time: one line, UTC dates on x, USD on y. */
import { Chart, LinearScale, LineController, LineElement, PointElement, SubTitle, Title, type ChartConfiguration } from 'chart.js';
import { renderChart, type RenderedChart } from './render.ts';
import { COLORS, type RenderOptions } from './theme.ts';
import { atLeast, finiteArray, inputObject, optionalTitle, resolveOptions, sameLength, timestamps } from './validate.ts';
import { timeAxis, titlePlugins, usdAxis } from './parts.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Title, SubTitle);

export interface EquityCurveInput {
  /** Epoch milliseconds, strictly increasing. */
  readonly t: readonly number[];
  /** Portfolio value in USD at each t. */
  readonly value: readonly number[];
  /** Default "Equity". */
  readonly title?: string;
  /** A second line under the title, e.g. the latest value; composed by the caller. */
  readonly subtitle?: string;
}

const NAME = 'renderEquityCurve';

/** Draws the equity curve and reports where the plot area is. */
export async function drawEquityCurve(input: EquityCurveInput, options?: RenderOptions): Promise<RenderedChart> {
  inputObject(NAME, input);
  const t = timestamps(NAME, input.t);
  const value = finiteArray(NAME, 'value', input.value);
  sameLength(NAME, 't', t.length, 'value', value.length);
  atLeast(NAME, 'the series', t.length, 2);
  const title = optionalTitle(NAME, input.title) ?? 'Equity';
  const subtitle = optionalTitle(NAME, input.subtitle);
  const opts = resolveOptions(NAME, options);
  const family = opts.fontFamily;

  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      datasets: [{
        data: t.map((x, i) => ({ x, y: value[i] ?? 0 })),
        parsing: false,
        normalized: true,
        borderColor: COLORS.line,
        // A thinner pen when points are denser than pixels, or the noise merges into a band.
        borderWidth: t.length > opts.width / 2 ? 2 : 3,
        pointRadius: 0,
        tension: 0,
        fill: false,
      }],
    },
    options: {
      layout: { padding: { top: 8, right: 24, bottom: 8, left: 8 } },
      plugins: titlePlugins(family, title, subtitle),
      scales: {
        x: timeAxis(family, t[0] ?? 0, t[t.length - 1] ?? 0),
        y: usdAxis(family),
      },
    },
  };
  return renderChart(config, opts);
}

/** The equity curve as PNG bytes (800×500 by default). Throws RangeError on invalid input. */
export async function renderEquityCurve(input: EquityCurveInput, options?: RenderOptions): Promise<Uint8Array> {
  return (await drawEquityCurve(input, options)).png;
}
