/**
 * Long-only portfolio optimisers with per-asset weight bounds lo_i ≤ w_i ≤ hi_i and Σw = 1: minimum variance,
 * maximum Sharpe, maximum return at a target volatility, and (bounded) risk parity.
 *
 * Units: `cov` is the covariance of asset returns per period, `mu` the expected return per period and `rf` the
 * risk-free return per period, all in the SAME period (daily cov with daily μ; annualising is the caller's job).
 * Weights are fractions of capital. Volatility is √(wᵀΣw) per that period; Sharpe is (μᵀw − rf)/σ per period.
 *
 * Solvers: the quadratic programs go to `quadprog` (Goldfarb–Idnani dual active set, a port of R's quadprog): exact
 * active-set solutions of strictly convex QPs with equality and inequality constraints, no tuning, no step sizes.
 * Σ is divided by its mean variance first (the argmin is unchanged, the conditioning better). If quadprog finds Σ
 * not positive definite, a ridge (1e-12, then ×100 up to 1e-6, relative to the mean variance) is added to the
 * diagonal and reported as `ridge`. Risk parity uses Newton's method on Spinu's convex formulation, or, when bounds
 * bind, cyclical coordinate descent on the Richard–Roncalli log-barrier problem with a search on its multiplier.
 *
 * Clean-up: solver output can miss a bound or the budget by rounding (≈1e-15). Weights are clipped into [lo, hi] and
 * the residual 1 − Σw is spread over the assets strictly inside their bounds (all assets if none is), in proportion
 * to their room, so Σw = 1 within ~1e-15, every bound holds exactly and weights on a bound stay on it. A raw miss
 * beyond 1e-7 marks the result `converged: false`.
 */
import { solveQP } from 'quadprog';
import { requireCovariance } from './covariance.ts';
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';

/** Per-asset weight bounds [lo_i, hi_i] as fractions, 0 ≤ lo_i ≤ hi_i; default [0, 1] for every asset. */
export type WeightBounds = readonly (readonly [lo: number, hi: number])[];

/** Expected returns for reporting return and Sharpe of a risk-only optimiser (min-variance, risk parity). */
export interface ReportOptions {
  /** Expected return per asset, per period of `cov`. */
  readonly mu?: readonly number[];
  /** Risk-free return per period; default 0. */
  readonly rf?: number;
}

/** A solved portfolio. */
export interface PortfolioOptimum {
  readonly method: 'min-variance' | 'max-sharpe' | 'target-volatility' | 'risk-parity';
  /** Weights (fractions of capital), within bounds, Σ = 1 within 1e-15. */
  readonly weights: number[];
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

/** Target-volatility result: where the target landed. */
export interface TargetVolatilityOptimum extends PortfolioOptimum {
  /** The requested volatility, per period of `cov`. */
  readonly target: number;
  /**
   * 'at-target': σ = target (the usual case); 'below-min-variance': the target is under the lowest reachable σ, the
   * min-variance portfolio is returned; 'max-return-below-target': even the highest-return portfolio stays below it.
   */
  readonly outcome: 'at-target' | 'below-min-variance' | 'max-return-below-target';
}

/** Minimum-variance long-only portfolio: argmin wᵀΣw s.t. lo ≤ w ≤ hi, Σw = 1 (one QP). */
export function minVariance(cov: SquareMatrix, bounds?: WeightBounds, options: ReportOptions = {}): PortfolioOptimum {
  const p = prepare(cov, bounds, options.mu, 'minVariance');
  const rf = riskFree(options.rf, 'minVariance');
  const fixed = singleFeasible(p);
  if (fixed) return finish('min-variance', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });
  const sol = solveMeanVariance(p, 0);
  return finish('min-variance', p, sol.w, rf, sol);
}

/**
 * Maximum-Sharpe long-only portfolio, per period: argmax (μᵀw − rf)/√(wᵀΣw) s.t. lo ≤ w ≤ hi, Σw = 1. Solved as the
 * QP min yᵀΣy s.t. (μ − rf)ᵀy = 1, lo_i κ ≤ y_i ≤ hi_i κ with κ = Σy (so the bounds are linear in y), then w = y/κ.
 * RiskInputError when no feasible portfolio earns more than rf (the ratio has no maximum worth taking).
 */
