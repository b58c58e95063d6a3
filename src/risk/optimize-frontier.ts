/**
 * Points on the efficient frontier picked by a target: the highest return at a target volatility (PyPortfolioOpt's
 * efficient_risk) and the lowest variance at a target return (its efficient_return). Both accept long-short bounds
 * with the gross cap (see optimize-problem.ts), and both refuse a target no feasible portfolio reaches with an
 * UnreachableTargetError naming the target and the reachable limit.
 */
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import {
  bilinear, dot, finish, fixedNote, maxReturnWeights, prepare, quad, riskFree, singleFeasible, UnreachableTargetError,
  type GrossOptions, type PortfolioOptimum, type Problem, type WeightBounds,
} from './optimize-problem.ts';
import { sameSet, solveMeanVariance, type Constraint } from './optimize-qp.ts';

/** Options of the target optimisers. */
export interface TargetOptions extends GrossOptions {
  /** Risk-free return per period, for the reported Sharpe; default 0. */
  readonly rf?: number;
}

/** Target-volatility result: where the target landed. */
export interface TargetVolatilityOptimum extends PortfolioOptimum {
  /** The requested volatility, per period of `cov`. */
  readonly target: number;
  /** 'at-target': σ = target (the usual case); 'max-return-below-target': even the highest-return portfolio stays below it. */
  readonly outcome: 'at-target' | 'max-return-below-target';
}

/** Efficient-return result. */
export interface EfficientReturnOptimum extends PortfolioOptimum {
  /** The requested expected return, per period of `cov`. */
  readonly target: number;
  /**
   * 'at-target': μᵀw = target; 'above-target': the minimum-variance portfolio already returns more (the constraint
   * is μᵀw ≥ target, as in PyPortfolioOpt), so it is the answer.
   */
  readonly outcome: 'at-target' | 'above-target';
}

/**
 * Highest expected return with volatility at most `targetVol` (per period of `cov`; seed 000's 15% is ANNUAL, so pass
 * annual μ and Σ with it, or a daily target with daily inputs): max μᵀw s.t. √(wᵀΣw) ≤ target, lo ≤ w ≤ hi, Σw = 1,
 * Σ|w| ≤ gross. Walks the efficient frontier min ½wᵀΣw − t μᵀw by bisection on t ≥ 0; within the last frontier
 * segment (same active set) w is affine in t, so the target is then hit exactly by solving a quadratic.
 * UnreachableTargetError ('volatility-below-minimum') when the target is below the min-variance volatility.
 */
