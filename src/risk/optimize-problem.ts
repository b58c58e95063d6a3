/**
 * The optimisers' shared ground (see optimize.ts for the methods): public result types, input checks that turn bounds
 * and the gross cap into a `Problem`, the highest-return feasible portfolio (an exact greedy LP), and the clean-up and
 * report every solver's raw weights go through.
 *
 * Units: per period of `cov` throughout; weights, bounds and the gross cap are fractions of capital (1.5 = 150%).
 */
import { requireCovariance } from './covariance.ts';
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';

/**
 * Per-asset weight bounds [lo_i, hi_i] as fractions, lo_i ≤ hi_i; default [0, 1] for every asset. A lower bound
 * below 0 allows that asset short (long-short: Σ|w| is then capped, see GrossOptions).
 */
export type WeightBounds = readonly (readonly [lo: number, hi: number])[];

/** PyPortfolioOpt-style long-short: the default cap on gross exposure Σ|w_i| (fraction of capital: 150%). */
export const DEFAULT_GROSS = 1.5;

/** Gross-exposure cap for long-short bounds. */
export interface GrossOptions {
  /**
   * Cap on Σ|w_i| as a fraction of capital (1.5 = 150%), ≥ 1; Infinity for none. Default DEFAULT_GROSS when a lower
   * bound is below 0; long-only it cannot bind (Σ|w| = Σw = 1) and is only checked.
   */
  readonly gross?: number;
}

/** Expected returns for reporting return and Sharpe of a risk-only optimiser (min-variance, risk parity). */
export interface ReportOptions {
  /** Expected return per asset, per period of `cov`. */
  readonly mu?: readonly number[];
  /** Risk-free return per period; default 0. */
  readonly rf?: number;
}

/** A solved portfolio. */
export interface PortfolioOptimum {
  readonly method: 'min-variance' | 'max-sharpe' | 'target-volatility' | 'efficient-return' | 'risk-parity';
  /** Weights (fractions of capital, negative = short), within bounds, Σ = 1 within 1e-15. */
  readonly weights: number[];
  /** Gross exposure Σ|w_i|, fraction of capital (1 when long-only). */
  readonly gross: number;
  /** μᵀw per period; null when no μ was given. */
  readonly expectedReturn: number | null;
  /** √(wᵀΣw) per period of `cov`. */
  readonly volatility: number;
  /** (μᵀw − rf)/σ per period; null without μ or with σ = 0. */
  readonly sharpe: number | null;
  /** Each asset's share of portfolio variance, w_i(Σw)_i / wᵀΣw; sums to 1. */
  readonly riskContributions: number[];
  /** Solver steps: active-set iterations (QP), Newton steps or coordinate sweeps (risk parity), QP solves (target vol). */
  readonly iterations: number;
  readonly converged: boolean;
  /** Ridge added to the normalised Σ's diagonal to make it positive definite (relative to its mean variance); 0 if none. */
  readonly ridge: number;
  /** Why the result is not the plain optimum (degenerate bounds, unreachable target …); empty otherwise. */
  readonly note: string;
}

/**
 * A target no feasible portfolio can meet: a volatility below the minimum-variance volatility, or a return above the
 * highest achievable. `target` and `limit` (that minimum, or that highest return) are per period of `cov`, so a caller
 * can restate both in its own units.
 */
export class UnreachableTargetError extends RiskInputError {
  readonly kind: 'volatility-below-minimum' | 'return-above-maximum';
  readonly target: number;
  readonly limit: number;

  constructor(kind: UnreachableTargetError['kind'], target: number, limit: number, message: string) {
    super(message);
    this.name = 'UnreachableTargetError';
    this.kind = kind;
    this.target = target;
    this.limit = limit;
  }
}

/** Width below which an asset's bounds are treated as fixing its weight. */
export const FIXED = 1e-12;
/** Largest raw bound, budget or gross miss accepted as solver rounding. */
const SLACK = 1e-7;

