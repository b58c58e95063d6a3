/**
 * Ratios, empyrical conventions. Reference values: test/risk/reference/ratios.py (empyrical's formulas in numpy):
 *   total = ∏(1+r) − 1;  annual = ∏(1+r)^(N/n) − 1;  sharpe = mean(r − rf)/std(r − rf, ddof=1)·√N;
 *   downside = √mean(min(r − target, 0)²) over all periods;  sortino = mean(r − target)·N/(downside·√N);
 *   calmar = annual / max drawdown of [1, cumprod(1 + r)]
 *   hand = [0.01, −0.02, 0.015, 0.03, −0.01, 0, 0.005, −0.004], N = 365: total 0.025442495674981913,
 *     annual 2.1465060695709908, sharpe 4.006179251786264, downside 0.008031189202104504, sortino 7.731253897118204,
 *     calmar 107.32530347854956
 *   hand, N = 252, rf = 0.0001, target = 0.001: annual 1.2065120475167586, sharpe 3.2263494780486672,
 *     downside 0.008573214099741122, sortino 4.16619044897648, calmar 60.32560237583794
 *   SOL daily simple returns 2024-01-01..2025-12-31, N = 365: total 0.13410972613956806, annual 0.06494587944156494,
 *     sharpe 0.4928551061197483 (rf = 0.05/365: 0.4334427439876322), sortino 0.7391344762063925,
 *     calmar 0.10866623259440988
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { annualizedReturn, calmar, downsideDeviation, sharpe, sortino, totalReturn } from '../../src/risk/ratios.ts';
import { PERIODS_PER_YEAR } from '../../src/risk/volatility.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveSimple } from './reference/helpers.ts';

const hand = [0.01, -0.02, 0.015, 0.03, -0.01, 0, 0.005, -0.004];
const sol = lazy(() => naiveSimple(SOL_2024_2025()));
const returnsArb = fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 2, maxLength: 200 });

describe('returns', () => {
  itShared('matches empyrical on a hand series and SOL', () => {
    expectRel(totalReturn(hand), 0.025442495674981913, 1e-13);
    expectRel(annualizedReturn(hand, 365), 2.1465060695709908, 1e-12);
    expectRel(annualizedReturn(hand, 252), 1.2065120475167586, 1e-12);
    expectRel(totalReturn(sol()), 0.13410972613956806, 1e-12);
    expectRel(annualizedReturn(sol(), PERIODS_PER_YEAR.daily), 0.06494587944156494, 1e-11);
  });

  it('annualised equals total when the series is exactly one year', () => {
    fc.assert(fc.property(returnsArb, (r) => {
      expect(annualizedReturn(r, r.length)).toBeCloseTo(totalReturn(r), 12);
    }));
  });
});

describe('sharpe', () => {
  itShared('matches empyrical', () => {
    expectRel(sharpe(hand, 365), 4.006179251786264, 1e-13);
    expectRel(sharpe(hand, 252, 0.0001), 3.2263494780486672, 1e-13);
    expectRel(sharpe(sol(), 365), 0.4928551061197483, 1e-12);
    expectRel(sharpe(sol(), 365, 0.05 / 365), 0.4334427439876322, 1e-12);
  });

  it('is invariant to scaling returns by k > 0 and flips sign for k < 0', () => {
    // Returns on a 0.01% grid: subnormal doubles would collapse to a constant series once scaled.
    const gridReturns = fc.array(fc.integer({ min: -5000, max: 5000 }).map((i) => i / 10_000), { minLength: 2, maxLength: 200 });
    fc.assert(fc.property(gridReturns, fc.double({ min: 0.01, max: 100, noNaN: true }), (r, k) => {
      fc.pre(new Set(r).size > 1);
      const s = sharpe(r, 365);
      expect(sharpe(r.map((x) => k * x), 365)).toBeCloseTo(s, 8);
      expect(sharpe(r.map((x) => -k * x), 365)).toBeCloseTo(-s, 8);
    }));
  });

  // Reference: test/risk/reference/ratios_undefined.py — numpy's std(ddof=1) of these series is 0 or below 1e-12.
  it('is NaN (undefined, never ±Infinity) with no volatility or volatility below the 1e-12 guard', () => {
    expect(sharpe([0.01, 0.01, 0.01], 365)).toBeNaN();
    expect(sharpe([-0.002, -0.002], 365)).toBeNaN();
    expect(sharpe([0, 0, 0], 365)).toBeNaN();
    expect(sharpe([0.01, 0.01], 365, 0.01)).toBeNaN();
    expect(sharpe([0.01, 0.01 + 1e-15, 0.01], 365)).toBeNaN();
  });

  it('is never infinite (property)', () => {
    fc.assert(fc.property(returnsArb, (r) => {
      for (const x of [sharpe(r, 365), sortino(r, 365), calmar(r, 365)]) expect(Number.isFinite(x) || Number.isNaN(x)).toBe(true);
    }));
  });

  it('throws RiskInputError on one observation, NaN or a bad period count', () => {
    expect(() => sharpe([0.01], 365)).toThrow(/at least 2 values, got 1/);
    expect(() => sharpe([0.01, Number.NaN], 365)).toThrow(RiskInputError);
    expect(() => sharpe(hand, 0)).toThrow(/periodsPerYear/);
    expect(() => sharpe(hand, 365, Number.NaN)).toThrow(RiskInputError);
  });
});

describe('sortino', () => {
  itShared('matches empyrical (downside over all periods)', () => {
    expectRel(downsideDeviation(hand), 0.008031189202104504, 1e-14);
    expectRel(sortino(hand, 365), 7.731253897118204, 1e-13);
    expectRel(downsideDeviation(hand, 0.001), 0.008573214099741122, 1e-14);
    expectRel(sortino(hand, 252, 0.001), 4.16619044897648, 1e-13);
    expectRel(sortino(sol(), 365), 0.7391344762063925, 1e-12);
  });

  it('is NaN for all-positive returns (no downside) or a downside below 1e-12', () => {
    expect(downsideDeviation([0.01, 0.02, 0.005])).toBe(0);
    expect(sortino([0.01, 0.02, 0.005], 365)).toBeNaN();
    expect(sortino([0, 0, 0], 365)).toBeNaN();
    expect(sortino([0.01], 365)).toBeNaN();
    expect(sortino([0.01, -1e-14, 0.02], 365)).toBeNaN();
    expect(() => sortino([], 365)).toThrow(RiskInputError);
    expect(() => sortino([Number.NaN], 365)).toThrow(RiskInputError);
  });

  it('never has a downside deviation above the root-mean-square return', () => {
    fc.assert(fc.property(returnsArb, (r) => {
      const rms = Math.sqrt(r.reduce((a, x) => a + x * x, 0) / r.length);
      expect(downsideDeviation(r)).toBeLessThanOrEqual(rms + 1e-15);
    }));
  });
});

describe('calmar', () => {
  itShared('matches empyrical', () => {
    expectRel(calmar(hand, 365), 107.32530347854956, 1e-12);
    expectRel(calmar(hand, 252), 60.32560237583794, 1e-12);
    expectRel(calmar(sol(), 365), 0.10866623259440988, 1e-11);
  });

  it('is NaN with no drawdown (as empyrical/quantstats) or a drawdown below 1e-12', () => {
    expect(calmar([0.01, 0.02], 365)).toBeNaN();
    expect(calmar([0, 0], 365)).toBeNaN();
    expect(calmar([0.01, -1e-14, 0.02], 365)).toBeNaN();
    expect(() => calmar([0.01, -1.2], 365)).toThrow(RiskInputError);
  });
});
