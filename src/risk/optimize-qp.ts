/**
 * The optimisers' quadratic programs: `quadprog` (Goldfarb–Idnani dual active set, a port of R's quadprog) on Σ
 * divided by its mean variance (the argmin is unchanged, the conditioning better), with a ridge (1e-12, then ×100 up
 * to 1e-6, relative to the mean variance) when quadprog finds Σ not positive definite.
 *
 * Gross cap by cutting planes: Σ|x| ≤ L is the intersection of the 2ⁿ half-spaces sᵀx ≤ L, s ∈ {−1, 1}ⁿ, which is
 * too many to list but few ever matter. Each QP is solved with the cuts found so far; if its answer has Σ|x| > L the
 * cut with s = sign(x) (valid for every feasible x, violated by this one) is added and the QP solved again. The cuts
 * are finitely many and each is new, so this ends, and the last answer is the exact optimum of the capped problem
 * (it solves a relaxation and is feasible). Unlike splitting w = w⁺ − w⁻, it keeps the Hessian positive definite,
 * which quadprog needs.
 */
import { solveQP } from 'quadprog';
import { RiskInputError } from './errors.ts';
import { FIXED, type Problem, type SolveInfo } from './optimize-problem.ts';

/** aᵀx ≥ b (or = b for equalities); `label` names it so active sets compare across solves. */
export interface Constraint {
  readonly a: Float64Array;
  readonly b: number;
  readonly label: string;
}

/** Given a QP answer, a valid constraint it violates (a gross cut), or undefined when it is feasible. */
export type CutFinder = (x: Float64Array) => Constraint | undefined;

export interface QPAnswer extends SolveInfo {
  readonly x: Float64Array;
  /** Labels of the active inequality constraints, sorted. */
  readonly active: string[];
}

/** Relative excess of Σ|x| over the cap accepted as rounding (a cut on the active face leaves ~1e-16). */
const CUT_TOLERANCE = 1e-12;

/**
 * Cuts for Σ|x| ≤ L·κ: in weights (κ = 1) `homogeneous` false, −sᵀw ≥ −L; in the max-Sharpe variables y = κw
 * (κ = Σy) `homogeneous` true, (L·1 − s)ᵀy ≥ 0. Undefined when nothing is capped (long-only or L = ∞).
 */
export function grossCuts(p: Problem, homogeneous: boolean): CutFinder | undefined {
  if (!p.longShort || !Number.isFinite(p.gross)) return undefined;
  const L = p.gross;
  return (x) => {
    let abs = 0;
    let sum = 0;
    for (const v of x) {
      abs += Math.abs(v);
      sum += v;
    }
    const cap = homogeneous ? L * sum : L;
    if (!(abs > cap + CUT_TOLERANCE * Math.max(abs, 1e-300))) return undefined;
    const s = Array.from(x, (v) => Math.sign(v));
    const a = Float64Array.from(s, (si) => (homogeneous ? L : 0) - si);
    return { a, b: homogeneous ? 0 : -L, label: `gross:${s.map((si) => (si > 0 ? '+' : si < 0 ? '-' : '0')).join('')}` };
  };
}

/**
 * min ½wᵀDw − t μ̂ᵀw s.t. Σw = 1, lo ≤ w ≤ hi, Σ|w| ≤ gross, plus `extra` (μ̂ = μ / max|μ|); t = 0 is minimum
 * variance. `pool`: gross cuts found by earlier solves of the same problem (valid for every t), grown in place.
 */
