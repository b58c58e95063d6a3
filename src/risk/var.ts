/**
 * Value at Risk, reported as a POSITIVE loss fraction per horizon (0.05 = lose 5% of value); a negative VaR means
 * even the tail quantile is a gain. Confidence is the probability of not exceeding the loss (0.95, 0.99).
 *
 * Horizon: both methods scale the one-period figure by √h (i.i.d. returns). For historical VaR this is the common
 * convention rather than overlapping h-period returns, which would cut the sample by h and correlate the draws.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { RiskInputError, requireFinite } from './errors.ts';
import { mean, stdev } from './volatility.ts';

/** Mean and standard deviation of per-period returns (fractions), for the parametric methods. */
export interface NormalMoments {
  readonly mean: number;
  readonly sd: number;
}

/** Options of the parametric (normal) methods. */
export interface ParametricOptions {
  /** Subtract the expected return μh from the loss; default false (zero-mean, the usual risk-desk convention). */
  readonly meanAdjusted?: boolean;
}

/** Throws unless 0 < confidence < 1. */
export function requireConfidence(confidence: number, what: string): void {
  if (!(confidence > 0 && confidence < 1)) throw new RiskInputError(`${what}: confidence is ${confidence}, expected 0 < c < 1`);
}

/** Throws unless the horizon is a finite positive number of periods. */
export function requireHorizon(horizon: number, what: string): void {
  if (!(horizon > 0) || !Number.isFinite(horizon)) throw new RiskInputError(`${what}: horizon is ${horizon}, expected a finite positive number of periods`);
}

/** A validated, ascending copy of `xs` (at least `min` finite values): sort once, then take many quantiles. */
export function sortAscending(xs: readonly number[], min: number, what: string): Float64Array {
  requireFinite(xs, min, what);
  return Float64Array.from(xs).sort();
}

/**
 * Quantile `p` of an ascending-sorted sample, interpolated exactly as numpy's default `np.quantile(method='linear')`
 * (Hyndman–Fan type 7), including numpy's two-sided lerp so results match to the last bit.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RiskInputError('quantile: empty sample');
  if (!(p >= 0 && p <= 1)) throw new RiskInputError(`quantile: p is ${p}, expected 0 ≤ p ≤ 1`);
  const h = (n - 1) * p;
  if (h >= n - 1) return sorted[n - 1] as number;
  const lo = Math.floor(h);
  const g = h - lo;
  const a = sorted[lo] as number;
  const b = sorted[lo + 1] as number;
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}

/** Quantile `p` of `xs` (same units as xs), numpy 'linear' interpolation; sorts a copy. */
export function quantile(xs: readonly number[], p: number): number {
  return quantileSorted(sortAscending(xs, 1, 'quantile'), p);
}

/**
 * Tail probability 1 − c (fraction), rounded to 12 decimals. Why: 1 − 0.9 is 0.09999999999999998 in binary, so when
 * (n − 1)(1 − c) is a whole number the quantile index lands one ulp below it and the tail loses its boundary
 * observation (11 returns at 90% would keep 1 instead of 2). No confidence a user types has more than 12 decimals.
 * Every historical tail (VaR, ES, simulated contributions, the report) takes its probability from here.
 */
export function tailProbability(confidence: number): number {
  return Math.round((1 - confidence) * 1e12) / 1e12;
}

/** Historical VaR from ascending-sorted per-period returns: −quantile(1 − c)·√h, positive loss fraction. */
export function historicalVaRSorted(sorted: ArrayLike<number>, confidence: number, horizon = 1): number {
  requireConfidence(confidence, 'historicalVaR');
  requireHorizon(horizon, 'historicalVaR');
  return -quantileSorted(sorted, tailProbability(confidence)) * Math.sqrt(horizon);
}

/** Historical-simulation VaR of per-period returns, positive loss fraction over `horizon` periods (√h scaling). */
export function historicalVaR(returns: readonly number[], confidence: number, horizon = 1): number {
  return historicalVaRSorted(sortAscending(returns, 2, 'historicalVaR'), confidence, horizon);
}

/** Mean and sample sd (ddof = 1) of returns, or validated given moments. */
export function normalMoments(input: readonly number[] | NormalMoments, what: string): NormalMoments {
  if (isMoments(input)) {
    if (!Number.isFinite(input.mean)) throw new RiskInputError(`${what}: mean is ${input.mean}, expected a finite number`);
    if (!(input.sd >= 0) || !Number.isFinite(input.sd)) throw new RiskInputError(`${what}: sd is ${input.sd}, expected a finite number ≥ 0`);
    return input;
  }
  requireFinite(input, 2, what);
  return { mean: mean(input), sd: stdev(input) };
}

function isMoments(input: readonly number[] | NormalMoments): input is NormalMoments {
  return !Array.isArray(input);
}

/**
 * Normal (variance–covariance) VaR, positive loss fraction over `horizon` periods: z_c·σ·√h, or z_c·σ·√h − μh when
 * mean-adjusted. σ is the sample sd (ddof = 1) of per-period returns.
 */
export function parametricVaR(
  input: readonly number[] | NormalMoments, confidence: number, horizon = 1, options: ParametricOptions = {},
): number {
  requireConfidence(confidence, 'parametricVaR');
  requireHorizon(horizon, 'parametricVaR');
  const { mean: mu, sd } = normalMoments(input, 'parametricVaR');
  const loss = normalQuantile(confidence, 0, 1) * sd * Math.sqrt(horizon);
  return options.meanAdjusted === true ? loss - mu * horizon : loss;
}

/**
 * A loss fraction applied to a holding: USD loss = fraction × valueUsd. `valueUsd` must be ≥ 0 because the fraction
 * came from the holding's own returns; for a short, compute VaR on the negated returns and pass the notional.
 */
export function varUsd(fraction: number, valueUsd: number): number {
  if (!Number.isFinite(fraction)) throw new RiskInputError(`varUsd: fraction is ${fraction}, expected a finite number`);
  if (!(valueUsd >= 0) || !Number.isFinite(valueUsd)) throw new RiskInputError(`varUsd: valueUsd is ${valueUsd}, expected a finite number ≥ 0`);
  return fraction * valueUsd;
}
