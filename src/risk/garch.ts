/**
 * GARCH(1,1) with normal errors, fitted by maximum likelihood exactly as the `arch` package (arch_model, mean
 * 'Constant', vol 'GARCH', dist 'normal') defines it. Units: returns are fractions per period, variances fraction² per
 * period.
 *
 *   ε_t = r_t − μ,   σ²_1 = ω + (α + β)·b,   σ²_{t+1} = ω + α ε²_t + β σ²_t,   ω > 0, α ≥ 0, β ≥ 0, α + β < 1
 *   b = Σ_{i<τ} w_i ε²_i,  w_i ∝ 0.94^i,  τ = min(75, n)   (arch's backcast: a pre-sample ε² and σ²)
 *   log L = −½ Σ_t [ln 2π + ln σ²_t + ε²_t / σ²_t]
 *
 * The backcast b is computed once, from the residuals about the sample mean (arch's starting values), and held fixed
 * while μ is estimated — exactly what arch's fit() does. (arch also clips σ²_t to [~1e-6, ~1e6] × an EWMA of ε²; that
 * never binds at an optimum, so it is left out.)
 *
 * Mean: 'constant' (default) estimates μ jointly with ω, α, β, as arch does; 'zero' sets μ = 0, the RiskMetrics
 * convention (arch's mean 'Zero'). The variance parameters are fitted by projected Newton from several starts and
 * once more on the α = 0 face, where flat likelihoods often have their maximum (garch-optimizer.ts, on the likelihood
 * of garch-likelihood.ts); μ by Newton steps on the exact ∂/∂μ of −log L, alternating with a warm Newton refit of
 * (ω, α, β) until the gain μ's next step predicts is below 1e-10. Mean and variance parameters are nearly orthogonal
 * (the information matrix is block-diagonal for symmetric errors), so this takes 1–3 rounds and costs about as much as
 * the fixed-μ fit did (report benchmark: 1.00–1.11× before).
 */
import { backcast as garchBackcast } from './backcast.ts';
import { RiskInputError, requireFinite } from './errors.ts';
import { LOG_2PI, fromTheta, meanDerivatives, negLogLikParams, negLogLikTheta, toTheta } from './garch-likelihood.ts';
import { STARTS, fitVariance, nelderMeadFit, newtonFit } from './garch-optimizer.ts';
import { variance } from './volatility.ts';

export { garchBackcast };

/** The minimum sample for a GARCH fit: fewer returns cannot pin down three parameters. */
export const GARCH_MIN_OBSERVATIONS = 30;

/** How the conditional mean is treated: estimated jointly ('constant') or 0 ('zero'). */
export type GarchMean = 'constant' | 'zero';

/** A fitted GARCH(1,1). Variances are fraction² per period. */
export interface GarchFit {
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
  /** μ, the maximum-likelihood constant mean (0 for mean 'zero'), fraction per period. */
  readonly mean: number;
  /** Maximised log-likelihood (natural log, including the ln 2π terms), as arch reports it. */
  readonly logLikelihood: number;
  /** α + β: how slowly a variance shock decays. */
  readonly persistence: number;
  /** Unconditional variance ω/(1 − α − β), fraction² per period. */
  readonly longRunVariance: number;
  /** arch's backcast b of the residuals about the sample mean (fraction² per period); σ²_1 = ω + (α + β)·b. */
  readonly backcast: number;
  /** σ²_t for each observation t, fraction² per period. */
  readonly conditionalVariance: number[];
  /** True when Newton's method met its stopping rule (predicted gain in log L < 1e-12; < 1e-10 for μ's step), or, in
   * the Nelder–Mead fallback, when restarts from the optimum (5% and 0.1% simplices) improved −log L by less than 1e-9. */
  readonly converged: boolean;
}

/** Options of `fitGarch`. */
export interface GarchOptions {
  readonly mean?: GarchMean;
}

/**
 * GARCH(1,1) log-likelihood (normal errors) of residuals ε for given parameters, the recursion started at
 * σ²_1 = ω + (α + β)·backcast (arch's convention); writes σ²_t into `variances` when given. −Infinity if a variance
 * is not positive.
 */