export interface Problem {
  readonly n: number;
  readonly cov: SquareMatrix;
  /** Σ / mean variance, row-major. */
  readonly d: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly mu: readonly number[] | undefined;
  /** Some lower bound is below 0. */
  readonly longShort: boolean;
  /** Cap on Σ|w|; Infinity when long-only (it cannot bind) or uncapped. */
  readonly gross: number;
}

export interface SolveInfo {
  readonly iterations: number;
  readonly converged: boolean;
  readonly ridge: number;
  readonly note?: string;
}

/** Validates Σ, μ, bounds and the gross cap; normalises Σ by its mean variance. `longOnly` refuses lower bounds < 0. */
export function prepare(
  cov: SquareMatrix, bounds: WeightBounds | undefined, mu: readonly number[] | undefined, what: string,
  options: { readonly gross?: number | undefined; readonly longOnly?: boolean } = {},
): Problem {
  requireCovariance(cov, what);
  const n = cov.length;
  if (mu !== undefined) {
    if (mu.length !== n) throw new RiskInputError(`${what}: ${mu.length} expected returns for ${n} assets`);
    mu.forEach((x, i) => {
      if (!Number.isFinite(x)) throw new RiskInputError(`${what}: expected return ${i} is ${String(x)}, expected a finite number`);
    });
  }
  if (options.gross !== undefined && !(options.gross >= 1)) {
    throw new RiskInputError(`${what}: gross cap is ${String(options.gross)}; it must be ≥ 1 (Σ|w| ≥ Σw = 1)`);
  }
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  if (bounds !== undefined) {
    if (bounds.length !== n) throw new RiskInputError(`${what}: ${bounds.length} bounds for ${n} assets`);
    bounds.forEach(([l, h], i) => {
      if (!Number.isFinite(l) || !Number.isFinite(h)) throw new RiskInputError(`${what}: bounds of asset ${i} are [${l}, ${h}], expected finite numbers`);
      if (l < 0 && options.longOnly) throw new RiskInputError(`${what} is long-only: lower bound of asset ${i} is ${l}; it needs lo ≥ 0`);
      if (l > h) throw new RiskInputError(`${what}: bounds of asset ${i} are [${l}, ${h}]; need lo ≤ hi`);
      lo[i] = l;
      hi[i] = h;
    });
  }
  const longShort = lo.some((l) => l < 0);
  if (!longShort) {
    // Long-only, w_i ≤ Σw = 1: a cap above 1 is idle, and clipping it keeps the QP's constraint list short.
    for (let i = 0; i < n; i++) hi[i] = Math.min(hi[i]!, 1);
    if (lo.some((l, i) => l > hi[i]!)) throw new RiskInputError(`${what}: a lower bound exceeds 1, no weights can sum to 1`);
  }
  const sumLo = lo.reduce((s, v) => s + v, 0);
  const sumHi = hi.reduce((s, v) => s + v, 0);
  if (sumLo > 1 + 1e-12) throw new RiskInputError(`${what}: lower bounds sum to ${sumLo} > 1, no weights can sum to 1`);
  if (sumHi < 1 - 1e-12) throw new RiskInputError(`${what}: upper bounds sum to ${sumHi} < 1, no weights can sum to 1`);
  const gross = longShort ? (options.gross ?? DEFAULT_GROSS) : Infinity;
  const least = leastGross(lo, hi);
  if (least > gross * (1 + 1e-12)) {
    throw new RiskInputError(`${what}: the bounds need a gross exposure of at least ${least}, above the cap ${gross}`);
  }
  let meanVar = 0;
  for (let i = 0; i < n; i++) meanVar += cov[i]![i]!;
  meanVar /= n;
  if (!(meanVar > 0)) throw new RiskInputError(`${what}: every asset has zero variance; there is no risk to optimise`);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = cov[i]![j]! / meanVar;
  return { n, cov, d, lo, hi, mu, longShort, gross };
}

