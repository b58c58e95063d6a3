/** Option pieces shared by the charts: titles, axes, grid. With no font (family null) every text part is hidden. */
import type { ScaleOptions, TitleOptions } from 'chart.js';
import { pctTick, tickMaxAbs, tickStep, usdTick } from './axis-format.ts';
import { timeTicks } from './time-axis.ts';
import { COLORS, FONT_SIZES, font } from './theme.ts';

/** Options objects two levels deep partial, the shape chart.js accepts for plugin options. */
type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

/** Title (bold, left-aligned) and optional subtitle. */
export function titlePlugins(
  family: string | null,
  title: string,
  subtitle: string | undefined,
): { title: Partial2<TitleOptions>; subtitle: Partial2<TitleOptions> } {
  return {
    title: {
      display: family !== null && title !== '',
      text: title,
      align: 'start',
      color: COLORS.text,
      font: family === null ? {} : font(family, FONT_SIZES.title, true),
      padding: { top: 4, bottom: subtitle ? 2 : 12 },
    },
    subtitle: {
      display: family !== null && subtitle !== undefined && subtitle !== '',
      text: subtitle ?? '',
      align: 'start',
      color: COLORS.mutedText,
      font: family === null ? {} : font(family, FONT_SIZES.subtitle),
      padding: { top: 0, bottom: 12 },
    },
  };
}

/** Ticks look: dark grey, phone-sized, horizontal. */
function tickStyle(family: string | null): { display: boolean; color: string; font: ReturnType<typeof font> | object; maxRotation: number } {
  return {
    display: family !== null,
    color: COLORS.text,
    font: family === null ? {} : font(family, FONT_SIZES.tick),
    maxRotation: 0,
  };
}

const grid = { color: COLORS.grid, lineWidth: 1, tickColor: COLORS.grid };
const border = { color: COLORS.axis, width: 1 };

/** A linear epoch-ms x axis from min to max with round UTC date ticks (see time-axis.ts). */
export function timeAxis(family: string | null, min: number, max: number): ScaleOptions<'linear'> {
  const { ticks, intraday } = timeTicks(min, max, 6);
  const labels = new Map(ticks.map((k) => [k.value, k.label]));
  return {
    type: 'linear',
    min,
    max,
    grid,
    border,
    afterBuildTicks(axis) {
      axis.ticks = ticks.map((k) => ({ value: k.value }));
    },
    ticks: {
      ...tickStyle(family),
      autoSkip: false,
      callback: (value) => {
        const label = labels.get(Number(value));
        return label === undefined ? '' : typeof label === 'string' ? label : [...label];
      },
    },
    title: {
      display: family !== null && intraday,
      text: 'UTC',
      color: COLORS.mutedText,
      font: family === null ? {} : font(family, FONT_SIZES.axisTitle),
      padding: { top: 2, bottom: 0 },
    },
  };
}

/** A USD y axis: "$12.5k" style ticks sharing one unit. */
export function usdAxis(family: string | null): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    grid,
    border,
    // 5% headroom above and below the data, but never below $0 for a series that never goes negative.
    afterDataLimits(axis) {
      const pad = (axis.max - axis.min) * 0.05;
      axis.min = axis.min >= 0 ? Math.max(0, axis.min - pad) : axis.min - pad;
      axis.max += pad;
    },
    ticks: {
      ...tickStyle(family),
      maxTicksLimit: 7,
      callback: (value, _index, all) => usdTick(Number(value), tickStep(all), tickMaxAbs(all)),
    },
  };
}

/** A percent axis for fractions: "-12.5%". */
export function pctAxis(family: string | null, extra: ScaleOptions<'linear'> = {}): ScaleOptions<'linear'> {
  return {
    type: 'linear',
    grid,
    border,
    ...extra,
    ticks: {
      ...tickStyle(family),
      maxTicksLimit: 7,
      callback: (value, _index, all) => pctTick(Number(value), tickStep(all)),
      ...extra.ticks,
    },
  };
}

export { border as borderStyle, tickStyle };
