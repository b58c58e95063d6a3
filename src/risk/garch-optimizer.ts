/**
 * The optimiser behind fitGarch (garch.ts) over the variance parameters θ (parameterisation in garch-likelihood.ts).
 *
 * Newton's method runs from four deterministic variance-targeted starting points (STARTS: the likelihood of a short
 * or weakly heteroskedastic series often has separate local optima near the boundaries), then once more on the α = 0
 * face (ALPHA_FACE_START, below), and the best optimum wins.
 * The exact gradient and Hessian of −log L come from the derivative recursions of σ²_t in the same pass as the
 * likelihood (∂σ²_{t+1} = ∂ω + ε²_t∂α + σ²_t∂β + β∂σ²_t, and their derivatives in β), mapped to θ by the chain rule;
 * a Levenberg shift keeps each step a descent direction and a backtracking (Armijo) line search keeps it safe. A run
 * stops when half the Newton decrement gᵀH⁻¹g — the gain in log L the next step predicts — is below 1e-12, typically
 * after 5–10 passes; later runs stop early once they reach the best optimum so far or cannot beat it. If no run
 * converges (an optimum so far out on a boundary — α → 0, β → 0, ω → 0 or α + β → 1, where θ runs off to infinity —
 * that Newton creeps towards it for 60 steps), Nelder–Mead (fmin) takes over from the starts and the best Newton point:
 * a coarse run from each, then restarts of the best until a restart no longer improves the likelihood.
 */
import * as fminModule from 'fmin';
import type { FminApi, NelderMead } from 'fmin';
import { negLogLikDerivatives, negLogLikTheta } from './garch-likelihood.ts';

/**
 * Newton's starting points (α, β), each with ω on the variance-targeting line: a typical daily GARCH and three
 * corners where the likelihood often has a separate local optimum — ARCH(1) (β ≈ 0), a large α, and a small α with
 * α + β near 1 (on some long series, e.g. BTC's 1,095 days from 2021-02-24, a second maximum at α ≈ 0.01, β ≈ 0.99 beats
 * the one at α ≈ 0.07, β ≈ 0.90 by 0.03 and only a start this close reaches it). α = 0 itself is the face run's.
 */
export const STARTS: readonly (readonly [alpha: number, beta: number])[] = [[0.05, 0.9], [0.1, 0.001], [0.6, 0.3], [0.01, 0.985]];
const MAX_RESTARTS = 20;
const RESTART_TOLERANCE = 1e-9;
/** Initial simplex sizes for restarts: fmin's default (5% of each coordinate), then a 0.1% one. */
const RESTART_STEPS = [{ nonZeroDelta: 1.05, zeroDelta: 1e-3 }, { nonZeroDelta: 1.001, zeroDelta: 1e-5 }] as const;

let cachedNelderMead: NelderMead | undefined;

/** fmin's Nelder–Mead, wherever its UMD bundle put it (see src/types/fmin.d.ts). */
function nelderMead(): NelderMead {
  cachedNelderMead ??= fminModule.nelderMead ?? (globalThis as { fmin?: FminApi }).fmin?.nelderMead;
  if (cachedNelderMead === undefined) throw new Error('fmin did not load: no nelderMead export and no globalThis.fmin');
  return cachedNelderMead;
}

function newtonStep(h: Float64Array, g: Float64Array, mu: number, d: Float64Array): boolean {
  const l00 = h[0]! + mu;
  if (!(l00 > 0)) return false;
  const a = Math.sqrt(l00);
  const b = h[3]! / a;
  const c = h[6]! / a;
  const l11 = h[4]! + mu - b * b;
  if (!(l11 > 0)) return false;
  const e = Math.sqrt(l11);
  const f = (h[7]! - c * b) / e;
  const l22 = h[8]! + mu - c * c - f * f;
  if (!(l22 > 0)) return false;
  const k = Math.sqrt(l22);
  // L y = −g, then Lᵀ d = y.
  const y0 = -g[0]! / a;
  const y1 = (-g[1]! - b * y0) / e;
  const y2 = (-g[2]! - c * y0 - f * y1) / k;
  const d2 = y2 / k;
  const d1 = (y1 - f * d2) / e;
  const d0 = (y0 - b * d1 - c * d2) / a;
  d[0] = d0;
  d[1] = d1;
  d[2] = d2;
  return Number.isFinite(d0) && Number.isFinite(d1) && Number.isFinite(d2);
}