export function maxSharpe(mu: readonly number[], cov: SquareMatrix, rf = 0, bounds?: WeightBounds): PortfolioOptimum {
  const p = prepare(cov, bounds, mu, 'maxSharpe');
  riskFree(rf, 'maxSharpe');
  const m = p.mu!;
  const best = dot(m, maxReturnWeights(p)) - rf;
  if (!(best > 0)) {
    throw new RiskInputError(`maxSharpe: no portfolio within the bounds returns more than rf = ${rf} (best excess ${best}); Sharpe cannot be maximised`);
  }
  const fixed = singleFeasible(p);
  if (fixed) return finish('max-sharpe', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });

  const n = p.n;
  const excess = m.map((x) => x - rf);
  const scale = Math.max(...excess.map(Math.abs));
  const eq: Constraint[] = [{ a: Float64Array.from(excess, (x) => x / scale), b: 1 }];
  const ineq: Constraint[] = [];
  for (let i = 0; i < n; i++) {
    const lo = p.lo[i]!;
    const hi = p.hi[i]!;
    // y_i − lo_i Σy ≥ 0   and   hi_i Σy − y_i ≥ 0   (the second is implied by y ≥ 0 when hi_i ≥ 1)
    const lower = new Float64Array(n).fill(-lo);
    lower[i] = 1 - lo;
    if (hi - lo <= FIXED) {
      eq.push({ a: lower, b: 0 });
      continue;
    }
    ineq.push({ a: lower, b: 0 });
    if (hi < 1) {
      const upper = new Float64Array(n).fill(hi);
      upper[i] = hi - 1;
      ineq.push({ a: upper, b: 0 });
    }
  }
  const sol = runQP(p, new Float64Array(n), eq, ineq);
  const kappa = sol.x.reduce((s, v) => s + v, 0);
  const w = Array.from(sol.x, (y) => y / kappa);
  return finish('max-sharpe', p, w, rf, { ...sol, converged: sol.converged && kappa > 0 });
}

/**
 * Highest expected return with volatility at most `targetVol` (per period of `cov`; seed 000's 15% is ANNUAL, so pass
 * annual μ and Σ with it, or a daily target with daily inputs): max μᵀw s.t. √(wᵀΣw) ≤ target, lo ≤ w ≤ hi, Σw = 1.
 * Walks the efficient frontier min ½wᵀΣw − t μᵀw by bisection on t ≥ 0; within the last frontier segment (same
 * active set) w is affine in t, so the target is then hit exactly by solving a quadratic. Below the min-variance σ
 * the min-variance portfolio is returned ('below-min-variance'); see `outcome`.
 */