/** Smallest Σ|w| with Σw = 1 in the box: each weight as near 0 as its box allows, then the budget's rest, 1 unit each. */
function leastGross(lo: Float64Array, hi: Float64Array): number {
  let g = 0;
  let b = 0;
  for (let i = 0; i < lo.length; i++) {
    const x = Math.min(hi[i]!, Math.max(lo[i]!, 0));
    g += Math.abs(x);
    b += x;
  }
  return g + Math.abs(1 - b);
}

/** The risk-free return per period (default 0), checked finite. */
export function riskFree(rf: number | undefined, what: string): number {
  const r = rf ?? 0;
  if (!Number.isFinite(r)) throw new RiskInputError(`${what}: rf is ${String(rf)}, expected a finite return per period`);
  return r;
}

/** The only feasible weights when the bounds pin the budget (Σlo = 1 or Σhi = 1), else undefined. */
export function singleFeasible(p: Problem): number[] | undefined {
  const sumLo = p.lo.reduce((s, v) => s + v, 0);
  const sumHi = p.hi.reduce((s, v) => s + v, 0);
  if (sumLo >= 1 - 1e-12) return Array.from(p.lo);
  if (sumHi <= 1 + 1e-12) return Array.from(p.hi);
  return undefined;
}

/** Why the answer is the only feasible portfolio, for `note`. */
export function fixedNote(p: Problem): string {
  return `the bounds leave one feasible portfolio (lower bounds sum to ${p.lo.reduce((s, v) => s + v, 0)}, upper to ${p.hi.reduce((s, v) => s + v, 0)})`;
}

/**
 * The highest-μ feasible weights (max μᵀw s.t. Σw = 1, lo ≤ w ≤ hi, Σ|w| ≤ gross), exactly, by a greedy LP. Start
 * each weight at the point of its box nearest 0; every further unit is a long unit (+1 budget, +1 gross, +μ_i) or a
 * short unit (−1 budget, +1 gross, −μ_j). The budget's rest takes the best units of its sign; after that only
 * long+short pairs keep Σw, each adding μ_i − μ_j for 2 of gross, in falling order (concave), while that is > 0.
 * Long-only this is: lower bounds first, then fill by descending μ. Ties go to the lower index.
 */
export function maxReturnWeights(p: Problem): number[] {
  const mu = p.mu!;
  const n = p.n;
  const w = Array.from({ length: n }, (_, i) => Math.min(p.hi[i]!, Math.max(p.lo[i]!, 0)));
  const longRoom = w.map((x, i) => Math.max(0, p.hi[i]! - Math.max(x, 0)));
  const shortRoom = w.map((x, i) => Math.max(0, Math.min(x, 0) - p.lo[i]!));
  const byIndex = mu.map((_, i) => i);
  const longs = [...byIndex].sort((i, j) => mu[j]! - mu[i]! || i - j);
  const shorts = [...byIndex].sort((i, j) => mu[i]! - mu[j]! || i - j);
  let room = p.gross - w.reduce((s, v) => s + Math.abs(v), 0);
  const take = (order: readonly number[], caps: number[], sign: 1 | -1, amount: number): void => {
    let rest = amount;
    for (const i of order) {
      if (rest <= 0) break;
      const add = Math.min(caps[i]!, rest);
      w[i] = w[i]! + sign * add;
      caps[i] = caps[i]! - add;
      rest -= add;
    }
  };
  const budget = 1 - w.reduce((s, v) => s + v, 0);
  if (budget > 0) take(longs, longRoom, 1, budget);
  else if (budget < 0) take(shorts, shortRoom, -1, -budget);
  room -= Math.abs(budget);
  let a = 0;
  let b = 0;
  while (room > 0 && a < n && b < n) {
    const i = longs[a]!;
    const j = shorts[b]!;
    if (!(longRoom[i]! > 0)) { a++; continue; }
    if (!(shortRoom[j]! > 0)) { b++; continue; }
    if (!(mu[i]! - mu[j]! > 0)) break;
    const size = Math.min(longRoom[i]!, shortRoom[j]!, room / 2);
    w[i] = w[i]! + size;
    w[j] = w[j]! - size;
    longRoom[i] = longRoom[i]! - size;
    shortRoom[j] = shortRoom[j]! - size;
    room -= 2 * size;
  }
  return w;
}

