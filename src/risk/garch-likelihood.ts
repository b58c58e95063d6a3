/**
 * −log L of GARCH(1,1) with normal errors and its exact derivatives, for the optimiser (garch-optimizer.ts) and
 * fitGarch (garch.ts). Units: ε and r are fractions per period, variances fraction² per period.
 *
 * Variance parameters live on an unconstrained θ that cannot leave the constraints:
 *   ω = s²·e^θ0 (s² a fixed scale, the sample variance, so θ0 is O(1) whatever the data's scale),
 *   α + β = logistic(θ1),   α = (α + β)·logistic(θ2),   β = (α + β)·(1 − logistic(θ2)).
 * The recursion starts from arch's backcast b (a constant here): σ²_1 = ω + (α + β)·b, i.e. the update applied once
 * to a pre-sample ε² = σ² = b; so ∂σ²_1/∂(ω, α, β) = (1, b, b).
 */

/** ln 2π, the constant of the normal log-density. */
export const LOG_2PI = Math.log(2 * Math.PI);

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** GARCH variance parameters (ω fraction² per period; α, β dimensionless). */
export interface Params { omega: number; alpha: number; beta: number }

/** (ω, α, β) of an unconstrained θ; `scale` (fraction² per period) sets ω's unit. */
export function fromTheta(theta: readonly number[], scale: number): Params {
  const p = logistic(theta[1] as number);
  const share = logistic(theta[2] as number);
  return { omega: scale * Math.exp(theta[0] as number), alpha: p * share, beta: p * (1 - share) };
}

/** θ of a start (α, β) on the variance-targeting line ω = s²(1 − α − β), so it already matches the sample variance. */
export function toTheta(alpha: number, beta: number): number[] {
  const p = alpha + beta;
  return [Math.log(1 - p), logit(p), logit(alpha / p)];
}

/**
 * −log L without allocation: e2 holds ε²_t, s² = `scale`. Infinity if a variance is not positive. Σ ln σ²_t is n·ln s² plus
 * the logs of products of σ²_t/s² over blocks of 16 (four interleaved products, so no log in the inner loop): σ²_t/s²
 * is O(1), so a block cannot overflow; a block that does under- or overflow (a degenerate θ) is recomputed term by term.
 * Agrees with garchLogLikelihood to ~1e-13.
 */
function negLogLik(e2: Float64Array, omega: number, alpha: number, beta: number, scale: number, backcast: number): number {
  const n = e2.length;
  const inv = 1 / scale;
  // σ²_1 = ω + (α + β)·backcast: arch's start, the recursion applied once to a pre-sample ε² = σ² = backcast.
  let v = omega + (alpha + beta) * backcast;
  let logs = 0;
  let ratio = 0;
  let t = 0;
  for (; t + 16 <= n; t += 16) {
    const v0 = v;
    let p0 = 1, p1 = 1, p2 = 1, p3 = 1;
    for (let k = t; k < t + 16; k += 4) {
      let x = e2[k]!;
      p0 *= v * inv;
      ratio += x / v;
      v = omega + alpha * x + beta * v;
      x = e2[k + 1]!;
      p1 *= v * inv;
      ratio += x / v;
      v = omega + alpha * x + beta * v;
      x = e2[k + 2]!;
      p2 *= v * inv;
      ratio += x / v;
      v = omega + alpha * x + beta * v;
      x = e2[k + 3]!;
      p3 *= v * inv;
      ratio += x / v;
      v = omega + alpha * x + beta * v;
    }
    const prod = (p0 * p1) * (p2 * p3);
    if (prod > 1e-290 && prod < 1e290) {
      logs += Math.log(prod);
    } else {
      // Degenerate block (or a non-positive variance): redo it term by term.
      let w = v0;
      for (let k = t; k < t + 16; k++) {
        if (!(w > 0)) return Number.POSITIVE_INFINITY;
        logs += Math.log(w * inv);
        w = omega + alpha * e2[k]! + beta * w;
      }
    }
  }
  for (; t < n; t++) {
    if (!(v > 0)) return Number.POSITIVE_INFINITY;
    const x = e2[t]!;
    logs += Math.log(v * inv);
    ratio += x / v;
    v = omega + alpha * x + beta * v;
  }
  return 0.5 * (n * (LOG_2PI + Math.log(scale)) + logs + ratio);
}

