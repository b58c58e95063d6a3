/**
 * Seed 003 PerformanceMetrics. Reference values: test/risk/reference/performance.py (numpy, empyrical formulas):
 *   SOL daily simple returns 2024-01-01..2025-12-31, N = 365: total_return 0.13410972613956806,
 *     annualized_return 0.06494587944156494, volatility std(ddof=1)·√365 = 0.8415756957923058,
 *     sharpe 0.4928551061197483, sortino 0.7391344762063925, calmar 0.10866623259440988,
 *     max_drawdown 0.5976638546398446
 *   trades [120, −40, 75.5, 0, −210.25, 33, 410, −15]: win_rate 4/7 = 0.5714285714285714 (quantstats: wins over
 *     non-zero trades; the 0 is neither),
 *     profit_factor 638.5/265.25 = 2.4071630537229027, average_win 159.625, average_loss −88.41666666666667,
 *     largest_win 410, largest_loss −210.25, 8 trades, 4 winning, 3 losing
 *   edge cases (same script): [] and [0, 0] → win_rate 0, profit_factor 0; [10, 5] → 1, inf; [10, 0, −5] → 0.5, 2
 */
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { performanceMetrics, tradeStats } from '../../src/risk/performance.ts';
import { sharpe, sortino } from '../../src/risk/ratios.ts';
import { PERIODS_PER_YEAR } from '../../src/risk/volatility.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveSimple } from './reference/helpers.ts';

const trades = [120, -40, 75.5, 0, -210.25, 33, 410, -15];
const sol = lazy(() => naiveSimple(SOL_2024_2025()));

describe('performanceMetrics', () => {
  itShared('matches the numpy/empyrical reference on SOL 2024-2025 with a trade list', () => {
    const m = performanceMetrics(sol(), trades, PERIODS_PER_YEAR.daily);
    expectRel(m.totalReturn, 0.13410972613956806, 1e-12);
    expectRel(m.annualizedReturn, 0.06494587944156494, 1e-11);
    expectRel(m.volatility, 0.8415756957923058, 1e-12);
    expectRel(m.sharpeRatio, 0.4928551061197483, 1e-12);
    expectRel(m.sortinoRatio, 0.7391344762063925, 1e-12);
    expectRel(m.calmarRatio, 0.10866623259440988, 1e-11);
    expectRel(m.maxDrawdown, 0.5976638546398446, 1e-12);
    expectRel(m.winRate, 0.5714285714285714, 1e-15);
    expectRel(m.profitFactor, 2.4071630537229027, 1e-15);
    expect([m.averageWin, m.largestWin, m.largestLoss]).toEqual([159.625, 410, -210.25]);
    expectRel(m.averageLoss, -88.41666666666667, 1e-15);
    expect([m.totalTrades, m.winningTrades, m.losingTrades]).toEqual([8, 4, 3]);
  });

  itShared('passes the risk-free rate and Sortino target through to the ratio functions', () => {
    const m = performanceMetrics(sol(), [], 365, { riskFreePerPeriod: 0.05 / 365, sortinoTarget: 0.001 });
    expectRel(m.sharpeRatio, 0.4334427439876322, 1e-12);
    expect(m.sortinoRatio).toBe(sortino(sol(), 365, 0.001));
    expect(m.sharpeRatio).toBe(sharpe(sol(), 365, 0.05 / 365));
  });

  itShared('throws RiskInputError on one return or NaN returns/PnLs', () => {
    expect(() => performanceMetrics([0.01], trades, 365)).toThrow(/at least 2 values, got 1/);
    expect(() => performanceMetrics([0.01, Number.NaN], trades, 365)).toThrow(RiskInputError);
    expect(() => performanceMetrics(sol(), [1, Number.NaN], 365)).toThrow(/tradePnls: value 1 is NaN/);
  });

  it('reports all-positive returns with NaN (undefined) Sortino and Calmar and zero drawdown', () => {
    const m = performanceMetrics([0.01, 0.02, 0.005], [], 365);
    expect(m.maxDrawdown).toBe(0);
    expect(m.sortinoRatio).toBeNaN();
    expect(m.calmarRatio).toBeNaN();
  });
});

describe('tradeStats', () => {
  it('follows quantstats: win rate over non-zero trades, so a break-even trade is neither', () => {
    const s = tradeStats(trades);
    expectRel(s.winRate, 0.5714285714285714, 1e-15);
    expectRel(s.profitFactor, 2.4071630537229027, 1e-15);
    expect(tradeStats([10, 0, -5]).winRate).toBe(0.5);
    expect(tradeStats([10, 0, -5]).profitFactor).toBe(2);
  });

  it('is 0 (not NaN) for win rate and profit factor with no non-zero trade; averages of an empty side are NaN', () => {
    for (const pnl of [[], [0, 0]]) {
      const s = tradeStats(pnl);
      expect([s.winRate, s.profitFactor]).toEqual([0, 0]);
      for (const x of [s.averageWin, s.averageLoss, s.largestWin, s.largestLoss]) expect(x).toBeNaN();
    }
    expect([tradeStats([]).totalTrades, tradeStats([0, 0]).totalTrades]).toEqual([0, 2]);
  });

  it('gives profit factor +Infinity with gains and no losses', () => {
    const wins = tradeStats([10, 5]);
    expect(wins.profitFactor).toBe(Infinity);
    expect(wins.winRate).toBe(1);
    expect(wins.averageLoss).toBeNaN();
    expect(wins.largestLoss).toBeNaN();
    const losses = tradeStats([-3, -1]);
    expect(losses.profitFactor).toBe(0);
    expect([losses.averageLoss, losses.largestLoss, losses.winRate]).toEqual([-2, -3, 0]);
  });
});
