/**
 * Pearson correlation of return series, with an explicit policy for misaligned timestamped series.
 *
 * Two policies, for two uses:
 * - Shown to users: pairwise-complete (`pairwiseCompleteCorrelation`), as pandas' DataFrame.corr() — each pair over
 *   the timestamps both series have, so a young asset does not cut every other pair's history. The matrix need not be
 *   positive semi-definite; it is only read, never factorised. A pair with < 2 shared points or a constant side over
 *   them is NaN, as in pandas.
 * - Feeding VaR and optimisation: listwise (`correlationMatrixTimed`, and the covariance in covariance.ts) — aligned
 *   on the timestamps present in EVERY series (`alignSeries` in returns.ts), so the matrix is D^-½ S D^-½ of one
 *   sample covariance S and is positive semi-definite by construction (pairwise deletion can break that). A non-finite value on a common timestamp throws. A constant series (zero variance) has no
 * correlation: it throws RiskInputError naming the series, rather than returning a NaN row that would poison every
 * later computation.
 */
import { covarianceMatrix, requireAligned } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import { alignSeries } from './returns.ts';
import type { TimedSeries } from './returns.ts';

/** Correlation matrix with the sample it was measured on. */
export interface CorrelationResult {
  /** Pearson correlations (unitless, −1..1): symmetric, diagonal exactly 1. */
  readonly matrix: number[][];
  /** Number of common periods used. */
  readonly n: number;
  /** The common timestamps used, ascending (alignSeries in returns.ts). */
  readonly t: number[];
}

/** Pearson correlation (unitless, −1..1) of two aligned series of equal length ≥ 2; RiskInputError if either is constant. */
export function pairwiseCorrelation(x: readonly number[], y: readonly number[]): number {
  return correlationMatrix([x, y], ['x', 'y'])[0]![1]!;
}

/**
 * Pearson correlation matrix (unitless) of aligned series (assets × periods, ≥ 2 periods): symmetric, diagonal exactly
 * 1, off-diagonal clamped to [−1, 1]; PSD up to rounding (≈1e-15). RiskInputError names any constant series.
 */
export function correlationMatrix(series: readonly (readonly number[])[], names?: readonly string[]): number[][] {
  requireAligned(series, 2, 'correlationMatrix');
  // Exact test: the float mean of a constant series need not equal its value, leaving a ~1e-34 "variance".
  series.forEach((s, i) => {
    if (isConstant(s)) throw new RiskInputError(`correlation: ${names?.[i] ?? `series ${i}`} is constant (${s[0]}); a constant series has no correlation`);
  });
  return correlationFromCovariance(covarianceMatrix(series), names);
}

/** True when every value equals the first (exact comparison). */
export function isConstant(xs: readonly number[]): boolean {
  const first = xs[0];
  for (let i = 1; i < xs.length; i++) if (xs[i] !== first) return false;
  return true;
}

/** Listwise Pearson correlation matrix of timestamped series on their common timestamps (PSD; see the policy above). */
export function correlationMatrixTimed(series: readonly TimedSeries[], names?: readonly string[]): CorrelationResult {
  const aligned = alignSeries(series);
  if (aligned.t.length < 2) {
    throw new RiskInputError(`correlationMatrixTimed: the series share ${aligned.t.length} timestamp(s); need at least 2`);
  }
  return { matrix: correlationMatrix(aligned.values, names), n: aligned.t.length, t: aligned.t };
}

/**
 * Correlation matrix (unitless) from a covariance matrix: C_ij = S_ij / √(S_ii S_jj), diagonal set to exactly 1,
 * off-diagonal clamped to [−1, 1]. RiskInputError if a variance is zero (constant series) or negative.
 */
export function correlationFromCovariance(cov: readonly (readonly number[])[], names?: readonly string[]): number[][] {
  const n = cov.length;
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = cov[i]?.[i];
    if (v === undefined || !(v > 0) || !Number.isFinite(v)) {
      const who = names?.[i] ?? `series ${i}`;
      throw new RiskInputError(`correlation: ${who} has variance ${String(v)}; a constant series has no correlation`);
    }
    sd[i] = Math.sqrt(v);
  }
  const out: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) out[i] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = cov[i]!;
    const oi = out[i]!;
    oi[i] = 1;
    for (let j = i + 1; j < n; j++) {
      const c = Math.min(1, Math.max(-1, row[j]! / (sd[i]! * sd[j]!)));
      oi[j] = c;
      out[j]![i] = c;
    }
  }
  return out;
}

/** A pairwise-complete correlation matrix and, per pair, how many shared timestamps it was measured on. */
export interface PairwiseCorrelation {
  /** Pearson correlations (unitless, −1..1, NaN where undefined): symmetric; diagonal 1 (NaN for a constant series). */
  readonly matrix: number[][];
  /** counts[i][j] = timestamps series i and j share (counts[i][i] = points in series i). */
  readonly counts: number[][];
}

/**
 * Pairwise-complete Pearson correlation (unitless) of timestamped series, as pandas' DataFrame.corr(): each pair over
 * the timestamps both have. NaN for a pair sharing < 2 timestamps or constant on them; NOT necessarily PSD (see the
 * policy above). RiskInputError on mismatched lengths, repeated or non-finite timestamps and non-finite values.
 */
export function pairwiseCompleteCorrelation(series: readonly TimedSeries[]): PairwiseCorrelation {
  const maps = series.map((s, k) => {
    if (s.t.length !== s.v.length) throw new RiskInputError(`pairwiseCompleteCorrelation: series ${k} has ${s.t.length} timestamps but ${s.v.length} values`);
    const m = new Map<number, number>();
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i]!;
      const v = s.v[i]!;
      if (!Number.isFinite(t)) throw new RiskInputError(`pairwiseCompleteCorrelation: series ${k} timestamp ${i} is ${String(t)}`);
      if (!Number.isFinite(v)) throw new RiskInputError(`pairwiseCompleteCorrelation: series ${k} value ${i} is ${String(v)}, expected a finite number`);
      if (m.has(t)) throw new RiskInputError(`pairwiseCompleteCorrelation: series ${k} repeats timestamp ${t}`);
      m.set(t, v);
    }
    return m;
  });
  const n = maps.length;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(Number.NaN));
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const [a, b] = maps[i]!.size <= maps[j]!.size ? [maps[i]!, maps[j]!] : [maps[j]!, maps[i]!];
      const x: number[] = [];
      const y: number[] = [];
      for (const [t, v] of a) {
        const w = b.get(t);
        if (w !== undefined) {
          x.push(v);
          y.push(w);
        }
      }
      const c = x.length >= 2 && !isConstant(x) && !isConstant(y) ? (i === j ? 1 : pearson(x, y)) : Number.NaN;
      matrix[i]![j] = matrix[j]![i] = c;
      counts[i]![j] = counts[j]![i] = x.length;
    }
  }
  return { matrix, counts };
}

/** Two-pass Pearson correlation of equal-length, non-constant samples, clamped to [−1, 1]. */
function pearson(x: readonly number[], y: readonly number[]): number {
  const m = x.length;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < m; k++) {
    mx += x[k]!;
    my += y[k]!;
  }
  mx /= m;
  my /= m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < m; k++) {
    const dx = x[k]! - mx;
    const dy = y[k]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return Math.min(1, Math.max(-1, sxy / Math.sqrt(sxx * syy)));
}