/** Σ ln(σ²_t/s²) term by term (the slow, safe path). */
function sumOfLogs(e2: Float64Array, omega: number, alpha: number, beta: number, scale: number, backcast: number): number {
  let v = omega + (alpha + beta) * backcast;
  let logs = 0;
  for (let t = 0; t < e2.length; t++) {
    logs += Math.log(v / scale);
    v = omega + alpha * e2[t]! + beta * v;
  }
  return logs;
}

/** −log L at θ (Infinity where it cannot be evaluated). */
export function negLogLikTheta(e2: Float64Array, scale: number, backcast: number, theta: ArrayLike<number>): number {
  const p = logistic(theta[1]!);
  const share = logistic(theta[2]!);
  const f = negLogLik(e2, scale * Math.exp(theta[0]!), p * share, p * (1 - share), scale, backcast);
  return Number.isFinite(f) ? f : Number.POSITIVE_INFINITY;
}

/**
 * −log L at θ with its gradient `g` (3) and Hessian `h` (3×3 row-major) in θ, from one pass over ε². In (ω, α, β) with
 * σ²_1 = ω + (α + β)·backcast (so ∂σ²_1 = (1, backcast, backcast), second derivatives 0): ∂σ²_{t+1}/∂ω = 1 + β∂σ²_t/∂ω, ∂/∂α = ε²_t + β∂σ²_t/∂α, ∂/∂β = σ²_t + β∂σ²_t/∂β, the only non-zero
 * second derivatives being ∂²/∂ω∂β = ∂σ²_t/∂ω + β·(…), ∂²/∂α∂β = ∂σ²_t/∂α + β·(…), ∂²/∂β² = 2∂σ²_t/∂β + β·(…);
 * per observation ∂f/∂σ² = ½(1/σ² − ε²/σ⁴) and ∂²f/∂σ²² = ½(2ε²/σ⁶ − 1/σ⁴).
 */
export function negLogLikDerivatives(
  e2: Float64Array, scale: number, backcast: number, theta: ArrayLike<number>, g: Float64Array, h: Float64Array,
): number {
  const p = logistic(theta[1]!);
  const q = logistic(theta[2]!);
  const omega = scale * Math.exp(theta[0]!);
  const alpha = p * q;
  const beta = p * (1 - q);
  const n = e2.length;
  const inv = 1 / scale;
  let v = omega + (alpha + beta) * backcast;
  let dw = 1, da = backcast, db = backcast, dwb = 0, dab = 0, dbb = 0;
  let ratio = 0;
  let logs = 0;
  let prod = 1;
  let gw = 0, ga = 0, gb = 0;
  let hww = 0, hwa = 0, hwb = 0, haa = 0, hab = 0, hbb = 0;
  for (let t = 0; t < n; t++) {
    if (!(v > 0)) return Number.POSITIVE_INFINITY;
    const x = e2[t]!;
    const iv = 1 / v;
    const r = x * iv;
    ratio += r;
    // Σ ln σ²_t as logs of products of σ²_t/s² (O(1) each) over 16 observations, as in negLogLik.
    prod *= v * inv;
    if ((t & 15) === 15) {
      logs += Math.log(prod);
      prod = 1;
    }
    const f1 = 0.5 * iv * (1 - r);
    const f2 = 0.5 * iv * iv * (2 * r - 1);
    gw += f1 * dw;
    ga += f1 * da;
    gb += f1 * db;
    const sw = f2 * dw;
    const sa = f2 * da;
    hww += sw * dw;
    hwa += sw * da;
    hwb += sw * db + f1 * dwb;
    haa += sa * da;
    hab += sa * db + f1 * dab;
    hbb += f2 * db * db + f1 * dbb;
    dwb = dw + beta * dwb;
    dab = da + beta * dab;
    dbb = 2 * db + beta * dbb;
    dw = 1 + beta * dw;
    da = x + beta * da;
    db = v + beta * db;
    v = omega + alpha * x + beta * v;
  }
  logs += Math.log(prod);
  // A product of 16 ratios under- or overflows only at a degenerate θ: fall back to the exact sum there.
  const sum = Number.isFinite(logs) ? logs + ratio : sumOfLogs(e2, omega, alpha, beta, scale, backcast) + ratio;
  // Chain rule to θ: J = ∂(ω, α, β)/∂θ is [[ω, 0, 0], [0, p′q, pq′], [0, p′(1−q), −pq′]].
  const p1 = p * (1 - p);
  const p2 = p1 * (1 - 2 * p);
  const q1 = q * (1 - q);
  const q2 = q1 * (1 - 2 * q);
  const a1 = p1 * q, a2 = p * q1, b1 = p1 * (1 - q), b2 = -p * q1;
  g[0] = omega * gw;
  g[1] = a1 * ga + b1 * gb;
  g[2] = a2 * ga + b2 * gb;
  // Jᵀ H J, plus Σ_k (∂f/∂φ_k)·∇²_θ φ_k.
  h[0] = omega * omega * hww + omega * gw;
  h[1] = h[3] = omega * (a1 * hwa + b1 * hwb);
  h[2] = h[6] = omega * (a2 * hwa + b2 * hwb);
  h[4] = a1 * a1 * haa + 2 * a1 * b1 * hab + b1 * b1 * hbb + ga * p2 * q + gb * p2 * (1 - q);
  h[5] = h[7] = a1 * a2 * haa + (a1 * b2 + a2 * b1) * hab + b1 * b2 * hbb + (ga - gb) * p1 * q1;
  h[8] = a2 * a2 * haa + 2 * a2 * b2 * hab + b2 * b2 * hbb + (ga - gb) * p * q2;
  const f = 0.5 * (n * (LOG_2PI + Math.log(scale)) + sum);
  return Number.isFinite(f) ? f : Number.POSITIVE_INFINITY;
}

