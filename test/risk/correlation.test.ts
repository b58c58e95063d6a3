/**
 * Pearson correlation. Independent values from test/risk/reference/correlation.py (numpy np.corrcoef):
 *   hand 3 × 6 matrix (as in covariance.test.ts) → HAND_CORR;
 *   daily simple returns of SOL, BTC, ETH, JUP, BONK over 2024-02-01..2025-08-13 (560 days) → REAL_CORR, whose
 *   smallest eigenvalue is 0.14406688054242267;
 *   misaligned windows — BTC returns dated 2023-12-01..2025-08-13, JUP 2024-02-01..2025-12-31, SOL
 *   2024-06-01..2025-12-31 — share 439 days (2024-06-01..2025-08-13) → TIMED_CORR (order BTC, JUP, SOL).
 *   Pairwise-complete, as shown to users: pandas DataFrame.corr() of the same windows → PAIRWISE_CORR, pair counts
 *   [[622, 560, 439], [560, 700, 579], [439, 579, 579]]; a hand case with a pair constant on its overlap → NaN.
 */
import fc from 'fast-check';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  correlationFromCovariance, correlationMatrix, correlationMatrixTimed, isConstant, pairwiseCompleteCorrelation, pairwiseCorrelation,
} from '../../src/risk/correlation.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import type { TimedSeries } from '../../src/risk/returns.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { dailyCloses, datedReturns, expectRel, naiveSimple } from './reference/helpers.ts';

const HAND = [
  [0.01, -0.02, 0.03, 0.0, -0.01, 0.02],
  [0.02, -0.01, 0.01, 0.01, -0.03, 0.04],
  [-0.01, 0.0, 0.02, -0.02, 0.01, 0.0],
];
const HAND_CORR = [[1, 0.7061878636037995, 0.30237157840738177], [0.7061878636037995, 1, -0.2919371040605711], [0.3023715784073818, -0.2919371040605711, 1]];
const REAL_CORR = [
  [1.0, 0.7482523497815523, 0.7194875907268072, 0.8121654516082939, 0.6512746207032795],
  [0.7482523497815523, 1, 0.7846464898669181, 0.5805626701973908, 0.651709612975852],
  [0.7194875907268071, 0.7846464898669181, 1, 0.5883767189396959, 0.6058575574258632],
  [0.8121654516082939, 0.5805626701973908, 0.588376718939696, 1.0, 0.5389947836719198],
  [0.6512746207032795, 0.6517096129758521, 0.6058575574258632, 0.5389947836719198, 1.0],
];
const PAIRWISE_CORR = [[1.0, 0.5805626701973914, 0.7567324102205963], [0.5805626701973914, 1.0, 0.8329318579631194], [0.7567324102205963, 0.8329318579631194, 1.0]];
const TIMED_CORR = [[1.0, 0.6399746206395739, 0.7567324102205977], [0.6399746206395739, 1.0, 0.8266779746509957], [0.7567324102205976, 0.8266779746509957, 1.0]];


const minEigenvalue = (m: number[][]): number =>
  Math.min(...new EigenvalueDecomposition(new Matrix(m), { assumeSymmetric: true }).realEigenvalues);

/** A daily return in basis points, −30%..30% (realistic magnitudes; no subnormals). */
const ret = fc.integer({ min: -3000, max: 3000 }).map((k) => k / 10_000);

/** Random non-constant aligned series: n assets × t periods (t may be < n: a rank-deficient sample). */
const seriesArb = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.integer({ min: 2, max: 30 }).chain((t) =>
    fc.array(fc.array(ret, { minLength: t, maxLength: t }), { minLength: n, maxLength: n })));