export function targetVolatility(
  mu: readonly number[], cov: SquareMatrix, targetVol: number, bounds?: WeightBounds, options: TargetOptions = {},
): TargetVolatilityOptimum {
  if (!(targetVol > 0) || !Number.isFinite(targetVol)) {
    throw new RiskInputError(`targetVolatility: target is ${targetVol}, expected a finite volatility > 0 (per period of cov)`);
  }
  const p = prepare(cov, bounds, mu, 'targetVolatility', { gross: options.gross });
  const rf = riskFree(options.rf, 'targetVolatility');
  const target = targetVol;
  const fixed = singleFeasible(p);
  if (fixed) {
    const r = finish('target-volatility', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });
    if (r.volatility > target * (1 + 1e-9)) throw belowMinimum(target, r.volatility);
    return { ...r, target, outcome: r.volatility >= target * (1 - 1e-9) ? 'at-target' : 'max-return-below-target' };
  }
  const sigmaOf = (w: readonly number[]): number => Math.sqrt(Math.max(0, quad(p.cov, w)));
  let solves = 1;
  const pool: Constraint[] = [];
  const lo = solveMeanVariance(p, 0, [], pool);
  let ridge = lo.ridge;
  const minSigma = sigmaOf(lo.w);
  if (minSigma > target * (1 + 1e-9)) throw belowMinimum(target, minSigma);
  if (minSigma >= target * (1 - 1e-12)) {
    return { ...finish('target-volatility', p, lo.w, rf, { ...lo, iterations: solves }), target, outcome: 'at-target' };
  }

  // Bracket: t_hi with σ(t_hi) ≥ target, or the frontier's end (the highest-return portfolio) below the target.
  const topReturn = dot(p.mu!, maxReturnWeights(p));
  let a = { t: 0, ...lo };
  let b = { t: 1, ...lo };
  let reachedTop = false;
  for (let k = 0; k < 200; k++) {
    const s = solveMeanVariance(p, b.t, [], pool);
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
    const s = solveMeanVariance(p, t, [], pool);
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

/**
 * Minimum variance for a target expected return (per period of `cov`; annualise μ and Σ to pass an annual target):
 * argmin wᵀΣw s.t. μᵀw ≥ target, lo ≤ w ≤ hi, Σw = 1, Σ|w| ≤ gross (one QP). UnreachableTargetError
 * ('return-above-maximum', naming the highest achievable return) when no feasible portfolio returns that much.
 */
export function efficientReturn(
  mu: readonly number[], cov: SquareMatrix, targetReturn: number, bounds?: WeightBounds, options: TargetOptions = {},
): EfficientReturnOptimum {
  if (!Number.isFinite(targetReturn)) {
    throw new RiskInputError(`efficientReturn: target is ${targetReturn}, expected a finite return (per period of cov)`);
  }
  const p = prepare(cov, bounds, mu, 'efficientReturn', { gross: options.gross });
  const rf = riskFree(options.rf, 'efficientReturn');
  const m = p.mu!;
  const target = targetReturn;
  const top = dot(m, maxReturnWeights(p));
  const scale = Math.max(...m.map(Math.abs));
  // Rounding of the greedy LP's sum, relative to the size of the returns.
  const slack = 1e-12 * Math.max(scale, Math.abs(target));
  if (target > top + slack) {
    const cap = p.longShort ? ` and gross cap ${p.gross}` : '';
    throw new UnreachableTargetError('return-above-maximum', target, top,
      `efficientReturn: target return ${target} is above the highest achievable ${top} within the bounds${cap}`);
  }
  const fixed = singleFeasible(p);
  if (fixed) {
    const r = finish('efficient-return', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });
    return { ...r, target, outcome: dot(m, fixed) > target + slack ? 'above-target' : 'at-target' };
  }
  if (!(scale > 0)) {
    // Every μ is 0 and target ≤ 0: any portfolio meets it, so the answer is minimum variance.
    const mv = solveMeanVariance(p, 0);
    return { ...finish('efficient-return', p, mv.w, rf, mv), target, outcome: target < 0 ? 'above-target' : 'at-target' };
  }
  const pool: Constraint[] = [];
  let sol = solveMeanVariance(p, 0, [returnFloor(p, Math.min(target, top) / scale, scale)], pool);
  if (!sol.converged && top - target <= slack) {
    // At the very top the feasible set is the max-return face, thin enough for rounding to empty it: step inside.
    sol = solveMeanVariance(p, 0, [returnFloor(p, (top - 4 * slack) / scale, scale)], pool);
  }
  const r = finish('efficient-return', p, sol.w, rf, sol);
  return { ...r, target, outcome: sol.active.includes('return') ? 'at-target' : 'above-target' };
}

/** μ̂ᵀw ≥ goal with μ̂ = μ / scale (so the row is O(1) like the others). */
function returnFloor(p: Problem, goal: number, scale: number): Constraint {
  return { a: Float64Array.from(p.mu!, (x) => x / scale), b: goal, label: 'return' };
}

function belowMinimum(target: number, minSigma: number): UnreachableTargetError {
  return new UnreachableTargetError('volatility-below-minimum', target, minSigma,
    `targetVolatility: target volatility ${target} is below the minimum-variance volatility ${minSigma}; no portfolio within the bounds is that calm`);
}