/** Solves (H + μI)d = −g by Cholesky (3×3); false when H + μI is not positive definite. */
/**
 * First and second derivative of −log L in the mean μ at fixed (ω, α, β) and backcast b, one pass over ε = r − μ.
 * With x_t = ε²_t (∂x = −2ε, ∂²x = 2) and f_t = ½(ln σ²_t + x_t/σ²_t):
 *   ∂f = ½(σ′/σ² + x′/σ² − xσ′/σ⁴),  ∂²f = ½(σ″/σ² − σ′²/σ⁴ + x″/σ² − 2x′σ′/σ⁴ − xσ″/σ⁴ + 2xσ′²/σ⁶),
 *   σ′_{t+1} = αx′_t + βσ′_t,  σ″_{t+1} = αx″_t + βσ″_t,  σ′_1 = σ″_1 = 0 (b is held fixed, as arch does).
 */
export function meanDerivatives(eps: Float64Array, backcast: number, p: Params): { g: number; h: number } {
  const { omega, alpha, beta } = p;
  let v = omega + (alpha + beta) * backcast;
  let d1 = 0;
  let d2 = 0;
  let g = 0;
  let h = 0;
  for (let t = 0; t < eps.length; t++) {
    const e = eps[t]!;
    const x = e * e;
    const x1 = -2 * e;
    const iv = 1 / v;
    const iv2 = iv * iv;
    g += d1 * iv + x1 * iv - x * d1 * iv2;
    h += d2 * iv - d1 * d1 * iv2 + 2 * iv - 2 * x1 * d1 * iv2 - x * d2 * iv2 + 2 * x * d1 * d1 * iv2 * iv;
    d1 = alpha * x1 + beta * d1;
    d2 = 2 * alpha + beta * d2;
    v = omega + alpha * x + beta * v;
  }
  return { g: 0.5 * g, h: 0.5 * h };
}

/** −log L at (ω, α, β) for residuals squared `e2` and backcast b (Infinity where it cannot be evaluated). */
export function negLogLikParams(e2: Float64Array, scale: number, backcast: number, p: Params): number {
  const f = negLogLik(e2, p.omega, p.alpha, p.beta, scale, backcast);
  return Number.isFinite(f) ? f : Number.POSITIVE_INFINITY;
}
