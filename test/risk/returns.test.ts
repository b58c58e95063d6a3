/**
 * Returns, gaps and alignment. Reference values: test/risk/reference/returns.py (numpy), e.g.
 *   hand = [100, 110, 99, 99, 120]: simple = p[1:]/p[:-1] − 1, log = np.log(p[1:]/p[:-1])
 *   SOL daily closes 2024-01-01..2025-12-31 (731 closes, 730 returns): simple[0] = −0.02893276316986615,
 *   simple[-1] = −0.0028797696184305055, Σ log = 0.1258479608887581, ∏(1 + simple) = 1.134109726139568
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { alignSeries, equityCurve, growthFactor, logReturns, returnsWithGaps, simpleReturns } from '../../src/risk/returns.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel } from './reference/helpers.ts';

const hand = [100, 110, 99, 99, 120];
const positivePrices = fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 2, maxLength: 100 });

describe('simpleReturns / logReturns', () => {
  it('matches numpy on a hand series', () => {
    expect(simpleReturns(hand)).toEqual([0.10000000000000009, -0.09999999999999998, 0, 0.21212121212121215]);
    const log = logReturns(hand);
    [0.09531017980432493, -0.10536051565782628, 0, 0.1923718926474561].forEach((x, i) => expectRel(log[i] as number, x, 1e-15));
  });

  itShared('matches numpy on SOL daily closes 2024-2025', () => {
    const sol = SOL_2024_2025();
    expect(sol).toHaveLength(731);
    const simple = simpleReturns(sol);
    const log = logReturns(sol);
    expect(simple).toHaveLength(730);
    expectRel(simple[0] as number, -0.02893276316986615, 1e-14);
    expectRel(simple.at(-1) as number, -0.0028797696184305055, 1e-14);
    expectRel(log[0] as number, -0.02935956815493531, 1e-14);
    expectRel(log.reduce((a, b) => a + b, 0), 0.1258479608887581, 1e-11);
  });

  it('throws RiskInputError on one observation, and on any gap, naming it', () => {
    expect(() => simpleReturns([100])).toThrow(RiskInputError);
    expect(() => logReturns([])).toThrow(/at least 2 prices, got 0/);
    expect(() => simpleReturns([100, Number.NaN, 110])).toThrow(/price 1 is NaN, a gap/);
    expect(() => logReturns([100, 105, 0])).toThrow(/price 2 is 0, a gap/);
    expect(() => simpleReturns([-1, 105])).toThrow(/price 0 is -1/);
    expect(() => logReturns([100, Infinity])).toThrow(RiskInputError);
  });

  it('log returns are ln(1 + simple) and sum to ln(last/first)', () => {
    fc.assert(fc.property(positivePrices, (p) => {
      const s = simpleReturns(p);
      const l = logReturns(p);
      l.forEach((x, i) => expect(x).toBeCloseTo(Math.log1p(s[i] as number), 9));
      expect(l.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.log((p.at(-1) as number) / (p[0] as number)), 8);
    }));
  });
});

describe('returnsWithGaps', () => {
  it('drops every return touching a gap instead of making it zero', () => {
    const prices = [100, 110, Number.NaN, 120, 132, 0, 140, -5, 150, 165];
    const { returns, dropped } = returnsWithGaps(prices, 'simple');
    expect(returns).toHaveLength(3);
    expectRel(returns[0] as number, 0.1, 1e-14);
    expectRel(returns[1] as number, 0.1, 1e-14);
    expectRel(returns[2] as number, 0.1, 1e-14);
    expect(dropped).toBe(6);
    expect(returnsWithGaps(prices, 'log').returns[0]).toBeCloseTo(Math.log(1.1), 15);
  });

  it('equals the plain functions when there is no gap', () => {
    fc.assert(fc.property(positivePrices, (p) => {
      expect(returnsWithGaps(p, 'log')).toEqual({ returns: logReturns(p), dropped: 0 });
      expect(returnsWithGaps(p, 'simple')).toEqual({ returns: simpleReturns(p), dropped: 0 });
    }));
  });

  it('returns nothing for an all-gap series and needs 2 prices', () => {
    expect(returnsWithGaps([Number.NaN, Number.NaN, 0], 'log')).toEqual({ returns: [], dropped: 2 });
    expect(() => returnsWithGaps([1], 'log')).toThrow(RiskInputError);
  });
});

describe('alignSeries', () => {
  it('keeps the timestamps all series share, ascending, whatever the input order', () => {
    const a = { t: [5, 1, 2, 3, 4], v: [50, 10, 20, 30, 40] };
    const b = { t: [2, 4, 5, 6], v: [200, 400, 500, 600] };
    const c = { t: [6, 5, 4, 2, 0], v: [6, 5, 4, Number.NaN, 0] };
    const out = alignSeries([a, b, c]);
    expect(out.t).toEqual([2, 4, 5]);
    expect(out.values[0]).toEqual([20, 40, 50]);
    expect(out.values[1]).toEqual([200, 400, 500]);
    expect(out.values[2]).toEqual([Number.NaN, 4, 5]); // a gap stays a gap, for returnsWithGaps to drop
  });

  it('rejects duplicate timestamps, length mismatches and no series', () => {
    expect(() => alignSeries([{ t: [1, 1], v: [1, 2] }])).toThrow(/repeats timestamp 1/);
    expect(() => alignSeries([{ t: [1, 2], v: [1] }])).toThrow(/2 timestamps but 1 values/);
    expect(() => alignSeries([])).toThrow(RiskInputError);
    expect(() => alignSeries([{ t: [Number.NaN], v: [1] }])).toThrow(RiskInputError);
  });

  it('returns empty series when nothing overlaps', () => {
    expect(alignSeries([{ t: [1], v: [1] }, { t: [2], v: [2] }])).toEqual({ t: [], values: [[], []] });
  });
});

describe('growthFactor / equityCurve', () => {
  itShared('compounds SOL returns back to last/first (numpy ∏(1 + r) = 1.134109726139568)', () => {
    const sol = SOL_2024_2025();
    const r = simpleReturns(sol);
    expectRel(growthFactor(r), 1.134109726139568, 1e-12);
    const curve = equityCurve(r, sol[0]);
    expect(curve).toHaveLength(731);
    curve.forEach((v, i) => expectRel(v, sol[i] as number, 1e-11));
  });

  it('starts at `start`, is 1 for no returns, and rejects returns below −100% or NaN', () => {
    expect(equityCurve([0.1, -0.5])).toEqual([1, 1.1, 0.55]);
    expect(growthFactor([])).toBe(1);
    expect(growthFactor([-1, 0.5])).toBe(0);
    expect(() => growthFactor([0.1, -1.2])).toThrow(/return 1 is -1.2/);
    expect(() => equityCurve([Number.NaN])).toThrow(RiskInputError);
    expect(() => equityCurve([0.1], 0)).toThrow(RiskInputError);
  });
});
