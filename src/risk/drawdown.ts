/**
 * Drawdowns of an equity/value series (any positive unit, e.g. USD or an index starting at 1). A drawdown is the
 * fraction lost from the running peak, 1 − value/peak, so it lies in [0, 1] for non-negative values. An empty series
 * has no drawdown to speak of: max and current drawdown are NaN (as pandas' max of an empty series, which quantstats
 * returns), not 0, which would read as "never lost anything".
 */
import { RiskInputError } from './errors.ts';
import { equityCurve } from './returns.ts';

/** Drawdown statistics; indices point into the values series, durations count periods (observations). */
export interface DrawdownStats {
  /** Largest peak-to-trough loss, fraction in [0, 1]; 0 if the series never falls below its running peak; NaN if empty. */
  readonly maxDrawdown: number;
  /** Loss from the running peak at the last value, fraction in [0, 1]; NaN if empty. */
  readonly currentDrawdown: number;
  /** Index of the peak the max drawdown fell from (the last index at that peak); null when maxDrawdown is 0. */
  readonly maxDrawdownStart: number | null;
  /** Index of the max drawdown's trough (the first, if tied); null when maxDrawdown is 0. */
  readonly maxDrawdownTrough: number | null;
  /** First index after the trough back at or above the peak; null if not recovered (or no drawdown). */
  readonly maxDrawdownEnd: number | null;
  /** Longest run of consecutive values strictly below their running peak, periods. */
  readonly maxDurationPeriods: number;
  /** Periods from the max drawdown's trough to its recovery (end − trough); null if not recovered (or no drawdown). */
  readonly recoveryPeriods: number | null;
}

/** The statistics of an empty series: drawdowns undefined (NaN), no episode. */
const EMPTY: DrawdownStats = {
  maxDrawdown: Number.NaN, currentDrawdown: Number.NaN, maxDrawdownStart: null, maxDrawdownTrough: null, maxDrawdownEnd: null,
  maxDurationPeriods: 0, recoveryPeriods: null,
};

/** Drawdown statistics of an equity/value series: finite values ≥ 0, the first > 0; fractions and periods; NaN drawdowns if empty. */
export function drawdowns(values: readonly number[]): DrawdownStats {
  const n = values.length;
  if (n === 0) return EMPTY;
  const first = values[0] as number;
  if (!(first > 0) || !Number.isFinite(first)) throw new RiskInputError(`drawdowns: value 0 is ${first}, expected a finite positive number`);
  let peak = first;
  let peakIndex = 0;
  let maxDd = 0;
  let start: number | null = null;
  let trough: number | null = null;
  let run = 0;
  let longest = 0;
  let dd = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RiskInputError(`drawdowns: value ${i} is ${v}, expected a finite number ≥ 0`);
    if (v >= peak) {
      peak = v;
      peakIndex = i;
      run = 0;
      dd = 0;
      continue;
    }
    run++;
    if (run > longest) longest = run;
    dd = 1 - v / peak;
    if (dd > maxDd) {
      maxDd = dd;
      start = peakIndex;
      trough = i;
    }
  }
  let end: number | null = null;
  if (start !== null && trough !== null) {
    const level = values[start] as number;
    for (let i = trough + 1; i < n; i++) {
      if ((values[i] as number) >= level) {
        end = i;
        break;
      }
    }
  }
  return {
    maxDrawdown: maxDd,
    currentDrawdown: dd,
    maxDrawdownStart: start,
    maxDrawdownTrough: trough,
    maxDrawdownEnd: end,
    maxDurationPeriods: longest,
    recoveryPeriods: end !== null && trough !== null ? end - trough : null,
  };
}

/**
 * Drawdowns of the equity curve of simple returns (fractions per period), starting from 1 before the first return
 * (as empyrical does, so a first-period loss counts). Indices refer to that curve: index i is after i returns.
 * No returns → NaN drawdowns (the curve would be the lone starting 1, which is not a measured series).
 */
export function drawdownsFromReturns(returns: readonly number[]): DrawdownStats {
  return returns.length === 0 ? EMPTY : drawdowns(equityCurve(returns));
}
