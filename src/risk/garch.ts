/**
 * GARCH(1,1) with normal errors, fitted by maximum likelihood. Units: returns are fractions per period, variances
 * fraction² per period.
 *
 *   ε_t = r_t − μ,   σ²_{t+1} = ω + α ε²_t + β σ²_t,   ω > 0, α ≥ 0, β ≥ 0, α + β < 1
 *   log L = −½ Σ_t [ln 2π + ln σ²_t + ε²_t / σ²_t]
 *
 * Mean: 'constant' (default) sets μ to the sample mean before fitting (two-step; the `arch` package's default
 * mean='Constant' estimates μ jointly, which moves it by a negligible amount for daily crypto returns); 'zero' sets
 * μ = 0, the RiskMetrics convention. Seed: σ²_1 = mean of ε² (the sample variance about μ, ddof = 0) — simple,
 * reproducible in any language, and it is what the variance would be with no GARCH dynamics (arch uses a backcast).
 *
 * Optimisation: Nelder–Mead (fmin) on an unconstrained θ that cannot leave the constraints:
 *   ω = s²·e^θ0 (s² the seed variance, so θ0 is O(1) whatever the data's scale),
 *   α + β = logistic(θ1),   α = (α + β)·logistic(θ2),   β = (α + β)·(1 − logistic(θ2)),
 * from four deterministic starting points; the best is restarted until a restart no longer improves the likelihood.
 */
import * as fminModule from 'fmin';
import type { FminApi, NelderMead } from 'fmin';
import { RiskInputError, requireFinite } from './errors.ts';
import { variance } from './volatility.ts';

/** The minimum sample for a GARCH fit: fewer returns cannot pin down three parameters. */
export const GARCH_MIN_OBSERVATIONS = 30;

/** How the conditional mean is treated: the sample mean ('constant') or 0 ('zero'). */
export type GarchMean = 'constant' | 'zero';

/** A fitted GARCH(1,1). Variances are fraction² per period. */
export interface GarchFit {
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
  /** μ subtracted from returns (0 for mean 'zero'), fraction per period. */
  readonly mean: number;
  /** Maximised log-likelihood (natural log, including the ln 2π terms). */
  readonly logLikelihood: number;
  /** α + β: how slowly a variance shock decays. */
  readonly persistence: number;
  /** Unconditional variance ω/(1 − α − β), fraction² per period. */
  readonly longRunVariance: number;
  /** σ²_1, the seed of the recursion (mean of ε²). */
  readonly seedVariance: number;
  /** σ²_t for each observation t, fraction² per period. */
  readonly conditionalVariance: number[];
  /** True when restarts from the optimum (5% and 0.1% simplices) improved −log L by less than 1e-9. */
  readonly converged: boolean;
}

/** Options of `fitGarch`. */
export interface GarchOptions {
  readonly mean?: GarchMean;
}

const LOG_2PI = Math.log(2 * Math.PI);
const STARTS: readonly (readonly [alpha: number, beta: number])[] = [[0.05, 0.9], [0.1, 0.8], [0.2, 0.6], [0.03, 0.96]];
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

/**
 * GARCH(1,1) log-likelihood (normal errors) of residuals ε for given parameters and seed σ²_1; writes σ²_t into
 * `variances` when given. Returns −Infinity if a variance is not positive.
 */
