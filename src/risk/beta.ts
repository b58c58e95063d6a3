/**
 * Beta of a return series to a benchmark, β = cov(r, b) / var(b) with both at ddof = 1 (the ratio does not depend on
 * ddof as long as it is the same), plus the regression's alpha and R² = corr(r, b)² for hedge effectiveness: the
 * share of r's variance a β-sized benchmark hedge removes. Timestamped inputs are aligned on their common timestamps
 * (`alignSeries` in returns.ts).
 */
import { isConstant } from './correlation.ts';
import { requireAligned } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import { alignSeries } from './returns.ts';
import type { TimedSeries } from './returns.ts';

/** OLS regression of a return series on a benchmark: r_t = α + β b_t + ε_t. */
export interface BetaResult {
  /** cov(r, b) / var(b): return units per unit of benchmark return. */
  readonly beta: number;
  /** Intercept mean(r) − β mean(b), return per period. */
  readonly alpha: number;
  /** Pearson corr(r, b), −1..1; 0 when r is constant. */
  readonly correlation: number;
  /** corr², 0..1: the fraction of var(r) a β hedge in the benchmark removes; 0 when r is constant. */
  readonly rSquared: number;
  /** Sample stdev (ddof = 2, the regression's) of the residuals ε, return per period: what the hedge leaves. */
  readonly residualVolatility: number;
  /** Periods used. */
  readonly n: number;
}

/** Beta (return per unit of benchmark return) of aligned series; RiskInputError if the benchmark is constant. */
export function beta(returns: readonly number[], benchmark: readonly number[]): number {
  return betaStats(returns, benchmark).beta;
}

/**
 * Beta, alpha, correlation, R² and residual volatility of aligned series (equal length ≥ 3). A constant benchmark
 * throws RiskInputError; a constant `returns` gives β = 0, correlation 0, R² 0 (nothing to hedge).
 */
export function betaStats(returns: readonly number[], benchmark: readonly number[]): BetaResult {
  requireAligned([returns, benchmark], 3, 'beta');
  if (isConstant(benchmark)) throw new RiskInputError(`beta: the benchmark is constant (${benchmark[0]}); beta is undefined`);
  const n = returns.length;
  let mr = 0;
  let mb = 0;
  for (let t = 0; t < n; t++) {
    mr += returns[t]!;
    mb += benchmark[t]!;
  }
  mr /= n;
  mb /= n;
  let srb = 0;
  let sbb = 0;
  let srr = 0;
  for (let t = 0; t < n; t++) {
    const dr = returns[t]! - mr;
    const db = benchmark[t]! - mb;
    srb += dr * db;
    sbb += db * db;
    srr += dr * dr;
  }
  // Values so small their squares underflow (≈1e-162) leave no measurable variance: as good as constant.
  if (!(sbb > 0)) throw new RiskInputError('beta: the benchmark variance underflows to 0; beta is undefined');
  const flat = isConstant(returns) || !(srr > 0);
  const b = flat ? 0 : srb / sbb;
  const correlation = flat ? 0 : Math.max(-1, Math.min(1, srb / Math.sqrt(sbb * srr)));
  // Residual sum of squares of the OLS fit: Σ(dr − β db)² = srr − β srb (floored at 0 against rounding).
  const rss = flat ? 0 : Math.max(0, srr - b * srb);
  return {
    beta: b,
    alpha: mr - b * mb,
    correlation,
    rSquared: correlation * correlation,
    residualVolatility: Math.sqrt(rss / (n - 2)),
    n,
  };
}

/** betaStats on two timestamped series, aligned on their common timestamps; RiskInputError if fewer than 3 are shared. */
export function betaStatsTimed(returns: TimedSeries, benchmark: TimedSeries): BetaResult {
  const aligned = alignSeries([returns, benchmark]);
  if (aligned.t.length < 3) {
    throw new RiskInputError(`beta: the series share ${aligned.t.length} timestamp(s); need at least 3`);
  }
  return betaStats(aligned.values[0]!, aligned.values[1]!);
}
