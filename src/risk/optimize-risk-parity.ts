/**
 * Risk parity (equal risk contribution, or risk budgets): Newton's method on Spinu's convex formulation, or, when
 * bounds bind, cyclical coordinate descent on the Richard–Roncalli log-barrier problem with a search on its
 * multiplier. Long-only by nature (a risk budget b_i > 0 needs w_i > 0), so lower bounds below 0 are refused.
 */
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import {
  finish, fixedNote, prepare, riskFree, singleFeasible, type PortfolioOptimum, type Problem, type ReportOptions, type WeightBounds,
} from './optimize-problem.ts';
import { solveMeanVariance } from './optimize-qp.ts';

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
 * portfolio, is returned (see `note`). RiskInputError if an asset has zero variance (it cannot carry a risk budget),
 * an upper bound is 0, or a lower bound is below 0 (risk parity stays long-only; use minVariance for long-short).
 */
export function riskParity(cov: SquareMatrix, bounds?: WeightBounds, options: RiskParityOptions = {}): PortfolioOptimum {
  const p = prepare(cov, bounds, options.mu, 'riskParity', { longOnly: true });
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

function riskBudgets(budgets: readonly number[] | undefined, n: number): Float64Array {
  if (budgets === undefined) return new Float64Array(n).fill(1 / n);
  if (budgets.length !== n) throw new RiskInputError(`riskParity: ${budgets.length} budgets for ${n} assets`);
  budgets.forEach((b, i) => {
    if (!(b > 0) || !Number.isFinite(b)) throw new RiskInputError(`riskParity: budget ${i} is ${b}, expected a finite number > 0`);
  });
  const total = budgets.reduce((s, v) => s + v, 0);
  return Float64Array.from(budgets, (b) => b / total);
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