export function garchLogLikelihood(
  residuals: ArrayLike<number>, omega: number, alpha: number, beta: number, seedVariance: number, variances?: number[],
): number {
  let v = seedVariance;
  let sum = 0;
  for (let t = 0; t < residuals.length; t++) {
    if (!(v > 0)) return Number.NEGATIVE_INFINITY;
    const e = residuals[t] as number;
    const e2 = e * e;
    sum += Math.log(v) + e2 / v;
    if (variances !== undefined) variances[t] = v;
    v = omega + alpha * e2 + beta * v;
  }
  return -0.5 * (residuals.length * LOG_2PI + sum);
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

interface Params { omega: number; alpha: number; beta: number }

function fromTheta(theta: readonly number[], scale: number): Params {
  const p = logistic(theta[1] as number);
  const share = logistic(theta[2] as number);
  return { omega: scale * Math.exp(theta[0] as number), alpha: p * share, beta: p * (1 - share) };
}

function toTheta(alpha: number, beta: number): number[] {
  // Start on the variance-targeting line ω = s²(1 − α − β) so the start already matches the sample variance.
  const p = alpha + beta;
  return [Math.log(1 - p), logit(p), logit(alpha / p)];
}

/** Fits GARCH(1,1) by maximum likelihood to per-period returns (≥ 30, finite, not constant). */
export function fitGarch(returns: readonly number[], options: GarchOptions = {}): GarchFit {
  requireFinite(returns, GARCH_MIN_OBSERVATIONS, 'fitGarch');
  if (variance(returns) === 0) throw new RiskInputError('fitGarch: returns are constant, so there is no variance to model');
  const meanMode = options.mean ?? 'constant';
  const n = returns.length;
  let mu = 0;
  if (meanMode === 'constant') {
    for (let t = 0; t < n; t++) mu += returns[t] as number;
    mu /= n;
  }
  const residuals = new Float64Array(n);
  let seed = 0;
  for (let t = 0; t < n; t++) {
    const e = (returns[t] as number) - mu;
    residuals[t] = e;
    seed += e * e;
  }
  seed /= n;

  const objective = (theta: number[]): number => {
    const { omega, alpha, beta } = fromTheta(theta, seed);
    const ll = garchLogLikelihood(residuals, omega, alpha, beta, seed);
    return Number.isFinite(ll) ? -ll : Number.POSITIVE_INFINITY;
  };
  const minimize = nelderMead();

  // Stage 1: a coarse simplex run (tolerance 1e-4) from each start; stage 2: restart the best at 1e-10 until a
  // restart stops paying. Polishing only the winner keeps a fit of 1,095 daily returns near 800 likelihood
  // evaluations (~10–15 ms) while the starts still guard against a bad basin.
  // sigma: 1 — fmin 0.0.4 crashes on a shrink step; stopping there and restarting from the best point with a fresh
  // simplex is the classic remedy for a stalled simplex anyway.
  const run = (x0: readonly number[], tolerance: number, step: (typeof RESTART_STEPS)[number]): { x: number[]; fx: number } => {
    const r = minimize(objective, x0.slice(), { maxIterations: 1000, minErrorDelta: tolerance, sigma: 1, ...step });
    return { x: r.x.slice(), fx: r.fx };
  };
  let best: { x: number[]; fx: number } | undefined;
  for (const [a, b] of STARTS) {
    const r = run(toTheta(a, b), 1e-4, RESTART_STEPS[0]);
    if (best === undefined || r.fx < best.fx) best = r;
  }
  // A restart can stop at once when its fresh simplex straddles the optimum, so "no gain" only counts as converged
  // once a restart with a much smaller simplex agrees.
  let converged = false;
  let stale = 0;
  for (let k = 0; best !== undefined && k < MAX_RESTARTS; k++) {
    const r = run(best.x, 1e-10, RESTART_STEPS[stale] ?? RESTART_STEPS[0]);
    const gain = best.fx - r.fx;
    if (r.fx < best.fx) best = r;
    stale = gain > RESTART_TOLERANCE ? 0 : stale + 1;
    if (stale === RESTART_STEPS.length) {
      converged = true;
      break;
    }
  }
  if (best === undefined || !Number.isFinite(best.fx)) throw new RiskInputError('fitGarch: the likelihood could not be evaluated at any starting point');

  const { omega, alpha, beta } = fromTheta(best.x, seed);
  const conditionalVariance = new Array<number>(n);
  const logLikelihood = garchLogLikelihood(residuals, omega, alpha, beta, seed, conditionalVariance);
  const persistence = alpha + beta;
  return {
    omega, alpha, beta, mean: mu, logLikelihood, persistence,
    longRunVariance: omega / (1 - persistence),
    seedVariance: seed,
    conditionalVariance,
    converged,
  };
}

/** Variance forecasts from a fit, fraction² per period. */
export interface GarchForecast {
  /** σ²_{t+1}. */
  readonly oneStep: number;
  /** σ²_{t+h}. */
  readonly hStep: number;
  /** σ²_{t+1} … σ²_{t+h}. */
  readonly path: number[];
  /** Σ path: the variance of the h-period (summed) return, fraction² per h periods. */
  readonly cumulative: number;
}

/**
 * Forecasts from the last observation t: σ²_{t+1} = ω + α(r_t − μ)² + βσ²_t, then
 * σ²_{t+k} = V_L + (α+β)^{k−1}(σ²_{t+1} − V_L). `lastReturn` is the raw return r_t (μ = fit.mean is subtracted here),
 * `lastVariance` is σ²_t (e.g. the last of fit.conditionalVariance); h ≥ 1 whole periods.
 */
export function garchForecast(
  fit: Pick<GarchFit, 'omega' | 'alpha' | 'beta' | 'mean'>, lastReturn: number, lastVariance: number, h: number,
): GarchForecast {
  requireFinite([lastReturn], 1, 'garchForecast lastReturn');
  if (!(lastVariance >= 0) || !Number.isFinite(lastVariance)) {
    throw new RiskInputError(`garchForecast: lastVariance is ${lastVariance}, expected a finite number ≥ 0`);
  }
  if (!Number.isInteger(h) || h < 1) throw new RiskInputError(`garchForecast: h is ${h}, expected a whole number ≥ 1`);
  const { omega, alpha, beta } = fit;
  const persistence = alpha + beta;
  if (!(omega > 0 && alpha >= 0 && beta >= 0 && persistence < 1)) {
    throw new RiskInputError(`garchForecast: parameters ω=${omega}, α=${alpha}, β=${beta} are not a stationary GARCH(1,1)`);
  }
  const longRun = omega / (1 - persistence);
  const e = lastReturn - fit.mean;
  const oneStep = omega + alpha * e * e + beta * lastVariance;
  const path = new Array<number>(h);
  let decay = 1;
  let cumulative = 0;
  for (let k = 0; k < h; k++) {
    const v = longRun + decay * (oneStep - longRun);
    path[k] = v;
    cumulative += v;
    decay *= persistence;
  }
  return { oneStep, hStep: path[h - 1] as number, path, cumulative };
}
