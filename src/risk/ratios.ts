/**
 * Return and risk-adjusted ratios of simple returns (fractions per period), following empyrical's conventions so the
 * numbers match what quants expect from pyfolio/quantstats-style reports.
 *
 * Undefined is not infinite: when the denominator (volatility, downside deviation, max drawdown) is 0 or below
 * RATIO_GUARD (1e-12 — a float-noise "risk" that would print a 1e10 ratio), the ratio is NaN, never ±Infinity: a
 * window with no downside has no Sortino, not an infinitely good one (quantstats/empyrical give NaN for Calmar here;
 * a ratio users read must not suggest infinite skill). Chat replies show it as "n/a (no downside in the window)" etc.
 * (commands/risk.ts, commands/performance.ts). Too-short or
 * non-finite input still throws RiskInputError. Variance of a constant series is exactly 0 (volatility.ts).
 */
import { drawdownsFromReturns } from './drawdown.ts';
import { requireFinite } from './errors.ts';
import { growthFactor } from './returns.ts';
import { mean, requirePeriods, stdev } from './volatility.ts';

/** Denominators (per-period volatility, downside deviation, max drawdown fraction) at or below this give a NaN ratio. */
export const RATIO_GUARD = 1e-12;

/** numerator/denominator, or NaN when the denominator is not above RATIO_GUARD (undefined, not infinite). */
function guardedRatio(numerator: number, denominator: number): number {
  return denominator > RATIO_GUARD ? numerator / denominator : Number.NaN;
}

/** Total compounded return ∏(1 + r) − 1, fraction over the whole series; needs 1 return ≥ −1. */
export function totalReturn(returns: readonly number[]): number {
  requireFinite(returns, 1, 'totalReturn');
  return growthFactor(returns) - 1;
}

/** Annualised compound return (CAGR), fraction per year: (∏(1 + r))^(periodsPerYear/n) − 1 (empyrical). */
export function annualizedReturn(returns: readonly number[], periodsPerYear: number): number {
  requireFinite(returns, 1, 'annualizedReturn');
  requirePeriods(periodsPerYear, 'annualizedReturn');
  return Math.pow(growthFactor(returns), periodsPerYear / returns.length) - 1;
}

/** Annualised Sharpe ratio (dimensionless): mean(r − rf)/stdev(r − rf, ddof = 1)·√periodsPerYear, rf per period; NaN with no volatility. */
export function sharpe(returns: readonly number[], periodsPerYear: number, riskFreePerPeriod = 0): number {
  requireFinite(returns, 2, 'sharpe');
  requireFinite([riskFreePerPeriod], 1, 'sharpe riskFreePerPeriod');
  requirePeriods(periodsPerYear, 'sharpe');
  const excess = riskFreePerPeriod === 0 ? returns : returns.map((r) => r - riskFreePerPeriod);
  return guardedRatio(mean(excess), stdev(excess)) * Math.sqrt(periodsPerYear);
}

/** Downside deviation per period (fraction): √(mean over ALL periods of min(r − target, 0)²) (empyrical). */
export function downsideDeviation(returns: readonly number[], target = 0): number {
  requireFinite(returns, 1, 'downsideDeviation');
  requireFinite([target], 1, 'downsideDeviation target');
  let ss = 0;
  for (let i = 0; i < returns.length; i++) {
    const d = (returns[i] as number) - target;
    if (d < 0) ss += d * d;
  }
  return Math.sqrt(ss / returns.length);
}

/** Annualised Sortino ratio (dimensionless): mean(r − target)·N / (downsideDeviation·√N), target per period; NaN with no downside. */
export function sortino(returns: readonly number[], periodsPerYear: number, target = 0): number {
  requirePeriods(periodsPerYear, 'sortino');
  const dd = downsideDeviation(returns, target);
  const excessMean = mean(returns) - target;
  return guardedRatio(excessMean * Math.sqrt(periodsPerYear), dd);
}

/** Calmar ratio (dimensionless): annualizedReturn / max drawdown of the compounded equity curve (from 1); NaN with no drawdown. */
export function calmar(returns: readonly number[], periodsPerYear: number): number {
  const cagr = annualizedReturn(returns, periodsPerYear);
  return guardedRatio(cagr, drawdownsFromReturns(returns).maxDrawdown);
}