export function targetVolatility(
  mu: readonly number[], cov: SquareMatrix, targetVol: number, bounds?: WeightBounds, options: { readonly rf?: number } = {},
): TargetVolatilityOptimum {
  if (!(targetVol > 0) || !Number.isFinite(targetVol)) {
    throw new RiskInputError(`targetVolatility: target is ${targetVol}, expected a finite volatility > 0 (per period of cov)`);
  }
  const p = prepare(cov, bounds, mu, 'targetVolatility');
  const rf = riskFree(options.rf, 'targetVolatility');
  const fixed = singleFeasible(p);
  if (fixed) {
    const r = finish('target-volatility', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });
    return { ...r, target: targetVol, outcome: r.volatility > targetVol ? 'below-min-variance' : 'max-return-below-target' };
  }
  const sigmaOf = (w: readonly number[]): number => Math.sqrt(Math.max(0, quad(p.cov, w)));
  const target = targetVol;
  let solves = 1;
  const lo = solveMeanVariance(p, 0);
  let ridge = lo.ridge;
  const minSigma = sigmaOf(lo.w);
  if (minSigma >= target * (1 - 1e-12)) {
    const below = minSigma > target * (1 + 1e-9);
    const note = below
      ? `target volatility ${target} is below the minimum-variance volatility ${minSigma}; returning the minimum-variance portfolio`
      : '';
    return { ...finish('target-volatility', p, lo.w, rf, { ...lo, iterations: solves, note }), target, outcome: below ? 'below-min-variance' : 'at-target' };
  }

  // Bracket: t_hi with σ(t_hi) ≥ target, or the frontier's end (the highest-return portfolio) below the target.
  const topReturn = dot(p.mu!, maxReturnWeights(p));
  let a = { t: 0, ...lo };
  let b = { t: 1, ...lo };
  let reachedTop = false;
  for (let k = 0; k < 200; k++) {
    const s = solveMeanVariance(p, b.t);
    solves++;
    ridge = Math.max(ridge, s.ridge);
    b = { t: b.t, ...s };
    if (sigmaOf(s.w) >= target) break;
    a = b;
    if (dot(p.mu!, s.w) >= topReturn - 1e-12 * Math.max(1, Math.abs(topReturn))) {
      // One more step past the top cannot raise return; σ can only fall further along this flat stretch.
      reachedTop = true;
      break;
    }
    b = { ...b, t: b.t * 4 };
  }
  if (reachedTop) {
    const note = `the highest-return portfolio within the bounds has volatility ${sigmaOf(a.w)}, below the target ${target}`;
    return {
      ...finish('target-volatility', p, a.w, rf, { converged: a.converged, ridge, iterations: solves, note }),
      target,
      outcome: 'max-return-below-target',
    };
  }
  // Bisect on t until both ends share an active set, then solve σ(w_a + s(w_b − w_a)) = target for s ∈ [0, 1].
  let converged = a.converged && b.converged;
  for (let k = 0; k < 200 && !sameSet(a.active, b.active); k++) {
    const t = (a.t + b.t) / 2;
    if (t <= a.t || t >= b.t) break;
    const s = solveMeanVariance(p, t);
    solves++;
    ridge = Math.max(ridge, s.ridge);
    if (sigmaOf(s.w) >= target) b = { t, ...s };
    else a = { t, ...s };
    converged = converged && s.converged;
  }
  const d = b.w.map((x, i) => x - a.w[i]!);
  const qa = quad(p.cov, d);
  const qb = bilinear(p.cov, a.w, d);
  const qc = quad(p.cov, a.w) - target * target;
  // qa s² + 2 qb s + qc = 0, root in [0, 1] (qc ≤ 0 at s = 0, ≥ 0 at s = 1); the stable form of the larger root.
  let s = 1;
  if (qa > 0) {
    const disc = Math.max(0, qb * qb - qa * qc);
    s = qb >= 0 ? -qc / (qb + Math.sqrt(disc)) : (-qb + Math.sqrt(disc)) / qa;
  } else if (qb > 0) {
    s = -qc / (2 * qb);
  }
  s = Math.min(1, Math.max(0, s));
  const w = a.w.map((x, i) => x + s * d[i]!);
  const r = finish('target-volatility', p, w, rf, { converged, ridge, iterations: solves, note: '' });
  return { ...r, target, outcome: 'at-target' };
}

/** Options of riskParity. */
export interface RiskParityOptions extends ReportOptions {
  /** Risk budgets b_i > 0 (normalised to sum 1); default equal, 1/n each. */
  readonly budgets?: readonly number[];
}

/**
 * Risk parity (equal risk contribution, or risk budgets b): weights with w_i(Σw)_i ∝ b_i, Σw = 1. Unbounded, it is
 * Spinu's convex problem min ½yᵀΣy − Σ b_i ln y_i, w = y/Σy (damped Newton; stops at max relative RC error < 1e-12
 * or at the rounding floor below 1e-9). With bounds that bind, the Richard–Roncalli constrained risk-budgeting
 * portfolio: w minimises ½wᵀΣw − λ Σ b_i ln w_i over the box [lo, hi] (cyclical coordinate descent), with λ searched
 * so that Σw = 1; assets off their bounds then share risk in proportion to b, bound assets take what the bounds leave.
 * If no λ > 0 works (the box's lowest-risk weights already sum above 1) the path's limit, the minimum-variance
 * portfolio, is returned (see `note`). RiskInputError if an asset has zero variance (it cannot carry a risk budget)
 * or an upper bound is 0.
 */
