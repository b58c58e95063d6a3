/**
 * Seeded Monte Carlo of multi-asset returns over a horizon, and the VaR/ES of a book from it.
 *
 * Model: per-period returns have mean μ and covariance Σ (fractions, fraction²); over h periods they are summed
 * (i.i.d.), so the horizon return is μh + √h·L·z·s with Σ = LLᵀ (Cholesky), z ~ N(0, I) and
 *   - normal: s = 1;
 *   - { t: ν } (ν > 2): s = √((ν − 2)/W), W ~ χ²_ν, ONE W per path shared by all assets — a multivariate Student-t
 *     whose crashes arrive together. Since E[ν/W] = ν/(ν − 2), the (ν − 2) factor makes Cov = Σ exactly, so ν
 *     changes the tails, not the variance.
 * Draw order per path: the asset normals, then W, from one MT19937 stream seeded with `seed`, so a seed fixes the
 * result and `monteCarloVaR` sees the same paths as `simulateReturns`.
 *
 * Not positive definite (e.g. a singular Σ from perfectly correlated assets or rounding): a ridge ε·mean(diag Σ) is
 * added to the diagonal, ε = 1e-12, 1e-10, 1e-8 in turn; the ridge used is returned. Beyond that Σ is rejected.
 */
import chisquare from '@stdlib/random-base-chisquare';
import normal from '@stdlib/random-base-normal';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { historicalESSorted } from './es.ts';
import { RiskInputError, requireFinite } from './errors.ts';
import { historicalVaRSorted, requireConfidence, requireHorizon } from './var.ts';

/** Fewest paths: a 99% tail from 10,000 paths rests on 100 draws. */
export const MIN_PATHS = 10_000;

/** Shock distribution: multivariate normal, or multivariate Student-t with ν > 2 degrees of freedom. */
export type McDistribution = 'normal' | { readonly t: number };

/** What to simulate. Means and covariance are per period (fractions, fraction²). */
export interface SimulationSpec {
  readonly mean: readonly number[];
  readonly cov: readonly (readonly number[])[];
  /** Number of paths, a whole number ≥ 10,000; default 10,000. */
  readonly paths?: number;
  /** Periods per simulated return; default 1. */
  readonly horizon?: number;
  /** Default 'normal'. */
  readonly dist?: McDistribution;
  /** MT19937 seed, a whole number in [1, 4294967295]. */
  readonly seed: number;
}

/** Simulated horizon returns, row-major: `data[p * assets + i]` is asset i on path p (fraction per horizon). */
export interface SimulatedReturns {
  readonly paths: number;
  readonly assets: number;
  readonly data: Float64Array;
  /** Added to Σ's diagonal to make it positive definite (fraction² per period); 0 if none was needed. */
  readonly ridge: number;
}

/** Monte Carlo VaR and ES: positive losses over the horizon, in the units of the exposures. */
export interface MonteCarloRisk {
  readonly var: number;
  readonly es: number;
  /** As in SimulatedReturns. */
  readonly ridge: number;
}

const RIDGES = [1e-12, 1e-10, 1e-8];
const SYMMETRY_TOLERANCE = 1e-12;

interface Sampler {
  readonly n: number;
  readonly paths: number;
  /** Row-major lower-triangular Cholesky factor. */
  readonly chol: Float64Array;
  /** μh. */
  readonly drift: Float64Array;
  readonly sqrtH: number;
  readonly ridge: number;
  readonly z: Float64Array;
  /** Draws z for one path and returns its scale s. */
  readonly draw: () => number;
}