/**
 * Clip into the bounds, spread 1 − Σw over the room left, and report. Solver output can miss a bound, the budget or
 * the gross cap by rounding (≈1e-15); the residual goes to the assets strictly inside their bounds (all assets if none
 * is) in proportion to their room, so Σw = 1 within ~1e-15, every bound holds exactly and weights on a bound stay on
 * it. A raw miss beyond SLACK marks the result `converged: false`.
 */
export function finish(method: PortfolioOptimum['method'], p: Problem, raw: readonly number[], rf: number, info: SolveInfo): PortfolioOptimum {
  const ok = raw.every(Number.isFinite);
  let w = ok ? [...raw] : Array.from(p.lo);
  const grossMiss = Number.isFinite(p.gross) ? w.reduce((s, v) => s + Math.abs(v), 0) - p.gross : 0;
  const miss = ok
    ? Math.max(Math.abs(w.reduce((s, v) => s + v, 0) - 1), grossMiss, ...w.map((x, i) => Math.max(p.lo[i]! - x, x - p.hi[i]!, 0)))
    : Infinity;
  w = w.map((x, i) => Math.min(p.hi[i]!, Math.max(p.lo[i]!, x)));
  for (let pass = 0; pass < 3; pass++) {
    const rest = 1 - w.reduce((s, v) => s + v, 0);
    if (rest === 0) break;
    // Prefer assets strictly inside their bounds, so weights sitting on a bound stay exactly on it.
    const inside = w.map((x, i) => x > p.lo[i]! + 1e-9 && x < p.hi[i]! - 1e-9);
    const anyInside = inside.some(Boolean);
    const room = w.map((x, i) => (anyInside && !inside[i] ? 0 : rest > 0 ? p.hi[i]! - x : x - p.lo[i]!));
    const total = room.reduce((s, v) => s + v, 0);
    if (!(total > 0)) break;
    w = w.map((x, i) => Math.min(p.hi[i]!, Math.max(p.lo[i]!, x + (rest * room[i]!) / total)));
  }
  if (!ok) {
    // Solver failure: fall back on a feasible point (lower bounds, then the spread above) and say so.
    return report(method, p, w, rf, { ...info, converged: false, note: info.note ?? 'solver returned no solution; weights are only feasible' });
  }
  return report(method, p, w, rf, { ...info, converged: info.converged && miss <= SLACK });
}

function report(method: PortfolioOptimum['method'], p: Problem, w: number[], rf: number, info: SolveInfo): PortfolioOptimum {
  const sw = p.cov.map((row) => dot(row, w));
  const variance = Math.max(0, dot(w, sw));
  const volatility = Math.sqrt(variance);
  const expectedReturn = p.mu === undefined ? null : dot(p.mu, w);
  return {
    method,
    weights: w,
    gross: w.reduce((s, v) => s + Math.abs(v), 0),
    expectedReturn,
    volatility,
    sharpe: expectedReturn === null || volatility === 0 ? null : (expectedReturn - rf) / volatility,
    riskContributions: w.map((x, i) => (variance === 0 ? 0 : (x * sw[i]!) / variance)),
    iterations: info.iterations,
    converged: info.converged,
    ridge: info.ridge,
    note: info.note ?? '',
  };
}

/** aᵀb. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** wᵀΣw: the variance of `w`, per period of `cov`. */
export function quad(cov: SquareMatrix, w: readonly number[]): number {
  return bilinear(cov, w, w);
}

/** uᵀΣv: the covariance of two portfolios, per period of `cov`. */
export function bilinear(cov: SquareMatrix, u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * dot(cov[i]!, v);
  return s;
}