export function riskParity(cov: SquareMatrix, bounds?: WeightBounds, options: RiskParityOptions = {}): PortfolioOptimum {
  const p = prepare(cov, bounds, options.mu, 'riskParity');
  const rf = riskFree(options.rf, 'riskParity');
  const n = p.n;
  for (let i = 0; i < n; i++) {
    if (!(p.d[i * n + i]! > 0)) throw new RiskInputError(`riskParity: asset ${i} has zero variance, so it cannot carry a risk budget`);
    if (!(p.hi[i]! > 0)) throw new RiskInputError(`riskParity: asset ${i} has upper bound 0; drop it instead of budgeting risk to it`);
  }
  const budgets = riskBudgets(options.budgets, n);
  const fixed = singleFeasible(p);
  if (fixed) return finish('risk-parity', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });

  const free = spinuNewton(p.d, n, budgets);
  const w = free.y.map((y) => y / free.y.reduce((s, v) => s + v, 0));
  if (w.every((x, i) => x >= p.lo[i]! - 1e-12 && x <= p.hi[i]! + 1e-12)) {
    const note = free.converged
      ? ''
      : 'Newton did not converge: Σ is (nearly) singular with an almost riskless long-only mix, so no risk-parity portfolio exists';
    return finish('risk-parity', p, w, rf, { iterations: free.iterations, converged: free.converged, ridge: 0, note });
  }
  const bounded = boundedRiskBudget(p, budgets, w);
  if (bounded.unreachable) {
    // The λ path ends (λ → 0) at the box's minimum-variance point; with Σw = 1 imposed that is the min-variance QP.
    const mv = solveMeanVariance(p, 0);
    return finish('risk-parity', p, mv.w, rf, {
      ...mv,
      iterations: bounded.iterations + mv.iterations,
      note: 'the bounds leave no room for risk budgeting (even the lowest-risk weights in the box overfill the budget); returning the minimum-variance portfolio within the bounds',
    });
  }
  return finish('risk-parity', p, bounded.w, rf, {
    iterations: bounded.iterations,
    converged: bounded.converged,
    ridge: 0,
    note: 'bounds bind: assets at a bound carry a different risk share than the rest',
  });
}

// ---------------------------------------------------------------------------------------------------------------------

/** Width below which an asset's bounds are treated as fixing its weight. */
const FIXED = 1e-12;
/** Largest raw bound or budget miss accepted as solver rounding. */
const SLACK = 1e-7;

interface Problem {
  readonly n: number;
  readonly cov: SquareMatrix;
  /** Σ / mean variance, row-major. */
  readonly d: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly mu: readonly number[] | undefined;
}

interface SolveInfo {
  readonly iterations: number;
  readonly converged: boolean;
  readonly ridge: number;
  readonly note?: string;
}

interface Constraint {
  readonly a: Float64Array;
  readonly b: number;
}

function prepare(cov: SquareMatrix, bounds: WeightBounds | undefined, mu: readonly number[] | undefined, what: string): Problem {
  requireCovariance(cov, what);
  const n = cov.length;
  if (mu !== undefined) {
    if (mu.length !== n) throw new RiskInputError(`${what}: ${mu.length} expected returns for ${n} assets`);
    mu.forEach((x, i) => {
      if (!Number.isFinite(x)) throw new RiskInputError(`${what}: expected return ${i} is ${String(x)}, expected a finite number`);
    });
  }
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  if (bounds !== undefined) {
    if (bounds.length !== n) throw new RiskInputError(`${what}: ${bounds.length} bounds for ${n} assets`);
    bounds.forEach(([l, h], i) => {
      if (!Number.isFinite(l) || !Number.isFinite(h)) throw new RiskInputError(`${what}: bounds of asset ${i} are [${l}, ${h}], expected finite numbers`);
      if (l < 0) throw new RiskInputError(`${what}: lower bound of asset ${i} is ${l}; long-only weights need lo ≥ 0`);
      if (l > h) throw new RiskInputError(`${what}: bounds of asset ${i} are [${l}, ${h}]; need lo ≤ hi`);
      lo[i] = l;
      hi[i] = Math.min(h, 1);
    });
    if (lo.some((l, i) => l > hi[i]!)) throw new RiskInputError(`${what}: a lower bound exceeds 1, no weights can sum to 1`);
  }
  const sumLo = lo.reduce((s, v) => s + v, 0);
  const sumHi = hi.reduce((s, v) => s + v, 0);
  if (sumLo > 1 + 1e-12) throw new RiskInputError(`${what}: lower bounds sum to ${sumLo} > 1, no weights can sum to 1`);
  if (sumHi < 1 - 1e-12) throw new RiskInputError(`${what}: upper bounds sum to ${sumHi} < 1, no weights can sum to 1`);
  let meanVar = 0;
  for (let i = 0; i < n; i++) meanVar += cov[i]![i]!;
  meanVar /= n;
  if (!(meanVar > 0)) throw new RiskInputError(`${what}: every asset has zero variance; there is no risk to optimise`);
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = cov[i]![j]! / meanVar;
  return { n, cov, d, lo, hi, mu };
}

