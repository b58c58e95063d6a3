/**
 * Mean, sample variance, annualisation and EWMA. Reference values: test/risk/reference/volatility.py (numpy):
 *   hand = [0.01, −0.02, 0.015, 0.03, −0.01, 0]: mean 0.004166666666666666, np.var(ddof=1) 0.00032416666666666667,
 *   np.std(ddof=1) 0.01800462903440853, ×√365 = 0.3439779547199694, ×√252 = 0.2858146252381078
 *   SOL daily log returns 2024-01-01..2025-12-31: std(ddof=1) 0.043912371966403824, ×√365 = 0.8389446884486903
 * EWMA (RiskMetrics λ = 0.94): test/risk/reference/garch_arch.py (the `arch` package, EWMAVariance):
 *   σ²_0 = Σ_{i<min(75,n)} w_i r²_i, w_i ∝ 0.94^i (arch's backcast);  σ²_t = λσ²_{t−1} + (1−λ)r²_{t−1}
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import {
  PERIODS_PER_YEAR, annualize, annualizedVolatility, ewmaVolatility, mean, stdev, variance,
} from '../../src/risk/volatility.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveLog } from './reference/helpers.ts';

const hand = [0.01, -0.02, 0.015, 0.03, -0.01, 0];
const REFERENCE = join(import.meta.dirname, 'reference');
const ARCH_EWMA = (JSON.parse(readFileSync(join(REFERENCE, 'garch_arch.json'), 'utf8')) as {
  ewma: Record<string, { first: number; second: number; oneStep: number }>;
}).ewma;
const SIMULATED = (JSON.parse(readFileSync(join(REFERENCE, 'garch_series.json'), 'utf8')) as { series: Record<string, number[]> }).series;
const returnsArb = fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 2, maxLength: 200 });

describe('mean / variance / stdev', () => {
  it('matches numpy (ddof = 1) on a hand series', () => {
    expectRel(mean(hand), 0.004166666666666666, 1e-15);
    expectRel(variance(hand), 0.00032416666666666667, 1e-14);
    expectRel(stdev(hand), 0.01800462903440853, 1e-14);
  });

  itShared('matches numpy on SOL daily log returns 2024-2025', () => {
    const r = naiveLog(SOL_2024_2025());
    expectRel(stdev(r), 0.043912371966403824, 1e-12);
    expectRel(annualizedVolatility(r, PERIODS_PER_YEAR.daily), 0.8389446884486903, 1e-12);
  });

  it('is exactly 0 for a constant series (no 1e-18 rounding residue)', () => {
    expect(variance([0.01, 0.01, 0.01])).toBe(0);
    expect(stdev([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])).toBe(0);
  });

  it('throws RiskInputError on one observation or a non-finite value', () => {
    expect(() => stdev([0.01])).toThrow(RiskInputError);
    expect(() => stdev([0.01])).toThrow(/at least 2 values, got 1/);
    expect(() => mean([])).toThrow(RiskInputError);
    expect(() => variance([0.01, Number.NaN, 0.02])).toThrow(/value 1 is NaN/);
    expect(() => stdev([0.01, Infinity])).toThrow(RiskInputError);
  });

  it('stdev is scale-equivariant and shift-invariant', () => {
    fc.assert(fc.property(returnsArb, fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (r, k, c) => {
      const s = stdev(r);
      expect(stdev(r.map((x) => k * x))).toBeCloseTo(Math.abs(k) * s, 9);
      expect(stdev(r.map((x) => x + c))).toBeCloseTo(s, 9);
    }));
  });
});

describe('annualisation', () => {
  it('scales by √periodsPerYear with the exported conventions', () => {
    expect(PERIODS_PER_YEAR).toEqual({ daily: 365, hourly: 8760, equityDaily: 252 });
    expectRel(annualizedVolatility(hand, 365), 0.3439779547199694, 1e-14);
    expectRel(annualizedVolatility(hand, PERIODS_PER_YEAR.equityDaily), 0.2858146252381078, 1e-14);
    expect(annualize(0.01, PERIODS_PER_YEAR.hourly)).toBeCloseTo(0.01 * Math.sqrt(8760), 15);
  });

  it('rejects a missing, zero or negative periodsPerYear and a negative volatility', () => {
    expect(() => annualize(0.01, 0)).toThrow(/periodsPerYear is 0/);
    expect(() => annualizedVolatility(hand, Number.NaN)).toThrow(RiskInputError);
    expect(() => annualize(-0.01, 365)).toThrow(RiskInputError);
  });
});

describe('ewmaVolatility', () => {
  // Reference: test/risk/reference/garch_arch.py → garch_arch.json "ewma": arch's ZeroMean(r, EWMAVariance(0.94)).fix([]).
  // arch's conditional variance at t is σ² before r_t (so [0] is the backcast Σ w_i r²_i, w_i ∝ 0.94^i over the first
  // min(75, n), and [1] is our series[0]²); forecast(horizon=1) is our latest².
  it('matches arch’s EWMAVariance seeded with its backcast (hand series and simulated sim-a)', () => {
    const ref = ARCH_EWMA['hand 5']!;
    const e = ewmaVolatility([0.01, -0.02, 0.015, -0.005, 0.03]);
    expectRel(e.seedVariance, ref.first, 1e-14);
    expectRel(e.series[0]! ** 2, ref.second, 1e-14);
    expectRel(e.latest ** 2, ref.oneStep, 1e-14);
    const sim = ewmaVolatility(SIMULATED['sim-a']!);
    expectRel(sim.seedVariance, ARCH_EWMA['sim-a']!.first, 1e-13);
    expectRel(sim.latest ** 2, ARCH_EWMA['sim-a']!.oneStep, 1e-12);
  });

  itShared('matches arch’s EWMAVariance on SOL daily log returns 2024-2025', () => {
    const e = ewmaVolatility(naiveLog(SOL_2024_2025()));
    const ref = ARCH_EWMA['SOL 2024-2025']!;
    expectRel(e.seedVariance, ref.first, 1e-13);
    expectRel(e.series[0]! ** 2, ref.second, 1e-13);
    expectRel(e.latest ** 2, ref.oneStep, 1e-12);
  });

  it('is a weighted mean of the seed and r² whose weights λⁿ + (1−λ)Σλʲ sum to 1', () => {
    fc.assert(fc.property(returnsArb, fc.double({ min: 0.01, max: 0.99, noNaN: true }), (r, lambda) => {
      const e = ewmaVolatility(r, lambda);
      const n = r.length;
      let v = Math.pow(lambda, n) * e.seedVariance;
      let weights = Math.pow(lambda, n);
      for (let k = 0; k < n; k++) {
        const w = (1 - lambda) * Math.pow(lambda, n - 1 - k);
        v += w * (r[k] as number) ** 2;
        weights += w;
      }
      expect(weights).toBeCloseTo(1, 12);
      expect(e.latest ** 2).toBeCloseTo(v, 12);
    }));
  });

  it('returns |r| for a series of constant magnitude, whatever λ (weights sum to 1)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-4, max: 0.3, noNaN: true }), fc.integer({ min: 1, max: 80 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (c, n, lambda) => {
      const r = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? c : -c));
      expectRel(ewmaVolatility(r, lambda).latest, c, 1e-12);
    }));
  });

  it('works from one return, and rejects NaN, empty input and λ outside (0, 1)', () => {
    const one = ewmaVolatility([0.02]);
    expect(one.latest).toBeCloseTo(0.02, 15);
    expect(() => ewmaVolatility([])).toThrow(RiskInputError);
    expect(() => ewmaVolatility([0.01, Number.NaN])).toThrow(/value 1 is NaN/);
    expect(() => ewmaVolatility(hand, 1)).toThrow(/lambda is 1/);
    expect(() => ewmaVolatility(hand, 0)).toThrow(RiskInputError);
  });
});
