/**
 * Pearson correlation of return series, with an explicit policy for misaligned timestamped series.
 *
 * Policy: timestamped series `{ t, v }` are aligned on the timestamps present in EVERY series (listwise deletion,
 * `alignSeries` in returns.ts), never pair by pair. Every pair is then measured over the same periods, so the matrix
 * is D^-½ S D^-½ of one sample covariance S and is positive semi-definite by construction (pairwise deletion can
 * break that). A non-finite value on a common timestamp throws. A constant series (zero variance) has no
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

/** Pearson correlation matrix of timestamped series aligned on their common timestamps (see the policy above). */
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
