/** Drawdown from the running peak over time: a red area hanging below the 0% line at the top of the plot. */
import {
  Chart, Filler, LinearScale, LineController, LineElement, PointElement, SubTitle, Title, type ChartConfiguration,
} from 'chart.js';
import { pctAxis, timeAxis, titlePlugins } from './parts.ts';
import { renderChart, type RenderedChart } from './render.ts';
import { COLORS, type RenderOptions } from './theme.ts';
import { atLeast, fail, finiteArray, inputObject, optionalTitle, resolveOptions, sameLength, timestamps } from './validate.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Title, SubTitle);

export interface DrawdownInput {
  /** Epoch milliseconds, strictly increasing. */
  readonly t: readonly number[];
  /** Drawdown at each t as a fraction ≤ 0: −0.12 means 12% below the running peak; 0 at a new peak. */
  readonly drawdown: readonly number[];
  /** Default "Drawdown". */
  readonly title?: string;
  /** A second line under the title, e.g. "Max −23.4% · now −5.1%"; composed by the caller. */
  readonly subtitle?: string;
}

const NAME = 'renderDrawdown';

/** Draws the drawdown area and reports where the plot area is. */
export async function drawDrawdown(input: DrawdownInput, options?: RenderOptions): Promise<RenderedChart> {
  inputObject(NAME, input);
  const t = timestamps(NAME, input.t);
  const dd = finiteArray(NAME, 'drawdown', input.drawdown);
  sameLength(NAME, 't', t.length, 'drawdown', dd.length);
  atLeast(NAME, 'the series', t.length, 2);
  dd.forEach((v, i) => {
    if (v > 0) fail(NAME, `drawdown[${i}] must be ≤ 0 (a fraction below the peak, e.g. -0.12 for 12%), got ${v}`);
  });
  const title = optionalTitle(NAME, input.title) ?? 'Drawdown';
  const subtitle = optionalTitle(NAME, input.subtitle);
  const opts = resolveOptions(NAME, options);
  const family = opts.fontFamily;

  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      datasets: [{
        data: t.map((x, i) => ({ x, y: dd[i] ?? 0 })),
        parsing: false,
        normalized: true,
        borderColor: COLORS.loss,
        borderWidth: t.length > opts.width / 2 ? 1.5 : 2,
        backgroundColor: COLORS.lossFill,
        fill: 'origin',
        pointRadius: 0,
        tension: 0,
      }],
    },
    options: {
      layout: { padding: { top: 8, right: 24, bottom: 8, left: 8 } },
      plugins: titlePlugins(family, title, subtitle),
      scales: {
        x: timeAxis(family, t[0] ?? 0, t[t.length - 1] ?? 0),
        // 0% is the top edge; a series that never dips still shows a 1% band below it.
        y: pctAxis(family, { max: 0, suggestedMin: -0.01 }),
      },
    },
  };
  return renderChart(config, opts);
}

/** The drawdown chart as PNG bytes (800×500 by default). Throws RangeError on invalid input. */
export async function renderDrawdown(input: DrawdownInput, options?: RenderOptions): Promise<Uint8Array> {
  return (await drawDrawdown(input, options)).png;
}
