/**
 * Seed 003's PerformanceMetrics: return/risk ratios from periodic returns plus trade statistics from closed-trade
 * PnLs. Every formula lives in its own file (ratios.ts, volatility.ts, drawdown.ts); this only assembles them.
 *
 * Trades, as quantstats defines them: a PnL > 0 is a win, < 0 a loss, exactly 0 (break-even) counts in totalTrades
 * but is neither. winRate = wins / non-zero trades; with no non-zero trade both winRate and profitFactor are 0 (as
 * quantstats' win_rate returns 0.0 — "no record" must not read as NaN). profitFactor = gross profit / gross loss is
 * +Infinity with gains and no losses (shown as "∞ (no losing trade)"); averages and extremes of an empty side are NaN.
 */
import { drawdownsFromReturns } from './drawdown.ts';
import { requireFinite } from './errors.ts';
import { annualizedReturn, calmar, sharpe, sortino, totalReturn } from './ratios.ts';
import { annualizedVolatility } from './volatility.ts';

/** Seed 003 PerformanceMetrics (camelCase). Returns/volatility are fractions; trade figures are in PnL units. */
export interface PerformanceMetrics {
  /** Compounded return over the series, fraction. */
  readonly totalReturn: number;
  /** CAGR, fraction per year. */
  readonly annualizedReturn: number;
  /** Annualised volatility, fraction per year (sample sd, ddof = 1). */
  readonly volatility: number;
  readonly sharpeRatio: number;
  readonly sortinoRatio: number;
  readonly calmarRatio: number;
  /** Max drawdown of the compounded equity curve, fraction in [0, 1]. */
  readonly maxDrawdown: number;
  /** winningTrades / (winningTrades + losingTrades), fraction (break-evens excluded; 0 with none, quantstats). */
  readonly winRate: number;
  /** Gross profit / gross loss (both positive), dimensionless; +Infinity with no loss, 0 with no non-zero trade. */
  readonly profitFactor: number;
  /** Mean PnL of winning trades (positive). */
  readonly averageWin: number;
  /** Mean PnL of losing trades (negative, as the PnLs are). */
  readonly averageLoss: number;
  /** Largest winning PnL (positive). */
  readonly largestWin: number;
  /** Most negative losing PnL (negative). */
  readonly largestLoss: number;
  readonly totalTrades: number;
  readonly winningTrades: number;
  readonly losingTrades: number;
}

/** Options: risk-free rate (Sharpe) and target (Sortino), both fractions per period; default 0. */
export interface PerformanceOptions {
  readonly riskFreePerPeriod?: number;
  readonly sortinoTarget?: number;
}

/** Trade statistics of closed-trade PnLs (any currency unit), quantstats conventions; see the file comment. */
export function tradeStats(tradePnls: readonly number[]): Pick<PerformanceMetrics,
  'winRate' | 'profitFactor' | 'averageWin' | 'averageLoss' | 'largestWin' | 'largestLoss' | 'totalTrades' | 'winningTrades' | 'losingTrades'> {
  requireFinite(tradePnls, 0, 'tradePnls');
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let largestWin = Number.NaN;
  let largestLoss = Number.NaN;
  for (const p of tradePnls) {
    if (p > 0) {
      wins++;
      grossProfit += p;
      if (!(p <= largestWin)) largestWin = p;
    } else if (p < 0) {
      losses++;
      grossLoss -= p;
      if (!(p >= largestLoss)) largestLoss = p;
    }
  }
  return {
    winRate: wins + losses === 0 ? 0 : wins / (wins + losses),
    profitFactor: wins + losses === 0 ? 0 : grossProfit / grossLoss,
    averageWin: grossProfit / wins,
    averageLoss: -grossLoss / losses,
    largestWin,
    largestLoss,
    totalTrades: tradePnls.length,
    winningTrades: wins,
    losingTrades: losses,
  };
}

/** PerformanceMetrics from per-period simple returns (fractions, ≥ 2) and closed-trade PnLs (may be empty). */
export function performanceMetrics(
  returns: readonly number[], tradePnls: readonly number[], periodsPerYear: number, options: PerformanceOptions = {},
): PerformanceMetrics {
  requireFinite(returns, 2, 'performanceMetrics returns');
  return {
    totalReturn: totalReturn(returns),
    annualizedReturn: annualizedReturn(returns, periodsPerYear),
    volatility: annualizedVolatility(returns, periodsPerYear),
    sharpeRatio: sharpe(returns, periodsPerYear, options.riskFreePerPeriod ?? 0),
    sortinoRatio: sortino(returns, periodsPerYear, options.sortinoTarget ?? 0),
    calmarRatio: calmar(returns, periodsPerYear),
    maxDrawdown: drawdownsFromReturns(returns).maxDrawdown,
    ...tradeStats(tradePnls),
  };
}

