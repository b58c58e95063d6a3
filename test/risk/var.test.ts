/**
 * Value at Risk. Reference values: test/risk/reference/var.py (numpy/scipy):
 *   hand = [0.03, −0.05, 0.01, −0.02, 0.04, −0.08, 0, 0.02, −0.01, 0.05]
 *   np.quantile(hand, p) (method='linear') for p in 0, .01, .05, .1, .25, .5, .55, .95, 1
 *   historical VaR_c = −np.quantile(r, round(1 − c, 12))·√h;  parametric VaR_c = norm.ppf(c)·std(ddof=1)·√h (− mean·h if adjusted)
 *   hand: VaR95 0.0665, VaR99 0.07730000000000001, VaR95(h=10) 0.21029146440119725; normal VaR95 0.06690419521099696,
 *         VaR99(h=10) 0.299226981994901, mean-adjusted VaR95(h=5) 0.1546023284717051
 *   SOL daily SIMPLE returns 2024-01-01..2025-12-31: historical VaR95 0.06529234409433844, VaR99 0.09482484954467504,
 *         VaR95(h=10) 0.20647252110955328; normal VaR95 0.07245594238377202, VaR99 0.10247582202102329,
 *         mean-adjusted VaR95 0.07131957285265554, VaR99 0.1013394524899068
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { historicalVaR, parametricVaR, quantile, quantileSorted, varUsd } from '../../src/risk/var.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveSimple } from './reference/helpers.ts';

const hand = [0.03, -0.05, 0.01, -0.02, 0.04, -0.08, 0, 0.02, -0.01, 0.05];
const sol = lazy(() => naiveSimple(SOL_2024_2025()));
const returnsArb = fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 2, maxLength: 300 });

describe('quantile (numpy linear)', () => {
  it('matches np.quantile bit for bit on a hand series', () => {
    const expected: [number, number][] = [
      [0, -0.08], [0.01, -0.07730000000000001], [0.05, -0.0665], [0.1, -0.053000000000000005], [0.25, -0.0175],
      [0.5, 0.005], [0.55, 0.009500000000000001], [0.95, 0.04549999999999999], [1, 0.05],
    ];
    for (const [p, q] of expected) expect(quantile(hand, p)).toBe(q);
  });

  it('is monotone in p and bounded by the sample', () => {
    fc.assert(fc.property(returnsArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (r, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(quantile(r, lo)).toBeLessThanOrEqual(quantile(r, hi));
      expect(quantile(r, a)).toBeGreaterThanOrEqual(Math.min(...r));
      expect(quantile(r, a)).toBeLessThanOrEqual(Math.max(...r));
    }));
  });

  it('rejects p outside [0, 1], empty samples and NaN', () => {
    expect(() => quantile(hand, 1.1)).toThrow(RiskInputError);
    expect(() => quantileSorted([], 0.5)).toThrow(/empty/);
    expect(() => quantile([0.1, Number.NaN], 0.5)).toThrow(/value 1 is NaN/);
  });
});

describe('historicalVaR', () => {
  it('matches numpy on a hand series, √h horizon scaling', () => {
    expect(historicalVaR(hand, 0.95)).toBe(0.0665);
    expect(historicalVaR(hand, 0.99)).toBe(0.07730000000000001);
    expectRel(historicalVaR(hand, 0.95, 10), 0.21029146440119725, 1e-15);
  });

  itShared('matches numpy on SOL daily returns 2024-2025', () => {
    expectRel(historicalVaR(sol(), 0.95), 0.06529234409433844, 1e-14);
    expectRel(historicalVaR(sol(), 0.99), 0.09482484954467504, 1e-14);
    expectRel(historicalVaR(sol(), 0.95, 10), 0.20647252110955328, 1e-14);
  });

  it('reports a gain as a negative VaR (all-positive returns) and a constant series as its negated return', () => {
    expect(historicalVaR([0.01, 0.02, 0.03], 0.95)).toBeLessThan(0);
    expect(historicalVaR([-0.01, -0.01, -0.01], 0.99)).toBe(0.01);
  });

  it('throws RiskInputError on one observation, NaN, bad confidence or horizon', () => {
    expect(() => historicalVaR([0.01], 0.95)).toThrow(/at least 2 values, got 1/);
    expect(() => historicalVaR([0.01, Number.NaN, 0.02], 0.95)).toThrow(RiskInputError);
    expect(() => historicalVaR(hand, 1)).toThrow(/confidence is 1/);
    expect(() => historicalVaR(hand, 95)).toThrow(RiskInputError);
    expect(() => historicalVaR(hand, 0.95, 0)).toThrow(/horizon is 0/);
    expect(() => historicalVaR(hand, 0.95, Number.NaN)).toThrow(RiskInputError);
  });

  it('VaR99 ≥ VaR95, √h scaling, translation and scale behave as a quantile should', () => {
    fc.assert(fc.property(returnsArb, fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.01, max: 10, noNaN: true }), (r, h, k) => {
      const v95 = historicalVaR(r, 0.95);
      expect(historicalVaR(r, 0.99)).toBeGreaterThanOrEqual(v95);
      expect(historicalVaR(r, 0.95, h)).toBeCloseTo(Math.sqrt(h) * v95, 12);
      expect(historicalVaR(r.map((x) => x + 0.01), 0.95)).toBeCloseTo(v95 - 0.01, 12);
      expect(historicalVaR(r.map((x) => k * x), 0.95)).toBeCloseTo(k * v95, 10);
    }));
  });
});

describe('parametricVaR', () => {
  it('matches scipy on a hand series (zero-mean default, mean-adjusted on request)', () => {
    expectRel(parametricVaR(hand, 0.95), 0.06690419521099696, 1e-14);
    expectRel(parametricVaR(hand, 0.99, 10), 0.299226981994901, 1e-14);
    expectRel(parametricVaR(hand, 0.95, 5, { meanAdjusted: true }), 0.1546023284717051, 1e-14);
  });

  itShared('matches scipy on SOL daily returns 2024-2025', () => {
    expectRel(parametricVaR(sol(), 0.95), 0.07245594238377202, 1e-13);
    expectRel(parametricVaR(sol(), 0.99), 0.10247582202102329, 1e-13);
    expectRel(parametricVaR(sol(), 0.95, 1, { meanAdjusted: true }), 0.07131957285265554, 1e-13);
    expectRel(parametricVaR(sol(), 0.99, 1, { meanAdjusted: true }), 0.1013394524899068, 1e-13);
  });

  it('accepts moments directly: z·σ·√h − μh', () => {
    expectRel(parametricVaR({ mean: 0, sd: 1 }, 0.95), 1.6448536269514722, 1e-15);
    expectRel(parametricVaR({ mean: 0, sd: 1 }, 0.99), 2.3263478740408408, 1e-15);
    expectRel(parametricVaR({ mean: 0.001, sd: 0.02 }, 0.99, 4, { meanAdjusted: true }), 2.3263478740408408 * 0.02 * 2 - 0.004, 1e-14);
    expect(parametricVaR({ mean: 0.001, sd: 0.02 }, 0.99, 4)).toBeCloseTo(2.3263478740408408 * 0.04, 15);
  });

  it('is 0 for a constant series (zero-mean) and rejects bad input', () => {
    expect(parametricVaR([0.01, 0.01, 0.01], 0.99)).toBe(0);
    expect(() => parametricVaR([0.01], 0.95)).toThrow(RiskInputError);
    expect(() => parametricVaR([0.01, Number.NaN], 0.95)).toThrow(RiskInputError);
    expect(() => parametricVaR({ mean: 0, sd: -0.1 }, 0.95)).toThrow(/sd is -0.1/);
    expect(() => parametricVaR({ mean: Number.NaN, sd: 0.1 }, 0.95)).toThrow(RiskInputError);
    expect(() => parametricVaR(hand, 0)).toThrow(RiskInputError);
  });

  it('VaR99 ≥ VaR95 and VaR(h) = √h·VaR(1) when zero-mean', () => {
    fc.assert(fc.property(returnsArb, fc.double({ min: 0.1, max: 250, noNaN: true }), (r, h) => {
      const v1 = parametricVaR(r, 0.95);
      expect(parametricVaR(r, 0.99)).toBeGreaterThanOrEqual(v1);
      expect(parametricVaR(r, 0.95, h)).toBeCloseTo(Math.sqrt(h) * v1, 11);
    }));
  });
});

describe('varUsd', () => {
  it('applies a loss fraction to a holding value', () => {
    expect(varUsd(0.05, 10_000)).toBeCloseTo(500, 12);
    expect(varUsd(-0.01, 10_000)).toBeCloseTo(-100, 12);
    expect(() => varUsd(0.05, -10_000)).toThrow(RiskInputError);
    expect(() => varUsd(Number.NaN, 1)).toThrow(RiskInputError);
  });
});