const NEWTON_MAX_ITERATIONS = 60;
/** Stop when ½gᵀH⁻¹g, the gain in log L a Newton step predicts, is below this. */
const NEWTON_TOLERANCE = 1e-12;
/** Below this predicted gain the quadratic model is trusted outright (−log L differences are rounding noise there). */
const NEWTON_TRUST = 1e-9;
/** Largest step in any θ coordinate (θ is O(1) in the interior; logistic(±10) is within 5e-5 of 0 or 1). */
const NEWTON_MAX_STEP = 4;
/** A run is dropped when even this many times its predicted gain leaves it above the best optimum so far. */
const NEWTON_HOPE = 4;
/**
 * θ is kept in [−30, 30]³: the boundaries of the model (α, β, ω or α + β → 0, α + β → 1) are at infinity in θ, where
 * Newton would creep one unit a step; at ±30 the logistic is within 1e-13 of 0 or 1, so the box's faces are those
 * boundaries to all intents (ω > 0 and α + β < 1 still hold), and the optimum on a face is found like any other.
 */
const THETA_BOUND = 30;
/** A coordinate stepping outwards beyond this is also tried on the face (a creep towards a boundary, cut short). */
const THETA_FAR = 8;

/** θ's coordinate that is α's share of α + β (see garch-likelihood.ts): α = 0 is its face at −THETA_BOUND. */
const SHARE = 2;
/**
 * The face run's start: α = 0 (θ_SHARE on its face), α + β = logistic(8) ≈ 0.9997, ω = e⁻⁴s² — a slowly trending
 * σ²_t (≈ βᵗb + ωt). Weakly heteroskedastic series (365 days: ~1 in 6 of the benchmark's fits end at α = 0) have
 * maxima on this face that no interior start reaches: a face where ∂ log L/∂θ_SHARE ∝ α vanishes is infinitely far
 * in θ, so Newton converges to an interior local maximum instead (the benchmark's series 611 of 1,000 × 365: α 0.003,
 * β 0.95, log L 0.012 below the face's corner α = 0, α + β → 1), or, started on the face from an interior start's
 * α + β, to the face's nearest local maximum, which is often not its best (the face too is multimodal in β). With a
 * run confined to the face from here, fitGarch reached the best of ~140 Newton starts (interior and face grids) on
 * every series of the benchmark (2,000), 2,500 more synthetic ones (60–365 days) and 503 windows of the real daily
 * closes; the former four starts fell short there on 13 series by 0.01–0.39 (12 face maxima, and the BTC one of STARTS).
 */
const ALPHA_FACE_START: readonly number[] = [-4, 8, -THETA_BOUND];

function near(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return Math.abs(a[0]! - b[0]!) < 0.2 && Math.abs(a[1]! - b[1]!) < 0.2 && Math.abs(a[2]! - b[2]!) < 0.2;
}

function clampTheta(x: number): number {
  return Math.min(THETA_BOUND, Math.max(-THETA_BOUND, x));
}

/**
 * Projected Newton on −log L(θ) over the box, from `start`: coordinates on a face whose gradient points out of the box
 * are held (their rows of H replaced by the identity, so their step is 0), the rest take the Newton step (Levenberg-
 * shifted if H is not positive definite), capped and projected back into the box, with Armijo backtracking along the
 * projected path. Converged when the predicted gain ½gᵀH⁻¹g over the free coordinates is < 1e-12 with H positive
 * definite. Dropped (see NEWTON_HOPE) when `incumbent` shows the run cannot win. Coordinate `fixed`, if given, is held
 * at its start throughout (a run confined to a face); `gradient` is ∂(−log L)/∂θ at the returned point.
 */