function cholesky(cov: readonly (readonly number[])[], n: number): { chol: Float64Array; ridge: number } {
  const attempt = (ridge: number): Float64Array | null => {
    // Symmetrise (the input is symmetric within tolerance; ml-matrix insists on exactly symmetric).
    const m = new Matrix(cov.map((row, i) => row.map((c, j) => (i === j ? c + ridge : (c + ((cov[j] as readonly number[])[i] as number)) / 2))));
    const d = new CholeskyDecomposition(m);
    if (!d.isPositiveDefinite()) return null;
    const l = d.lowerTriangularMatrix;
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * n + j] = l.get(i, j);
    return out;
  };
  const exact = attempt(0);
  if (exact !== null) return { chol: exact, ridge: 0 };
  let scale = 0;
  for (let i = 0; i < n; i++) scale += (cov[i] as readonly number[])[i] as number;
  scale = scale > 0 ? scale / n : 1;
  for (const eps of RIDGES) {
    const chol = attempt(eps * scale);
    if (chol !== null) return { chol, ridge: eps * scale };
  }
  throw new RiskInputError(`monteCarlo: covariance is not positive semi-definite (no Cholesky even with a ridge of ${RIDGES.at(-1)}·mean variance)`);
}

function sampler(spec: SimulationSpec): Sampler {
  const n = spec.mean.length;
  requireFinite(spec.mean, 1, 'monteCarlo mean');
  if (spec.cov.length !== n) throw new RiskInputError(`monteCarlo: cov has ${spec.cov.length} rows, expected ${n} (one per mean)`);
  let maxAbs = 0;
  spec.cov.forEach((row, i) => {
    if (row.length !== n) throw new RiskInputError(`monteCarlo: cov row ${i} has ${row.length} values, expected ${n}`);
    requireFinite(row, n, `monteCarlo cov row ${i}`);
    for (const c of row) maxAbs = Math.max(maxAbs, Math.abs(c));
  });
  for (let i = 0; i < n; i++) {
    const row = spec.cov[i] as readonly number[];
    if (!((row[i] as number) >= 0)) throw new RiskInputError(`monteCarlo: cov[${i}][${i}] is ${row[i]}, a variance must be ≥ 0`);
    for (let j = 0; j < i; j++) {
      const a = row[j] as number;
      const b = (spec.cov[j] as readonly number[])[i] as number;
      if (Math.abs(a - b) > SYMMETRY_TOLERANCE * maxAbs) throw new RiskInputError(`monteCarlo: cov is not symmetric at [${i}][${j}] (${a} vs ${b})`);
    }
  }
  const paths = spec.paths ?? MIN_PATHS;
  if (!Number.isInteger(paths) || paths < MIN_PATHS) throw new RiskInputError(`monteCarlo: paths is ${paths}, expected a whole number ≥ ${MIN_PATHS}`);
  const horizon = spec.horizon ?? 1;
  requireHorizon(horizon, 'monteCarlo');
  if (!Number.isInteger(spec.seed) || spec.seed < 1 || spec.seed > 0xffff_ffff) {
    throw new RiskInputError(`monteCarlo: seed is ${spec.seed}, expected a whole number from 1 to 4294967295`);
  }
  const dist = spec.dist ?? 'normal';
  const nu = dist === 'normal' ? null : dist.t;
  if (nu !== null && !(nu > 2 && Number.isFinite(nu))) {
    throw new RiskInputError(`monteCarlo: t degrees of freedom is ${nu}, expected a finite number > 2 (finite variance)`);
  }

  const { chol, ridge } = cholesky(spec.cov, n);
  const drift = Float64Array.from(spec.mean, (m) => m * horizon);
  const gauss = normal.factory(0, 1, { seed: spec.seed });
  const chi2 = nu === null ? null : chisquare.factory(nu, { prng: gauss.PRNG });
  const z = new Float64Array(n);
  const draw = (): number => {
    for (let j = 0; j < n; j++) z[j] = gauss();
    return chi2 === null || nu === null ? 1 : Math.sqrt((nu - 2) / chi2());
  };
  return { n, paths, chol, drift, sqrtH: Math.sqrt(horizon), ridge, z, draw };
}