export function garchLogLikelihood(
  residuals: ArrayLike<number>, omega: number, alpha: number, beta: number, backcast: number, variances?: number[],
): number {
  let v = omega + (alpha + beta) * backcast;
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

/** Stop the μ iteration when its Newton step predicts a gain in log L below this. */
const MEAN_TOLERANCE = 1e-10;
const MEAN_MAX_ROUNDS = 20;

/** Fits GARCH(1,1) by maximum likelihood to per-period returns (≥ 30, finite, not constant), as arch does. */
export function fitGarch(returns: readonly number[], options: GarchOptions = {}): GarchFit {
  requireFinite(returns, GARCH_MIN_OBSERVATIONS, 'fitGarch');
  if (variance(returns) === 0) throw new RiskInputError('fitGarch: returns are constant, so there is no variance to model');
  const estimateMean = (options.mean ?? 'constant') === 'constant';
  const n = returns.length;
  let sampleMean = 0;
  for (let t = 0; t < n; t++) sampleMean += returns[t] as number;
  sampleMean /= n;
  // ω's unit: the sample variance (ddof = 0), fixed for the whole fit so θ keeps its meaning while μ moves.
  let scale = 0;
  for (let t = 0; t < n; t++) scale += ((returns[t] as number) - sampleMean) ** 2;
  scale /= n;
  const eps = new Float64Array(n);
  const e2 = new Float64Array(n);
  /** Fills ε = r − μ and ε² for `mu` into the given arrays. */
  const residualsAt = (mu: number, e: Float64Array, sq: Float64Array): void => {
    for (let t = 0; t < n; t++) {
      const x = (returns[t] as number) - mu;
      e[t] = x;
      sq[t] = x * x;
    }
  };

  let mu = estimateMean ? sampleMean : 0;
  residualsAt(mu, eps, e2);
  const backcast = garchBackcast(eps);
  const fitted = fitVariance(e2, scale, backcast, STARTS.map(([a, b]) => toTheta(a, b)));
  if (fitted === undefined || !Number.isFinite(fitted.fx)) {
    throw new RiskInputError('fitGarch: the likelihood could not be evaluated at any starting point');
  }
  let { x, fx, converged } = fitted;

  if (estimateMean) {
    // Alternate a Newton step in μ (θ fixed, backtracking on −log L) with a warm Newton refit of θ (μ fixed).
    const epsTrial = new Float64Array(n);
    const e2Trial = new Float64Array(n);
    let meanDone = false;
    for (let round = 0; round < MEAN_MAX_ROUNDS && !meanDone; round++) {
      const params = fromTheta(x, scale);
      const { g, h } = meanDerivatives(eps, backcast, params);
      // Away from a maximum in μ (h ≤ 0), step along the gradient with the i.i.d. curvature n/s² instead.
      const step = -g / (h > 0 ? h : n / scale);
      if (!Number.isFinite(step) || 0.5 * Math.abs(g * step) < MEAN_TOLERANCE) {
        meanDone = true;
        break;
      }
      let t = 1;
      let accepted = false;
      let fTrial = fx;
      for (let ls = 0; ls < 40; ls++) {
        residualsAt(mu + t * step, epsTrial, e2Trial);
        fTrial = negLogLikParams(e2Trial, scale, backcast, params);
        if (fTrial < fx) {
          accepted = true;
          break;
        }
        t *= 0.5;
      }
      // No descent along μ's Newton direction: −log L is flat in μ to rounding.
      if (!accepted) {
        meanDone = true;
        break;
      }
      mu += t * step;
      eps.set(epsTrial);
      e2.set(e2Trial);
      const refit = newtonFit(e2, scale, backcast, x);
      if (Number.isFinite(refit.fx) && refit.fx <= fTrial) {
        ({ x, fx, converged } = refit);
        if (!converged) ({ x, fx, converged } = polish(e2, scale, backcast, { x, fx }));
      } else {
        fx = fTrial;
      }
    }
    converged &&= meanDone;
  }

  const { omega, alpha, beta } = fromTheta(x, scale);
  const conditionalVariance = new Array<number>(n);
  const logLikelihood = garchLogLikelihood(eps, omega, alpha, beta, backcast, conditionalVariance);
  const persistence = alpha + beta;
  return {
    omega, alpha, beta, mean: mu, logLikelihood, persistence,
    longRunVariance: omega / (1 - persistence),
    backcast,
    conditionalVariance,
    converged,
  };
}

/** Nelder–Mead from a Newton point that did not converge (a boundary optimum), as fitVariance's fallback. */
function polish(e2: Float64Array, scale: number, backcast: number, at: { x: number[]; fx: number }): { x: number[]; fx: number; converged: boolean } {
  const r = nelderMeadFit((theta) => negLogLikTheta(e2, scale, backcast, theta), [at.x], at);
  return r.best === undefined ? { ...at, converged: false } : { ...r.best, converged: r.converged };
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
