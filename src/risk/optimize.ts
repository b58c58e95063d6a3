/**
 * Portfolio optimisers with per-asset weight bounds lo_i ≤ w_i ≤ hi_i and Σw = 1: minimum variance, maximum Sharpe,
 * maximum return at a target volatility, minimum variance at a target return, and (bounded, long-only) risk parity.
 *
 * Long-short (PyPortfolioOpt's convention): a lower bound below 0 allows shorts, e.g. weight bounds [−1, 1]; Σw = 1
 * still holds (net long 100% of capital) and gross exposure is capped, Σ|w_i| ≤ L (default 1.5, see GrossOptions).
 * Risk parity stays long-only.
 *
 * Units: `cov` is the covariance of asset returns per period, `mu` the expected return per period and `rf` the
 * risk-free return per period, all in the SAME period (daily cov with daily μ; annualising is the caller's job).
 * Weights are fractions of capital. Volatility is √(wᵀΣw) per that period; Sharpe is (μᵀw − rf)/σ per period.
 *
 * Files: optimize-problem.ts (types, input checks, highest-return LP, clean-up), optimize-qp.ts (quadprog, gross cap
 * by cutting planes), optimize-frontier.ts (target volatility, efficient return), optimize-risk-parity.ts.
 *
 * Solvers: the quadratic programs go to `quadprog` (Goldfarb–Idnani dual active set): exact active-set solutions of
 * strictly convex QPs, no tuning, no step sizes; the gross cap is added as cutting planes sᵀw ≤ L (s = sign pattern)
 * until none is violated, which keeps every QP strictly convex. Risk parity uses Newton's method on Spinu's convex
 * formulation, or, when bounds bind, cyclical coordinate descent on the Richard–Roncalli log-barrier problem.
 *
 * Clean-up: solver output can miss a bound, the budget or the cap by rounding (≈1e-15); weights are clipped into
 * [lo, hi] and 1 − Σw is spread over the assets inside their bounds. A raw miss beyond 1e-7 marks the result
 * `converged: false`.
 */
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import {
  dot, finish, fixedNote, FIXED, maxReturnWeights, prepare, riskFree, singleFeasible,
  type GrossOptions, type PortfolioOptimum, type ReportOptions, type WeightBounds,
} from './optimize-problem.ts';
import { grossCuts, runQP, solveMeanVariance, type Constraint } from './optimize-qp.ts';

export {
  DEFAULT_GROSS, UnreachableTargetError, type GrossOptions, type PortfolioOptimum, type ReportOptions, type WeightBounds,
} from './optimize-problem.ts';
export {
  efficientReturn, targetVolatility, type EfficientReturnOptimum, type TargetOptions, type TargetVolatilityOptimum,
} from './optimize-frontier.ts';
export { riskParity, type RiskParityOptions } from './optimize-risk-parity.ts';

/** Options of minVariance: expected returns for the report, and the gross cap for long-short bounds. */
export interface MinVarianceOptions extends ReportOptions, GrossOptions {}

/** Minimum-variance portfolio: argmin wᵀΣw s.t. lo ≤ w ≤ hi, Σw = 1, Σ|w| ≤ gross (one QP, plus cuts long-short). */
export function minVariance(cov: SquareMatrix, bounds?: WeightBounds, options: MinVarianceOptions = {}): PortfolioOptimum {
  const p = prepare(cov, bounds, options.mu, 'minVariance', { gross: options.gross });
  const rf = riskFree(options.rf, 'minVariance');
  const fixed = singleFeasible(p);
  if (fixed) return finish('min-variance', p, fixed, rf, { iterations: 0, converged: true, ridge: 0, note: fixedNote(p) });
  const sol = solveMeanVariance(p, 0);
  return finish('min-variance', p, sol.w, rf, sol);
}

/**
 * Maximum-Sharpe portfolio, per period: argmax (μᵀw − rf)/√(wᵀΣw) s.t. lo ≤ w ≤ hi, Σw = 1, Σ|w| ≤ gross. Solved as
 * the QP min yᵀΣy s.t. (μ − rf)ᵀy = 1, lo_i κ ≤ y_i ≤ hi_i κ, Σ|y| ≤ L κ with κ = Σy (so every constraint is linear
 * in y), then w = y/κ. RiskInputError when no feasible portfolio earns more than rf (no maximum worth taking).
 */
export function maxSharpe(mu: readonly number[], cov: SquareMatrix, rf = 0, bounds?: WeightBounds, options: GrossOptions = {}): PortfolioOptimum {
  const p = prepare(cov, bounds, mu, 'maxSharpe', { gross: options.gross });
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
  const eq: Constraint[] = [{ a: Float64Array.from(excess, (x) => x / scale), b: 1, label: 'excess' }];
  const ineq: Constraint[] = [];
  for (let i = 0; i < n; i++) {
    const lo = p.lo[i]!;
    const hi = p.hi[i]!;
    // y_i − lo_i Σy ≥ 0   and   hi_i Σy − y_i ≥ 0   (long-only the second is implied by y ≥ 0 when hi_i ≥ 1)
    const lower = new Float64Array(n).fill(-lo);
    lower[i] = 1 - lo;
    if (hi - lo <= FIXED) {
      eq.push({ a: lower, b: 0, label: `fixed:${i}` });
      continue;
    }
    ineq.push({ a: lower, b: 0, label: `lo:${i}` });
    if (hi < 1 || p.longShort) {
      const upper = new Float64Array(n).fill(hi);
      upper[i] = hi - 1;
      ineq.push({ a: upper, b: 0, label: `hi:${i}` });
    }
  }
  const sol = runQP(p, new Float64Array(n), eq, ineq, grossCuts(p, true));
  const kappa = sol.x.reduce((s, v) => s + v, 0);
  const w = Array.from(sol.x, (y) => y / kappa);
  return finish('max-sharpe', p, w, rf, { ...sol, converged: sol.converged && kappa > 0 });
}