export function newtonFit(
  e2: Float64Array, scale: number, backcast: number, start: readonly number[], incumbent?: { readonly x: readonly number[]; readonly fx: number },
  fixed?: number,
): { x: number[]; fx: number; converged: boolean; dropped: boolean; gradient: number[] } {
  let x = Float64Array.from(start, clampTheta);
  let g = new Float64Array(3);
  let h = new Float64Array(9);
  let gNext = new Float64Array(3);
  let hNext = new Float64Array(9);
  const gr = new Float64Array(3);
  const hr = new Float64Array(9);
  const d = new Float64Array(3);
  let trial = new Float64Array(3);
  const jump = new Float64Array(3);
  const done = (converged: boolean, dropped = false): { x: number[]; fx: number; converged: boolean; dropped: boolean; gradient: number[] } => ({
    x: Array.from(x), fx, converged, dropped, gradient: Array.from(g),
  });
  let fx = negLogLikDerivatives(e2, scale, backcast, x, g, h);
  if (!Number.isFinite(fx)) return done(false);
  for (let it = 0; it < NEWTON_MAX_ITERATIONS; it++) {
    hr.set(h);
    for (let k = 0; k < 3; k++) {
      const held = k === fixed || (x[k]! <= -THETA_BOUND && g[k]! > 0) || (x[k]! >= THETA_BOUND && g[k]! < 0);
      gr[k] = held ? 0 : g[k]!;
      if (held) {
        for (let j = 0; j < 3; j++) hr[3 * k + j] = hr[3 * j + k] = 0;
        hr[4 * k] = 1;
      }
    }
    let mu = 0;
    if (!newtonStep(hr, gr, 0, d)) {
      mu = 1e-8 * Math.max(Math.abs(hr[0]!), Math.abs(hr[4]!), Math.abs(hr[8]!), 1e-300);
      while (!newtonStep(hr, gr, mu, d)) {
        mu *= 10;
        if (!Number.isFinite(mu)) return done(false);
      }
    }
    const gain = -0.5 * (gr[0]! * d[0]! + gr[1]! * d[1]! + gr[2]! * d[2]!);
    if (mu === 0 && gain < NEWTON_TOLERANCE) return done(true);
    // A run that cannot beat the best point so far is dropped: when even NEWTON_HOPE times the predicted gain leaves
    // it above that point (in a convex region the remaining gain is about one predicted step), or when it has
    // arrived there.
    if (incumbent !== undefined && mu === 0 && (fx - NEWTON_HOPE * gain > incumbent.fx + 1e-6 || near(x, incumbent.x))) return done(false, true);
    const big = Math.max(Math.abs(d[0]!), Math.abs(d[1]!), Math.abs(d[2]!));
    const cap = big > NEWTON_MAX_STEP ? NEWTON_MAX_STEP / big : 1;
    let creeping = false;
    for (let k = 0; k < 3; k++) {
      trial[k] = clampTheta(x[k]! + cap * d[k]!);
      const out = Math.abs(trial[k]!) > THETA_FAR && trial[k]! * d[k]! > 0;
      jump[k] = out ? Math.sign(trial[k]!) * THETA_BOUND : trial[k]!;
      creeping ||= out && jump[k] !== trial[k];
    }
    const armijo = (f: number, at: Float64Array): boolean => {
      let slope = 0;
      for (let k = 0; k < 3; k++) slope += g[k]! * (at[k]! - x[k]!);
      return f <= fx + 1e-4 * slope;
    };
    let f: number;
    let accepted: boolean;
    if (creeping) {
      // Heading for a face: take the face itself when it is lower than the Newton point.
      f = negLogLikTheta(e2, scale, backcast, trial);
      const fj = negLogLikTheta(e2, scale, backcast, jump);
      if (fj < f) {
        trial.set(jump);
        f = fj;
      }
      accepted = armijo(f, trial);
      if (accepted) f = negLogLikDerivatives(e2, scale, backcast, trial, gNext, hNext);
    } else {
      // The full (capped) step with derivatives at once: it is accepted almost always.
      f = negLogLikDerivatives(e2, scale, backcast, trial, gNext, hNext);
      accepted = armijo(f, trial) || (mu === 0 && gain < NEWTON_TRUST && Number.isFinite(f));
    }
    if (!accepted) {
      // Backtrack along the projected path on the plain likelihood, then take derivatives at the accepted point.
      let t = cap;
      for (let ls = 0; ls < 40 && !accepted; ls++) {
        t *= 0.5;
        for (let k = 0; k < 3; k++) trial[k] = clampTheta(x[k]! + t * d[k]!);
        f = negLogLikTheta(e2, scale, backcast, trial);
        accepted = armijo(f, trial);
      }
      // No descent along a descent direction: −log L is flat to rounding here.
      if (!accepted) return done(mu === 0 && gain < NEWTON_TRUST);
      f = negLogLikDerivatives(e2, scale, backcast, trial, gNext, hNext);
    }
    [x, trial] = [trial, x];
    [g, gNext] = [gNext, g];
    [h, hNext] = [hNext, h];
    fx = f;
  }
  return done(false);
}