/** Asset i's horizon return on the current path: μ_i·h + s·(L z)_i, with s already including √h. */
function assetReturn(sm: Sampler, i: number, s: number): number {
  const { n, chol, z, drift } = sm;
  let acc = 0;
  const row = i * n;
  for (let j = 0; j <= i; j++) acc += (chol[row + j] as number) * (z[j] as number);
  return (drift[i] as number) + s * acc;
}

/** Simulated asset returns over the horizon (paths × assets, fractions); see the file comment for the model. */
export function simulateReturns(spec: SimulationSpec): SimulatedReturns {
  const sm = sampler(spec);
  const { n, paths, sqrtH, ridge, draw } = sm;
  const data = new Float64Array(paths * n);
  for (let p = 0; p < paths; p++) {
    const s = sqrtH * draw();
    const base = p * n;
    for (let i = 0; i < n; i++) data[base + i] = assetReturn(sm, i, s);
  }
  return { paths, assets: n, data, ridge };
}

/** A linear book's simulated PnL per path, plus the simulated returns of a few assets to revalue non-linear legs. */
export interface PortfolioSimulation {
  readonly paths: number;
  /** PnL of the linear book on each path, in the units of the exposures (fraction for weights, USD for USD). */
  readonly linearPnl: Float64Array;
  /** Row-major paths × keep.length: `kept[p * keep.length + c]` is asset keep[c]'s horizon return on path p. */
  readonly kept: Float64Array;
  /** As in SimulatedReturns. */
  readonly ridge: number;
}

/**
 * Simulates the book Σ exposure_i·r_i on every path (same paths as `simulateReturns` for the spec) without storing
 * all asset returns: Lᵀw is folded once, so a path costs O(n) instead of O(n²). Assets listed in `keep` (indices)
 * also have their returns stored, e.g. to revalue LP positions per path.
 */
export function monteCarloPortfolio(spec: SimulationSpec, exposures: readonly number[], keep: readonly number[] = []): PortfolioSimulation {
  requireFinite(exposures, 1, 'monteCarlo exposures');
  const sm = sampler(spec);
  const { n, paths, chol, drift, sqrtH, ridge, z, draw } = sm;
  if (exposures.length !== n) throw new RiskInputError(`monteCarlo: ${exposures.length} exposures for ${n} assets`);
  keep.forEach((i, c) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RiskInputError(`monteCarlo: keep[${c}] is ${i}, expected an asset index from 0 to ${n - 1}`);
  });
  // The book's return is wᵀμh + s·√h·(Lᵀw)ᵀz.
  const b = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const w = exposures[i] as number;
    m += w * (drift[i] as number);
    for (let j = 0; j <= i; j++) b[j] = (b[j] as number) + w * (chol[i * n + j] as number);
  }
  const k = keep.length;
  const linearPnl = new Float64Array(paths);
  const kept = new Float64Array(paths * k);
  for (let p = 0; p < paths; p++) {
    const s = sqrtH * draw();
    let acc = 0;
    for (let j = 0; j < n; j++) acc += (b[j] as number) * (z[j] as number);
    linearPnl[p] = m + s * acc;
    for (let c = 0; c < k; c++) kept[p * k + c] = assetReturn(sm, keep[c] as number, s);
  }
  return { paths, linearPnl, kept, ridge };
}

/**
 * Monte Carlo VaR and ES of a linear book, positive losses over the horizon: with weights (fractions of value) the
 * result is a fraction, with USD exposures it is USD. Same paths as `simulateReturns` for the spec; the loss
 * quantile and tail mean are taken exactly as for historical VaR/ES (numpy 'linear').
 */
export function monteCarloVaR(exposures: readonly number[], spec: SimulationSpec, confidence: number): MonteCarloRisk {
  requireConfidence(confidence, 'monteCarloVaR');
  const { linearPnl, ridge } = monteCarloPortfolio(spec, exposures);
  linearPnl.sort();
  return { var: historicalVaRSorted(linearPnl, confidence), es: historicalESSorted(linearPnl, confidence), ridge };
}
