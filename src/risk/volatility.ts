/**
 * Mean, sample variance and volatility: plain and EWMA (RiskMetrics). Inputs are returns as fractions per period;
 * volatilities are per period unless the name says annualised.
 */
import { backcast } from './backcast.ts';
import { RiskInputError, requireFinite } from './errors.ts';

/** Periods per year for annualising: crypto trades every day and hour; equities ≈ 252 sessions. */
export const PERIODS_PER_YEAR = { daily: 365, hourly: 8760, equityDaily: 252 } as const;

/** Arithmetic mean of `xs` (same units as xs); needs 1 finite value. */
export function mean(xs: readonly number[]): number {
  requireFinite(xs, 1, 'mean');
  return meanUnchecked(xs);
}

function meanUnchecked(xs: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Sample variance, ddof = 1 (units of xs squared); exactly 0 for a constant series; needs 2 finite values. */
export function variance(xs: readonly number[]): number {
  requireFinite(xs, 2, 'variance');
  const n = xs.length;
  const x0 = xs[0] as number;
  const m = meanUnchecked(xs);
  let ss = 0;
  let constant = true;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const d = x - m;
    ss += d * d;
    if (x !== x0) constant = false;
  }
  // The float mean of a constant series can be off by an ulp, which would turn "no risk" into a 1e-18 vol and a
  // 1e16 Sharpe downstream; a constant series has variance exactly 0.
  return constant ? 0 : ss / (n - 1);
}

/** Sample standard deviation, ddof = 1 (units of xs, e.g. fraction per period); needs 2 finite values. */
export function stdev(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Annualised volatility from a per-period one: σ·√periodsPerYear (square-root-of-time, i.i.d. returns). */
export function annualize(perPeriodVol: number, periodsPerYear: number): number {
  requirePeriods(periodsPerYear, 'annualize');
  if (!(perPeriodVol >= 0) || !Number.isFinite(perPeriodVol)) {
    throw new RiskInputError(`annualize: volatility is ${perPeriodVol}, expected a finite number ≥ 0`);
  }
  return perPeriodVol * Math.sqrt(periodsPerYear);
}

/** Annualised volatility (fraction per year) of per-period returns: stdev(ddof=1)·√periodsPerYear. */
export function annualizedVolatility(returns: readonly number[], periodsPerYear: number): number {
  return annualize(stdev(returns), periodsPerYear);
}

/** Throws unless `periodsPerYear` is a finite positive number (e.g. PERIODS_PER_YEAR.daily). */
export function requirePeriods(periodsPerYear: number, what: string): void {
  if (!(periodsPerYear > 0) || !Number.isFinite(periodsPerYear)) {
    throw new RiskInputError(`${what}: periodsPerYear is ${periodsPerYear}, expected a finite positive number`);
  }
}

/** EWMA volatility: latest per-period σ (forecast for the next period), the σ after each return, and the seed. */
export interface EwmaVolatility {
  /** σ after the last return: the one-step-ahead forecast, fraction per period. */
  readonly latest: number;
  /** `series[i]` = σ after observing returns 0..i, fraction per period; length = number of returns. */
  readonly series: number[];
  /** σ²_0 the recursion starts from: arch's backcast of the returns (fraction² per period). */
  readonly seedVariance: number;
}

/**
 * RiskMetrics EWMA volatility, σ²_t = λσ²_{t−1} + (1−λ)r²_{t−1}, zero mean, per period — arch's EWMAVariance.
 * Seed: σ²_0 = arch's backcast, Σ w_i r²_i over the first min(75, n) returns with w_i ∝ 0.94^i (backcast.ts), so the
 * series and the forecast equal arch's (ZeroMean + EWMAVariance(λ)). Zero-mean like the recursion, defined for a
 * single return; it peeks at in-sample returns, weighted towards the first, whose influence decays as λ^t.
 */
export function ewmaVolatility(returns: readonly number[], lambda = 0.94): EwmaVolatility {
  requireFinite(returns, 1, 'ewmaVolatility');
  if (!(lambda > 0 && lambda < 1)) throw new RiskInputError(`ewmaVolatility: lambda is ${lambda}, expected 0 < λ < 1`);
  const n = returns.length;
  const seed = backcast(returns);
  const series = new Array<number>(n);
  let v = seed;
  const w = 1 - lambda;
  for (let i = 0; i < n; i++) {
    const r = returns[i] as number;
    v = lambda * v + w * r * r;
    series[i] = Math.sqrt(v);
  }
  return { latest: Math.sqrt(v), series, seedVariance: seed };
}
