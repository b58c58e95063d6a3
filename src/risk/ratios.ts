/**
 * Return and risk-adjusted ratios of simple returns (fractions per period), following empyrical's conventions so the
 * numbers match what quants expect from pyfolio/quantstats-style reports.
 *
 * Zero denominators: the ratio is plain IEEE division — x/0 is +Infinity for x > 0, −Infinity for x < 0, and 0/0
 * is NaN. So a series with no volatility, no downside or no drawdown gets ±Infinity (or NaN when its mean is 0
 * too), never null and never an exception. This matches numpy/empyrical for Sharpe and Sortino; empyrical's Calmar
 * returns NaN for a zero drawdown, we return +Infinity for a positive return so all ratios follow one rule.
 * Variance of a constant series is exactly 0 (volatility.ts), so "constant" reliably hits this rule.
 */
import { drawdownsFromReturns } from './drawdown.ts';
import { requireFinite } from './errors.ts';
import { growthFactor } from './returns.ts';
import { mean, requirePeriods, stdev } from './volatility.ts';

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

/** Annualised Sharpe ratio (dimensionless): mean(r − rf)/stdev(r − rf, ddof = 1)·√periodsPerYear; rf per period. */
export function sharpe(returns: readonly number[], periodsPerYear: number, riskFreePerPeriod = 0): number {
  requireFinite(returns, 2, 'sharpe');
  requireFinite([riskFreePerPeriod], 1, 'sharpe riskFreePerPeriod');
  requirePeriods(periodsPerYear, 'sharpe');
  const excess = riskFreePerPeriod === 0 ? returns : returns.map((r) => r - riskFreePerPeriod);
  return (mean(excess) / stdev(excess)) * Math.sqrt(periodsPerYear);
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

/** Annualised Sortino ratio (dimensionless): mean(r − target)·N / (downsideDeviation·√N), target per period. */
export function sortino(returns: readonly number[], periodsPerYear: number, target = 0): number {
  requirePeriods(periodsPerYear, 'sortino');
  const dd = downsideDeviation(returns, target);
  const excessMean = mean(returns) - target;
  return (excessMean * periodsPerYear) / (dd * Math.sqrt(periodsPerYear));
}

/** Calmar ratio (dimensionless): annualizedReturn / max drawdown of the compounded equity curve (from 1). */
export function calmar(returns: readonly number[], periodsPerYear: number): number {
  const cagr = annualizedReturn(returns, periodsPerYear);
  return cagr / drawdownsFromReturns(returns).maxDrawdown;
}