function riskFree(rf: number | undefined, what: string): number {
  const r = rf ?? 0;
  if (!Number.isFinite(r)) throw new RiskInputError(`${what}: rf is ${String(rf)}, expected a finite return per period`);
  return r;
}

function riskBudgets(budgets: readonly number[] | undefined, n: number): Float64Array {
  if (budgets === undefined) return new Float64Array(n).fill(1 / n);
  if (budgets.length !== n) throw new RiskInputError(`riskParity: ${budgets.length} budgets for ${n} assets`);
  budgets.forEach((b, i) => {
    if (!(b > 0) || !Number.isFinite(b)) throw new RiskInputError(`riskParity: budget ${i} is ${b}, expected a finite number > 0`);
  });
  const total = budgets.reduce((s, v) => s + v, 0);
  return Float64Array.from(budgets, (b) => b / total);
}

/** The only feasible weights when the bounds pin the budget (Σlo = 1 or Σhi = 1), else undefined. */
function singleFeasible(p: Problem): number[] | undefined {
  const sumLo = p.lo.reduce((s, v) => s + v, 0);
  const sumHi = p.hi.reduce((s, v) => s + v, 0);
  if (sumLo >= 1 - 1e-12) return Array.from(p.lo);
  if (sumHi <= 1 + 1e-12) return Array.from(p.hi);
  return undefined;
}

function fixedNote(p: Problem): string {
  return `the bounds leave one feasible portfolio (lower bounds sum to ${p.lo.reduce((s, v) => s + v, 0)}, upper to ${p.hi.reduce((s, v) => s + v, 0)})`;
}

/** Greedy LP: the highest-μ feasible weights (lower bounds first, then fill by descending μ, ties by index). */
function maxReturnWeights(p: Problem): number[] {
  const mu = p.mu!;
  const w = Array.from(p.lo);
  let rest = 1 - w.reduce((s, v) => s + v, 0);
  const order = mu.map((_, i) => i).sort((i, j) => mu[j]! - mu[i]! || i - j);
  for (const i of order) {
    if (rest <= 0) break;
    const add = Math.min(p.hi[i]! - p.lo[i]!, rest);
    w[i] = w[i]! + add;
    rest -= add;
  }
  return w;
}

/** min ½wᵀDw − t μ̂ᵀw s.t. Σw = 1, lo ≤ w ≤ hi (μ̂ = μ / max|μ|), as a QP; t = 0 is minimum variance. */
function solveMeanVariance(p: Problem, t: number): SolveInfo & { w: number[]; active: number[] } {
  const n = p.n;
  const dvec = new Float64Array(n);
  if (t > 0) {
    const mu = p.mu!;
    const scale = Math.max(...mu.map(Math.abs));
    if (scale > 0) for (let i = 0; i < n; i++) dvec[i] = (t * mu[i]!) / scale;
  }
  const eq: Constraint[] = [{ a: new Float64Array(n).fill(1), b: 1 }];
  const ineq: Constraint[] = [];
  for (let i = 0; i < n; i++) {
    const unit = new Float64Array(n);
    unit[i] = 1;
    if (p.hi[i]! - p.lo[i]! <= FIXED) {
      eq.push({ a: unit, b: p.lo[i]! });
      continue;
    }
    ineq.push({ a: unit, b: p.lo[i]! });
    if (p.hi[i]! < 1) {
      const neg = new Float64Array(n);
      neg[i] = -1;
      ineq.push({ a: neg, b: -p.hi[i]! });
    }
  }
  const sol = runQP(p, dvec, eq, ineq);
  return { ...sol, w: Array.from(sol.x) };
}

