/**
 * Expected shortfall. Reference values: test/risk/reference/es.py (numpy/scipy):
 *   historical ES_c = −mean(r[r ≤ np.quantile(r, round(1 − c, 12))])·√h;  normal ES_c = σ·φ(z_c)/(1 − c)·√h (− μh if adjusted)
 *   hand = [0.03, −0.05, 0.01, −0.02, 0.04, −0.08, 0, 0.02, −0.01, 0.05]: ES80 0.065, ES95 0.08, ES80(h=4) 0.13;
 *         normal ES95 0.08390055995041552, mean-adjusted ES99(h=10) 0.3528137366827742
 *   SOL daily SIMPLE returns 2024-01-01..2025-12-31: ES95 0.08999201970300313 (37 tail returns),
 *         ES99 0.13536202021291183 (8); normal ES95 0.09086267488252076, ES99 0.11740291344202561,
 *         mean-adjusted ES95 0.08972630535140427, ES99 0.11626654391090913
 *   Round confidences (test/risk/reference/tail_rounding.py): the tail probability is round(1 − c, 12), so
 *   r = [−0.5, −0.001, 0, 0.01, …, 0.08] at c = 0.9 has VaR 0.001 and ES 0.2505 (2 tail returns; unrounded, 1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historicalES, parametricES } from '../../src/risk/es.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { historicalVaR, parametricVaR } from '../../src/risk/var.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveSimple } from './reference/helpers.ts';

const hand = [0.03, -0.05, 0.01, -0.02, 0.04, -0.08, 0, 0.02, -0.01, 0.05];
const sol = lazy(() => naiveSimple(SOL_2024_2025()));
const returnsArb = fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 2, maxLength: 300 });

describe('historicalES', () => {
  it('matches numpy on a hand series', () => {
    expectRel(historicalES(hand, 0.8), 0.065, 1e-15);
    expectRel(historicalES(hand, 0.95), 0.08, 1e-15);
    expectRel(historicalES(hand, 0.8, 4), 0.13, 1e-15);
  });

  itShared('matches numpy on SOL daily returns 2024-2025', () => {
    expectRel(historicalES(sol(), 0.95), 0.08999201970300313, 1e-13);
    expectRel(historicalES(sol(), 0.99), 0.13536202021291183, 1e-13);
  });

  it('ES ≥ VaR at the same confidence, ES99 ≥ ES95, √h scaling', () => {
    fc.assert(fc.property(returnsArb, fc.constantFrom(0.9, 0.95, 0.975, 0.99), fc.integer({ min: 1, max: 30 }), (r, c, h) => {
      expect(historicalES(r, c)).toBeGreaterThanOrEqual(historicalVaR(r, c));
      // Nested tails: the 1% tail's mean is at most the 5% tail's (up to an ulp of summation rounding).
      const es95 = historicalES(r, 0.95);
      expect(historicalES(r, 0.99)).toBeGreaterThanOrEqual(es95 - 1e-15 * Math.abs(es95));
      expect(historicalES(r, c, h)).toBeCloseTo(Math.sqrt(h) * historicalES(r, c), 12);
    }));
  });

  // Reference: test/risk/reference/tail_rounding.py — p = round(1 − c, 12), ES = −mean(r[r ≤ np.quantile(r, p)]).
  it('keeps the boundary return in the tail at a round confidence (11 returns at 90%)', () => {
    // (n − 1)(1 − c) = 10 × 0.1 = 1 exactly, so the tail is the two smallest returns: ES = (0.5 + 0.001)/2.
    const r = [-0.5, -0.001, 0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];
    expectRel(historicalES(r, 0.9), 0.2505, 1e-15);
    expect(historicalVaR(r, 0.9)).toBe(0.001);
  });

  it('tail at round confidences: for n ≤ 200, ES is the mean of the returns ≤ −VaR, and there are ⌊(n−1)(1−c)⌋ + 1', () => {
    // Exact integer arithmetic in per-mille, independent of the float path: k = ⌊(n − 1)(1000 − c‰)/1000⌋ + 1.
    const distinct = fc.uniqueArray(fc.integer({ min: -500_000, max: 500_000 }), { minLength: 2, maxLength: 200 });
    fc.assert(fc.property(distinct, fc.constantFrom(800, 900, 950, 975, 990), (ints, permille) => {
      const r = ints.map((x) => x / 1e6);
      const c = permille / 1000;
      const sorted = [...r].sort((a, b) => a - b);
      const k = Math.floor(((r.length - 1) * (1000 - permille)) / 1000) + 1;
      const cutoff = -historicalVaR(r, c);
      const tail = r.filter((x) => x <= cutoff);
      expect(tail).toHaveLength(k);
      expect(historicalES(r, c)).toBeCloseTo(-tail.reduce((a, b) => a + b, 0) / tail.length, 14);
      if (((r.length - 1) * (1000 - permille)) % 1000 === 0) expect(cutoff).toBe(sorted[k - 1]);
    }), { numRuns: 500 });
  });

  it('never rounds a tail of ties below VaR', () => {
    const ties = [0.1, 0.1, 0.1, 0.2];
    expect(historicalES(ties, 0.9)).toBeGreaterThanOrEqual(historicalVaR(ties, 0.9));
    expect(historicalES([-0.07, -0.07, -0.07, -0.07, -0.07], 0.99)).toBe(0.07);
  });

  it('throws RiskInputError on one observation, NaN and bad confidence', () => {
    expect(() => historicalES([0.01], 0.95)).toThrow(/at least 2 values/);
    expect(() => historicalES([0.01, Number.NaN], 0.95)).toThrow(RiskInputError);
    expect(() => historicalES(hand, 1.5)).toThrow(/confidence/);
    expect(() => historicalES(hand, 0.95, -1)).toThrow(/horizon/);
  });
});

describe('parametricES', () => {
  it('matches scipy on a hand series', () => {
    expectRel(parametricES(hand, 0.95), 0.08390055995041552, 1e-13);
    expectRel(parametricES(hand, 0.99, 10, { meanAdjusted: true }), 0.3528137366827742, 1e-13);
  });

  itShared('matches scipy on SOL daily returns 2024-2025', () => {
    expectRel(parametricES(sol(), 0.95), 0.09086267488252076, 1e-13);
    expectRel(parametricES(sol(), 0.99), 0.11740291344202561, 1e-13);
    expectRel(parametricES(sol(), 0.95, 1, { meanAdjusted: true }), 0.08972630535140427, 1e-13);
    expectRel(parametricES(sol(), 0.99, 1, { meanAdjusted: true }), 0.11626654391090913, 1e-13);
  });

  it('ES ≥ VaR, ES(h) = √h·ES(1) zero-mean, and 0 for a constant series', () => {
    fc.assert(fc.property(returnsArb, fc.double({ min: 0.5, max: 0.999, noNaN: true }), fc.double({ min: 0.1, max: 250, noNaN: true }), (r, c, h) => {
      expect(parametricES(r, c)).toBeGreaterThanOrEqual(parametricVaR(r, c));
      expect(parametricES(r, c, h)).toBeCloseTo(Math.sqrt(h) * parametricES(r, c), 11);
    }));
    expect(parametricES([0.02, 0.02, 0.02], 0.99)).toBe(0);
    expect(() => parametricES({ mean: 0, sd: Number.NaN }, 0.95)).toThrow(RiskInputError);
  });
});