/**
 * The fallback: Nelder–Mead (fmin) from each start (coarse, tolerance 1e-4), then restarts of the best (including
 * `incumbent`) at 1e-10 until a restart stops paying. sigma: 1 — fmin 0.0.4 crashes on a shrink step; stopping there
 * and restarting from the best point with a fresh simplex is the classic remedy for a stalled simplex anyway.
 */
export function nelderMeadFit(
  objective: (theta: number[]) => number, starts: readonly number[][], incumbent: { x: number[]; fx: number } | undefined,
): { best: { x: number[]; fx: number } | undefined; converged: boolean } {
  const minimize = nelderMead();
  const run = (x0: readonly number[], tolerance: number, step: (typeof RESTART_STEPS)[number]): { x: number[]; fx: number } => {
    const r = minimize(objective, x0.slice(), { maxIterations: 1000, minErrorDelta: tolerance, sigma: 1, ...step });
    return { x: r.x.slice(), fx: r.fx };
  };
  let best = incumbent;
  for (const x0 of starts) {
    const r = run(x0, 1e-4, RESTART_STEPS[0]);
    if (best === undefined || r.fx < best.fx) best = r;
  }
  // A restart can stop at once when its fresh simplex straddles the optimum, so "no gain" only counts as converged
  // once a restart with a much smaller simplex agrees.
  let stale = 0;
  for (let k = 0; best !== undefined && k < MAX_RESTARTS; k++) {
    const r = run(best.x, 1e-10, RESTART_STEPS[stale] ?? RESTART_STEPS[0]);
    const gain = best.fx - r.fx;
    if (r.fx < best.fx) best = r;
    stale = gain > RESTART_TOLERANCE ? 0 : stale + 1;
    if (stale === RESTART_STEPS.length) return { best, converged: true };
  }
  return { best, converged: false };
}

/**
 * The best of Newton from every start and of the face run (Nelder–Mead polishing it when no run converged); −log L
 * at θ.
 */
export function fitVariance(
  e2: Float64Array, scale: number, backcast: number, starts: readonly number[][],
): { x: number[]; fx: number; converged: boolean } | undefined {
  let best: { x: number[]; fx: number } | undefined;
  let converged = false;
  for (const x0 of starts) {
    const r = newtonFit(e2, scale, backcast, x0, best);
    if (r.dropped || !Number.isFinite(r.fx)) continue;
    if (best === undefined || r.fx < best.fx) {
      best = r;
      converged = r.converged;
    }
  }
  if (best !== undefined) {
    // The α = 0 face (ALPHA_FACE_START): Newton over ω and α + β with α held at 0, dropped as soon as it cannot win.
    // Its maximum is a maximum of the whole problem when log L falls as α leaves 0 (∂(−log L)/∂θ_SHARE ≥ 0, the KKT
    // condition of α ≥ 0); otherwise a larger α pays, and Newton continues off the face from there.
    const face = newtonFit(e2, scale, backcast, ALPHA_FACE_START, best, SHARE);
    if (!face.dropped && face.fx < best.fx) {
      const off = face.gradient[SHARE]! >= 0 ? face : newtonFit(e2, scale, backcast, face.x);
      best = off.fx <= face.fx ? off : face;
      converged = off.fx <= face.fx && off.converged;
    }
  }
  if (!converged) ({ best, converged } = nelderMeadFit((theta) => negLogLikTheta(e2, scale, backcast, theta), starts, best));
  return best === undefined ? undefined : { ...best, converged };
}