export function solveMeanVariance(
  p: Problem, t: number, extra: readonly Constraint[] = [], pool: Constraint[] = [],
): QPAnswer & { w: number[] } {
  const n = p.n;
  const dvec = new Float64Array(n);
  if (t > 0) {
    const mu = p.mu!;
    const scale = Math.max(...mu.map(Math.abs));
    if (scale > 0) for (let i = 0; i < n; i++) dvec[i] = (t * mu[i]!) / scale;
  }
  const eq: Constraint[] = [{ a: new Float64Array(n).fill(1), b: 1, label: 'budget' }];
  const ineq: Constraint[] = [];
  for (let i = 0; i < n; i++) {
    const unit = new Float64Array(n);
    unit[i] = 1;
    if (p.hi[i]! - p.lo[i]! <= FIXED) {
      eq.push({ a: unit, b: p.lo[i]!, label: `fixed:${i}` });
      continue;
    }
    ineq.push({ a: unit, b: p.lo[i]!, label: `lo:${i}` });
    // Long-only, w_i ≤ 1 follows from w ≥ 0 and Σw = 1; long-short it does not.
    if (p.hi[i]! < 1 || p.longShort) {
      const neg = new Float64Array(n);
      neg[i] = -1;
      ineq.push({ a: neg, b: -p.hi[i]!, label: `hi:${i}` });
    }
  }
  const sol = runQP(p, dvec, eq, [...ineq, ...extra], grossCuts(p, false), pool);
  return { ...sol, w: Array.from(sol.x) };
}

/**
 * quadprog on the normalised Σ (plus a ridge if it is not positive definite), adding cuts from `cut` to `cuts` (a
 * pool shared by the solves of one problem, so a frontier walk finds each cut once) until none is violated.
 */
export function runQP(
  p: Problem, dvec: Float64Array, eq: readonly Constraint[], ineq: readonly Constraint[], cut?: CutFinder, cuts: Constraint[] = [],
): QPAnswer {
  const n = p.n;
  // Each cut is a distinct sign pattern; this many means something is wrong, not slow.
  const maxCuts = cuts.length + 50 + 10 * n;
  let iterations = 0;
  let last = '';
  for (const ridge of [0, 1e-12, 1e-10, 1e-8, 1e-6]) {
    const Dmat: number[][] = [[]];
    for (let i = 0; i < n; i++) {
      const row = [0];
      for (let j = 0; j < n; j++) row.push(p.d[i * n + j]! + (i === j ? ridge : 0));
      Dmat.push(row);
    }
    for (;;) {
      const all = [...eq, ...ineq, ...cuts];
      const Amat: number[][] = [[]];
      for (let i = 0; i < n; i++) {
        const row = [0];
        for (const c of all) row.push(c.a[i]!);
        Amat.push(row);
      }
      // quadprog overwrites Dmat and dvec: hand it copies.
      const res = solveQP(Dmat.map((r) => [...r]), [0, ...dvec], Amat, [0, ...all.map((c) => c.b)], eq.length);
      last = res.message;
      if (res.message.includes('positive definite')) break; // try the next ridge
      iterations += res.iterations?.[1] ?? 0;
      const sol = res.solution ?? [];
      const x = Float64Array.from({ length: n }, (_, i) => sol[i + 1] ?? Number.NaN);
      const ok = res.message === '' && x.every(Number.isFinite);
      const next = ok && cut ? cut(x) : undefined;
      if (next && !cuts.some((c) => c.label === next.label) && cuts.length < maxCuts) {
        cuts.push(next);
        continue;
      }
      const active = (res.iact ?? []).slice(1).filter((k) => k > eq.length).map((k) => all[k - 1]!.label).sort();
      const capped = next !== undefined && cuts.length >= maxCuts;
      return {
        x,
        active,
        iterations,
        converged: ok && !capped,
        ridge,
        ...(res.message !== ''
          ? { note: `quadprog: ${res.message}` }
          : capped
            ? { note: `the gross cap needed more than ${maxCuts} cutting planes; weights may exceed it` }
            : ridge > 0
              ? { note: `Σ is not positive definite (singular: e.g. duplicate assets or fewer periods than assets); added a ridge of ${ridge} × mean variance` }
              : {}),
      };
    }
  }
  throw new RiskInputError(`optimiser: the covariance matrix is not positive definite even with a ridge (${last})`);
}

/** Whether two sorted active-set label lists are the same (w is affine in t within one). */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
