/**
 * Expected shortfall (CVaR): the mean loss beyond VaR, a POSITIVE loss fraction per horizon, with the same confidence,
 * horizon (√h scaling) and mean conventions as var.ts. ES ≥ VaR at the same confidence by construction.
 */
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import {
  normalMoments, quantileSorted, requireConfidence, requireHorizon, sortAscending, tailProbability, type NormalMoments, type ParametricOptions,
} from './var.ts';

/**
 * Historical ES from ascending-sorted per-period returns: −mean of the returns at or below the VaR cutoff
 * (r ≤ quantile(1 − c), numpy 'linear', 1 − c rounded by tailProbability), times √h; positive loss fraction.
 */
export function historicalESSorted(sorted: ArrayLike<number>, confidence: number, horizon = 1): number {
  requireConfidence(confidence, 'historicalES');
  requireHorizon(horizon, 'historicalES');
  const cutoff = quantileSorted(sorted, tailProbability(confidence));
  // The smallest return is always ≤ the cutoff, so the tail is never empty.
  let sum = 0;
  let k = 0;
  for (; k < sorted.length; k++) {
    const r = sorted[k] as number;
    if (r > cutoff) break;
    sum += r;
  }
  // A mean of values ≤ cutoff is ≤ cutoff; summing a tail of ties can round one ulp past it, so clamp to keep
  // ES ≥ VaR exact.
  return -Math.min(sum / k, cutoff) * Math.sqrt(horizon);
}

/** Historical expected shortfall of per-period returns, positive loss fraction over `horizon` periods. */
export function historicalES(returns: readonly number[], confidence: number, horizon = 1): number {
  return historicalESSorted(sortAscending(returns, 2, 'historicalES'), confidence, horizon);
}

/**
 * Normal expected shortfall, positive loss fraction over `horizon` periods: σ·φ(z_c)/(1 − c)·√h, minus μh when
 * mean-adjusted; σ is the sample sd (ddof = 1) of per-period returns.
 */
export function parametricES(
  input: readonly number[] | NormalMoments, confidence: number, horizon = 1, options: ParametricOptions = {},
): number {
  requireConfidence(confidence, 'parametricES');
  requireHorizon(horizon, 'parametricES');
  const { mean: mu, sd } = normalMoments(input, 'parametricES');
  const z = normalQuantile(confidence, 0, 1);
  const loss = (sd * normalPdf(z, 0, 1)) / (1 - confidence) * Math.sqrt(horizon);
  return options.meanAdjusted === true ? loss - mu * horizon : loss;
}
