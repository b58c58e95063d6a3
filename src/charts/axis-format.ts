/**
 * Axis tick labels. Unlike the text formatters in src/shared/format.ts (exact values in messages), tick labels show
 * only the digits the tick spacing needs: "$12.5k", "$12,400", "-10%", "2.5%".
 */
import { fmtPct } from '../shared/format.ts';

/** Decimals needed to write ticks `step` apart exactly (0–4): 1 → 0, 0.5 → 1, 0.25 → 2. */
export function decimalsFor(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 2;
  for (let d = 0; d < 4; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 4;
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A USD tick: the unit (none, k, M, B) follows the largest |value| on the axis, the decimals follow the step.
 * `step` and `maxAbs` describe the whole axis, so all its labels share one unit.
 */
export function usdTick(value: number, step: number, maxAbs: number): string {
  if (value === 0) return '$0';
  const [div, suffix] = maxAbs >= 1e9 ? [1e9, 'B'] : maxAbs >= 1e6 ? [1e6, 'M'] : maxAbs >= 1e4 ? [1e3, 'k'] : [1, ''];
  const text = (Math.abs(value) / div).toFixed(decimalsFor(step / div));
  const [whole = '0', frac] = text.split('.');
  const zero = Number(text) === 0;
  return `${value < 0 && !zero ? '-' : ''}$${group(whole)}${frac ? `.${frac}` : ''}${suffix}`;
}

/** A percent tick for a fraction, with the decimals the step (a fraction too) needs: "-12.5%". */
export function pctTick(fraction: number, step: number): string {
  return fmtPct(fraction, decimalsFor(step * 100));
}

/** The spacing of a chart.js tick list (0 when fewer than 2 ticks). */
export function tickStep(ticks: readonly { value: number }[]): number {
  const [a, b] = ticks;
  return a && b ? Math.abs(b.value - a.value) : 0;
}

/** The largest |value| in a chart.js tick list. */
export function tickMaxAbs(ticks: readonly { value: number }[]): number {
  return ticks.reduce((m, t) => Math.max(m, Math.abs(t.value)), 0);
}