describe('correlationMatrix', () => {
  itShared('matches numpy on the hand-made matrix and on real returns of five Solana-desk assets', () => {
    const hand = correlationMatrix(HAND);
    HAND_CORR.forEach((row, i) => row.forEach((v, j) => expectRel(hand[i]![j]!, v, 1e-13)));
    const real = correlationMatrix(['SOL', 'BTC', 'ETH', 'JUP', 'BONK'].map((a) => naiveSimple(dailyCloses(a, '2024-01-31', '2025-08-13'))));
    REAL_CORR.forEach((row, i) => row.forEach((v, j) => expectRel(real[i]![j]!, v, 1e-13)));
    expectRel(minEigenvalue(real), 0.14406688054242267, 1e-10);
  });

  it('is symmetric with an exact unit diagonal, bounded by ±1 and PSD (min eigenvalue ≥ −1e-10)', () => {
    fc.assert(fc.property(seriesArb, (s) => {
      fc.pre(s.every((x) => !isConstant(x)));
      const c = correlationMatrix(s);
      c.forEach((row, i) => {
        expect(row[i]).toBe(1);
        row.forEach((v, j) => {
          expect(v).toBe(c[j]![i]);
          expect(Math.abs(v)).toBeLessThanOrEqual(1);
        });
      });
      expect(minEigenvalue(c)).toBeGreaterThanOrEqual(-1e-10);
    }), { numRuns: 300 });
  });

  it('ignores positive scaling and shifts, and flips sign with a negated series', () => {
    fc.assert(fc.property(seriesArb, fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (s, a, b) => {
      fc.pre(s.length >= 2 && s.every((x) => !isConstant(x)));
      const base = correlationMatrix(s);
      const scaled = correlationMatrix([s[0]!.map((x) => a * x + b), ...s.slice(1)]);
      fc.pre(!isConstant(scaled[0]!));
      expect(scaled[0]![1]!).toBeCloseTo(base[0]![1]!, 9);
      expect(correlationMatrix([s[0]!.map((x) => -x), ...s.slice(1)])[0]![1]!).toBeCloseTo(-base[0]![1]!, 12);
    }));
  });

  it('gives the same pairwise figure as the matrix, and ±1 for exact linear relations', () => {
    expect(pairwiseCorrelation(HAND[0]!, HAND[1]!)).toBe(correlationMatrix(HAND)[0]![1]);
    expect(pairwiseCorrelation([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 15);
    expect(pairwiseCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
  });

  it('throws a RiskInputError naming a constant series (even one whose float mean is off by an ulp)', () => {
    expect(() => correlationMatrix([[0.1, 0.2, 0.3], [0.1, 0.1, 0.1]], ['SOL', 'USDC'])).toThrow(/USDC is constant/);
    expect(() => pairwiseCorrelation(Array<number>(7).fill(0.1), [1, 2, 3, 4, 5, 6, 7])).toThrow(RiskInputError);
    expect(() => correlationFromCovariance([[1, 0], [0, 0]])).toThrow(/series 1 has variance 0/);
    // Not constant, but its variance underflows: the same clear error, never a NaN row.
    expect(() => correlationMatrix([[0, 5e-324, 0], [0.1, 0.2, 0.4]])).toThrow(/series 0 has variance 0/);
    expect(() => correlationMatrix([[0.1, 0.2], [0.3]])).toThrow(RiskInputError);
  });
});

describe('correlationMatrixTimed (listwise alignment on common timestamps)', () => {
  itShared('aligns misaligned real windows on the 439 shared days and matches numpy', () => {
    const r = correlationMatrixTimed([
      datedReturns('BTC', '2023-12-01', '2025-08-13'),
      datedReturns('JUP', '2024-02-01', '2025-12-31'),
      datedReturns('SOL', '2024-06-01', '2025-12-31'),
    ], ['BTC', 'JUP', 'SOL']);
    expect(r.n).toBe(439);
    expect(r.t[0]).toBe(Date.parse('2024-06-01T00:00:00Z'));
    expect(r.t.at(-1)).toBe(Date.parse('2025-08-13T00:00:00Z'));
    TIMED_CORR.forEach((row, i) => row.forEach((v, j) => expectRel(r.matrix[i]![j]!, v, 1e-13)));
  });

  it('does not depend on the order of the points and drops every timestamp one series lacks', () => {
    const a: TimedSeries = { t: [1, 2, 3, 4, 5], v: [0.01, -0.02, 0.03, 0.0, 0.05] };
    const b: TimedSeries = { t: [5, 4, 2, 1, 9], v: [0.02, 0.01, -0.01, 0.02, 0.7] };
    const r = correlationMatrixTimed([a, b]);
    expect(r.t).toEqual([1, 2, 4, 5]);
    expect(r.matrix[0]![1]).toBeCloseTo(pairwiseCorrelation([0.01, -0.02, 0.0, 0.05], [0.02, -0.01, 0.01, 0.02]), 15);
  });

  it('rejects too little overlap, duplicate timestamps and gaps on a shared day', () => {
    expect(() => correlationMatrixTimed([{ t: [1, 2], v: [0.1, 0.2] }, { t: [2, 3], v: [0.1, 0.2] }])).toThrow(/share 1 timestamp/);
    expect(() => correlationMatrixTimed([{ t: [1, 1], v: [0.1, 0.2] }, { t: [1, 2], v: [0.1, 0.2] }])).toThrow(RiskInputError);
    expect(() => correlationMatrixTimed([{ t: [1, 2, 3], v: [0.1, Number.NaN, 0.3] }, { t: [1, 2, 3], v: [0.1, 0.2, 0.4] }])).toThrow(/NaN/);
  });
});

describe('pairwiseCompleteCorrelation (what users see: pandas DataFrame.corr())', () => {
  itShared('measures each pair over the dates both assets have, as pandas', () => {
    const r = pairwiseCompleteCorrelation([
      datedReturns('BTC', '2023-12-01', '2025-08-13'),
      datedReturns('JUP', '2024-02-01', '2025-12-31'),
      datedReturns('SOL', '2024-06-01', '2025-12-31'),
    ]);
    expect(r.counts).toEqual([[622, 560, 439], [560, 700, 579], [439, 579, 579]]);
    PAIRWISE_CORR.forEach((row, i) => row.forEach((v, j) => expectRel(r.matrix[i]![j]!, v, 1e-12)));
  });

  it('is NaN for a pair constant on its overlap and matches pandas on a hand case', () => {
    const a: TimedSeries = { t: [1, 2, 3, 4, 5], v: [0.01, -0.02, 0.03, 0.0, 0.05] };
    const b: TimedSeries = { t: [5, 4, 2, 1, 9], v: [0.02, 0.01, -0.01, 0.02, 0.7] };
    const c: TimedSeries = { t: [3, 4, 9], v: [0.01, 0.01, 0.02] };
    const r = pairwiseCompleteCorrelation([a, b, c]);
    expectRel(r.matrix[0]![1]!, 0.8006407690254356, 1e-13);
    expect(r.matrix[0]![2]).toBeNaN();
    expect(r.matrix[1]![2]).toBe(1);
    expect(r.matrix.map((row, i) => row[i])).toEqual([1, 1, 1]);
  });

  it('equals the listwise matrix when every series has the same dates', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: -2000, max: 2000 })), { minLength: 3, maxLength: 60 }), (rows) => {
      const x = rows.map((p) => p[0] / 1e4);
      const y = rows.map((p) => p[1] / 1e4);
      fc.pre(!isConstant(x) && !isConstant(y));
      const t = rows.map((_, i) => i);
      const r = pairwiseCompleteCorrelation([{ t, v: x }, { t, v: y }]);
      expect(r.matrix[0]![1]!).toBeCloseTo(pairwiseCorrelation(x, y), 10);
    }));
  });

  it('rejects repeated timestamps and non-finite values', () => {
    expect(() => pairwiseCompleteCorrelation([{ t: [1, 1], v: [0.1, 0.2] }])).toThrow(/repeats timestamp/);
    expect(() => pairwiseCompleteCorrelation([{ t: [1, 2], v: [0.1, Number.NaN] }])).toThrow(/NaN/);
  });
});