/** quadprog on the normalised Σ (plus a ridge if it is not positive definite). */
function runQP(
  p: Problem, dvec: Float64Array, eq: readonly Constraint[], ineq: readonly Constraint[],
): SolveInfo & { x: Float64Array; active: number[] } {
  const n = p.n;
  const all = [...eq, ...ineq];
  const q = all.length;
  let last = '';
  for (const ridge of [0, 1e-12, 1e-10, 1e-8, 1e-6]) {
    const Dmat: number[][] = [[]];
    for (let i = 0; i < n; i++) {
      const row = [0];
      for (let j = 0; j < n; j++) row.push(p.d[i * n + j]! + (i === j ? ridge : 0));
      Dmat.push(row);
    }
    const Amat: number[][] = [[]];
    for (let i = 0; i < n; i++) {
      const row = [0];
      for (let j = 0; j < q; j++) row.push(all[j]!.a[i]!);
      Amat.push(row);
    }
    const res = solveQP(Dmat, [0, ...dvec], Amat, [0, ...all.map((c) => c.b)], eq.length);
    last = res.message;
    if (res.message.includes('positive definite')) continue;
    const sol = res.solution ?? [];
    const x = Float64Array.from({ length: n }, (_, i) => sol[i + 1] ?? Number.NaN);
    const active = (res.iact ?? []).slice(1).filter((k) => k > 0).sort((u, v) => u - v);
    return {
      x,
      active,
      iterations: res.iterations?.[1] ?? 0,
      converged: res.message === '' && x.every(Number.isFinite),
      ridge,
      ...(res.message !== ''
        ? { note: `quadprog: ${res.message}` }
        : ridge > 0
          ? { note: `Σ is not positive definite (singular: e.g. duplicate assets or fewer periods than assets); added a ridge of ${ridge} × mean variance` }
          : {}),
    };
  }
  throw new RiskInputError(`optimiser: the covariance matrix is not positive definite even with a ridge (${last})`);
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Clip into the bounds, spread 1 − Σw over the room left, and report. */
function finish(method: PortfolioOptimum['method'], p: Problem, raw: readonly number[], rf: number, info: SolveInfo): PortfolioOptimum {
  const ok = raw.every(Number.isFinite);
  let w = ok ? [...raw] : Array.from(p.lo);
  const miss = ok
    ? Math.max(Math.abs(w.reduce((s, v) => s + v, 0) - 1), ...w.map((x, i) => Math.max(p.lo[i]! - x, x - p.hi[i]!, 0)))
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

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function quad(cov: SquareMatrix, w: readonly number[]): number {
  return bilinear(cov, w, w);
}

function bilinear(cov: SquareMatrix, u: readonly number[], v: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * dot(cov[i]!, v);
  return s;
}

/** Newton on f(y) = ½yᵀDy − Σ b ln y (strictly convex on y > 0); returns the minimiser. */
function spinuNewton(d: Float64Array, n: number, b: Float64Array): { y: number[]; iterations: number; converged: boolean } {
  const dy = new Float64Array(n);
  const mulD = (y: ArrayLike<number>, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[i * n + j]! * y[j]!;
      out[i] = s;
    }
  };
  const f = (y: Float64Array): number => {
    mulD(y, dy);
    let s = 0;
    for (let i = 0; i < n; i++) s += 0.5 * y[i]! * dy[i]! - b[i]! * Math.log(y[i]!);
    return s;
  };
  // Start from inverse volatility, scaled to the best multiple: c²·y₀ᵀDy₀ = Σb = 1.
  let y = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(d[i * n + i]!));
  mulD(y, dy);
  const c = 1 / Math.sqrt(y.reduce((s, v, i) => s + v * dy[i]!, 0));
  y = y.map((v) => v * c);
  const h = new Float64Array(n * n);
  const g = new Float64Array(n);
  const minBudget = Math.min(...b);
  let iterations = 0;
  let converged = false;
  let previous = Infinity;
  for (; iterations < 200; iterations++) {
    mulD(y, dy);
    let err = 0;
    for (let i = 0; i < n; i++) {
      g[i] = dy[i]! - b[i]! / y[i]!;
      err = Math.max(err, Math.abs((y[i]! * dy[i]!) / b[i]! - 1));
    }
    // Done at 1e-12, or once a full step no longer halves an already tiny error (the rounding floor of Σy).
    if (err < 1e-12 || (err < 1e-9 && err > previous / 2)) {
      converged = true;
      break;
    }
    previous = err;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) h[i * n + j] = d[i * n + j]!;
      h[i * n + i] = h[i * n + i]! + b[i]! / (y[i]! * y[i]!);
    }
    const step = choleskySolve(h, n, g.map((v) => -v));
    if (!step) break;
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i]! * step[i]!;
    if (-slope < 1e-24) {
      // Newton decrement² ≈ 2(f − f*) at rounding level: take the (tiny) full step and stop.
      y = y.map((v, i) => Math.max(v + step[i]!, v / 2));
      converged = true;
      break;
    }
    // f / min(b) is self-concordant: with its Newton decrement² −slope/min(b) < 0.25² the full step is safe and
    // converges quadratically, whereas an Armijo test on f would be lost in rounding this close to the optimum.
    if (-slope / minBudget < 0.0625 && y.every((v, i) => v + step[i]! > 0)) {
      y = y.map((v, i) => v + step[i]!);
      continue;
    }
    // Farther out: backtracking (Armijo) inside the domain y > 0.
    const f0 = f(y);
    let alpha = 1;
    for (let i = 0; i < n; i++) if (step[i]! < 0) alpha = Math.min(alpha, (-0.99 * y[i]!) / step[i]!);
    let next = y.map((v, i) => v + alpha * step[i]!);
    for (let k = 0; k < 60 && f(next) > f0 + 1e-4 * alpha * slope; k++) {
      alpha /= 2;
      next = y.map((v, i) => v + alpha * step[i]!);
    }
    y = next;
  }
  return { y: Array.from(y), iterations, converged };
}

