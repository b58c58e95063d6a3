/**
 * Sample covariance (ddof = 1). Independent values from test/risk/reference/covariance.py (numpy np.cov, ddof=1):
 *   hand 3 × 6 matrix below → [[0.00035, 0.00032, 8e-05], [0.00032, 0.0005866666666666668, -0.0001], [8e-05, -0.0001, 0.0002]]
 *   real: daily simple returns p[t]/p[t−1] − 1 of SOL, BTC, ETH, JUP, BONK, closes 2024-01-31..2025-08-13
 *   (560 returns, 2024-02-01..2025-08-13), matrix REAL_COV below.
 */
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { covarianceMatrix, requireCovariance, sampleCovariance } from '../../src/risk/covariance.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel, naiveSimple } from './reference/helpers.ts';

const HAND = [
  [0.01, -0.02, 0.03, 0.0, -0.01, 0.02],
  [0.02, -0.01, 0.01, 0.01, -0.03, 0.04],
  [-0.01, 0.0, 0.02, -0.02, 0.01, 0.0],
];
const HAND_COV = [[0.00035, 0.00032, 8e-5], [0.00032, 0.0005866666666666668, -0.0001], [8e-5, -0.0001, 0.0002]];

const ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK'];
const REAL_COV = [
  [0.0019931559617195715, 0.0008634756354607981, 0.0011932121778358798, 0.002217503799470883, 0.002240645812021705],
  [0.0008634756354607981, 0.0006681326784112965, 0.0007534060802476614, 0.0009177611811221202, 0.0012981470747215709],
  [0.0011932121778358798, 0.0007534060802476614, 0.0013798994940501174, 0.0013366830091583065, 0.0017343337378541105],
  [0.002217503799470883, 0.0009177611811221202, 0.0013366830091583065, 0.0037402311231912303, 0.002540225066062357],
  [0.002240645812021705, 0.0012981470747215709, 0.0017343337378541105, 0.002540225066062357, 0.005938500950190393],
];

/** Random aligned series: `n` assets × `t` periods of returns in (−0.2, 0.2). */
const seriesArb = (maxAssets = 9, maxPeriods = 40) =>
  fc.integer({ min: 1, max: maxAssets }).chain((n) =>
    fc.integer({ min: 2, max: maxPeriods }).chain((t) =>
      // Subnormal magnitudes are not returns, and ml-matrix's eigen solver (the PSD check) breaks on them: round to 0.
      fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }).map((x) => (Math.abs(x) < 1e-12 ? 0 : x)), { minLength: t, maxLength: t }), { minLength: n, maxLength: n })));

/** Textbook O(n²T) covariance, independent of the blocked kernel. */
function naiveCov(s: readonly (readonly number[])[]): number[][] {
  const T = s[0]!.length;
  const m = s.map((r) => r.reduce((a, b) => a + b, 0) / T);
  return s.map((x, i) => s.map((y, j) => x.reduce((acc, xv, t) => acc + (xv - m[i]!) * (y[t]! - m[j]!), 0) / (T - 1)));
}

describe('covarianceMatrix', () => {
  it('matches numpy on a hand-made 3 × 6 matrix', () => {
    const c = covarianceMatrix(HAND);
    HAND_COV.forEach((row, i) => row.forEach((v, j) => expectRel(c[i]![j]!, v, 1e-13)));
    expect(sampleCovariance(HAND[0]!, HAND[2]!)).toBeCloseTo(8e-5, 17);
  });

  itShared('matches numpy on real daily returns of SOL, BTC, ETH, JUP, BONK (560 days)', () => {
    const series = ASSETS.map((a) => naiveSimple(dailyCloses(a, '2024-01-31', '2025-08-13')));
    series.forEach((s) => expect(s).toHaveLength(560));
    const c = covarianceMatrix(series);
    REAL_COV.forEach((row, i) => row.forEach((v, j) => expectRel(c[i]![j]!, v, 1e-12)));
  });

  it('equals the textbook formula for every shape (covers the 4 × 2 kernel edges), exactly symmetric and PSD', () => {
    fc.assert(fc.property(seriesArb(), (s) => {
      const c = covarianceMatrix(s);
      const ref = naiveCov(s);
      const scale = Math.max(1e-30, ...ref.map((r, i) => Math.abs(r[i]!)));
      c.forEach((row, i) => row.forEach((v, j) => {
        expect(Math.abs(v - ref[i]![j]!)).toBeLessThanOrEqual(1e-12 * scale);
        expect(v).toBe(c[j]![i]);
      }));
      const eig = new EigenvalueDecomposition(new Matrix(c), { assumeSymmetric: true }).realEigenvalues;
      expect(Math.min(...eig)).toBeGreaterThanOrEqual(-1e-12 * scale);
    }));
  });

  it('does not move when a constant is added to a series (it measures co-movement only)', () => {
    fc.assert(fc.property(seriesArb(5, 20), fc.double({ min: -1, max: 1, noNaN: true }), (s, k) => {
      const shifted = s.map((r, i) => (i === 0 ? r.map((x) => x + k) : r));
      const a = covarianceMatrix(s);
      const b = covarianceMatrix(shifted);
      a.forEach((row, i) => row.forEach((v, j) => expect(b[i]![j]!).toBeCloseTo(v, 12)));
    }));
  });

  it('gives a constant series exactly zero variance', () => {
    expect(covarianceMatrix([[0.1, 0.1, 0.1, 0.1]])[0]![0]).toBe(0);
  });

  it('handles 1,000 assets × 1,095 days (the report size) and stays symmetric', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const s = Array.from({ length: 1000 }, () => Array.from({ length: 1095 }, rnd));
    const c = covarianceMatrix(s);
    expect(c).toHaveLength(1000);
    expect(c[3]![997]).toBe(c[997]![3]);
    expectRel(c[3]![997]!, sampleCovariance(s[3]!, s[997]!), 1e-12, 1e-3);
  });

  it('rejects misaligned, short and non-finite input with RiskInputError', () => {
    expect(() => covarianceMatrix([])).toThrow(RiskInputError);
    expect(() => covarianceMatrix([[0.1, 0.2], [0.1]])).toThrow(/align them first/);
    expect(() => covarianceMatrix([[0.1]])).toThrow(/at least 2 periods/);
    expect(() => covarianceMatrix([[0.1, Number.NaN]])).toThrow(/series 0 value 1 is NaN/);
    expect(() => sampleCovariance([1, 2, 3], [1, 2])).toThrow(RiskInputError);
  });
});

describe('requireCovariance', () => {
  it('accepts a covariance matrix and names what is wrong with anything else', () => {
    expect(() => requireCovariance(HAND_COV, 't')).not.toThrow();
    expect(() => requireCovariance([], 't')).toThrow(/empty/);
    expect(() => requireCovariance([[1, 0], [0]], 't')).toThrow(/row 1/);
    expect(() => requireCovariance([[1, 0.5], [0.4, 1]], 't')).toThrow(/not symmetric/);
    expect(() => requireCovariance([[-1]], 't')).toThrow(/negative/);
    expect(() => requireCovariance([[1, Number.NaN], [Number.NaN, 1]], 't')).toThrow(/finite/);
    expect(() => requireCovariance(HAND_COV, 't', 2)).toThrow(/2 assets/);
  });
});