/** Solves H x = r for symmetric positive-definite H (row-major n × n) by Cholesky; undefined if not PD. */
function choleskySolve(h: Float64Array, n: number, r: Float64Array): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = h[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
    if (!(s > 0)) return undefined;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = h[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = r[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Richard–Roncalli constrained risk budgeting: for λ > 0, w(λ) = argmin ½wᵀDw − λ Σ b ln w over lo ≤ w ≤ hi
 * (cyclical coordinate descent, each coordinate's 1-D minimiser clipped to its box); Σw(λ) increases with λ, so λ is
 * searched (λ ← λ/S², exact when no bound binds, safeguarded by expansion and bisection in log λ) until Σw = 1.
 */
function boundedRiskBudget(
  p: Problem, b: Float64Array, start: readonly number[],
): { w: number[]; iterations: number; converged: boolean; unreachable: boolean } {
  const n = p.n;
  const d = p.d;
  const w = Float64Array.from(start, (x, i) => Math.min(p.hi[i]!, Math.max(p.lo[i]!, x)));
  const dw = new Float64Array(n);
  let sweeps = 0;
  let ccdConverged = true;
  const solve = (lambda: number): number => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[i * n + j]! * w[j]!;
      dw[i] = s;
    }
    let done = false;
    for (let sweep = 0; sweep < 100_000 && !done; sweep++) {
      sweeps++;
      let change = 0;
      for (let i = 0; i < n; i++) {
        const dii = d[i * n + i]!;
        const wi = w[i]!;
        const c = dw[i]! - dii * wi;
        // Positive root of dii x² + c x − λb = 0, in the form without cancellation for either sign of c.
        const disc = Math.sqrt(c * c + 4 * dii * lambda * b[i]!);
        let x = c >= 0 ? (2 * lambda * b[i]!) / (c + disc) : (disc - c) / (2 * dii);
        x = Math.min(p.hi[i]!, Math.max(p.lo[i]!, x));
        const delta = x - wi;
        if (delta !== 0) {
          w[i] = x;
          for (let j = 0; j < n; j++) dw[j] = dw[j]! + delta * d[j * n + i]!;
          change = Math.max(change, Math.abs(delta) / Math.max(x, 1e-6));
        }
      }
      done = change < 1e-14;
    }
    if (!done) ccdConverged = false;
    return w.reduce((s, v) => s + v, 0);
  };
  let lambda = 1;
  let lower = 0;
  let upper = Infinity;
  let sum = solve(lambda);
  let previous = Infinity;
  for (let outer = 0; outer < 300 && Math.abs(sum - 1) > 1e-14; outer++) {
    if (sum < 1) lower = lambda;
    else upper = lambda;
    let next = lambda / (sum * sum);
    // λ/S² is exact while no bound binds, but crawls where bounds hold S nearly flat: then expand or bisect (in log λ).
    const error = Math.abs(sum - 1);
    if (!(next > lower && next < upper) || error > previous / 2) {
      next = !Number.isFinite(upper) ? lambda * 4 : lower === 0 ? upper / 4 : Math.sqrt(lower * upper);
    }
    previous = error;
    if (next === lambda) break;
    // Σw(λ) > 1 even as λ → 0: the box's own minimum-variance point overfills the budget, no λ exists.
    if (lower === 0 && next < 1e-12) return { w: Array.from(w), iterations: sweeps, converged: false, unreachable: true };
    lambda = next;
    sum = solve(lambda);
  }
  // Σw is 1 to ~1e-14 here; `finish` absorbs the rest in the assets off their bounds, so bound weights stay exact.
  return { w: Array.from(w), iterations: sweeps, converged: ccdConverged && Math.abs(sum - 1) <= 1e-9, unreachable: false };
}
