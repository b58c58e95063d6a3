/**
 * Euler risk decomposition of a portfolio: how much of its volatility, VaR or ES each position carries.
 *
 * Exposures `w` are signed USD (a short is negative) and `cov` is the covariance of the positions' returns per
 * period (e.g. daily), so σ = √(wᵀΣw) is USD per period. σ, zσ (normal VaR) and ES are homogeneous of degree 1 in w,
 * so Euler's theorem splits them exactly: component_i = w_i · ∂risk/∂w_i, and the components sum to the total.
 * Parametric VaR here is zero-mean (the risk-desk convention of var.ts). A component can be negative: a hedge.
 */
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { requireCovariance } from './covariance.ts';
import type { SquareMatrix } from './covariance.ts';
import { RiskInputError } from './errors.ts';
import { quantileSorted, requireConfidence, tailProbability } from './var.ts';

/** A risk measure split by position. */
export interface RiskDecomposition {
  /** The portfolio figure, USD per period (σ, VaR or ES: positive = loss). */
  readonly total: number;
  /** ∂total/∂w_i: extra risk per extra USD of exposure i (unitless, USD per USD). */
  readonly marginal: number[];
  /** w_i × marginal_i, USD; sums to `total`. */
  readonly component: number[];
  /** component / total (fractions), sums to 1; all 0 when total is 0. */
  readonly percent: number[];
}

/** Portfolio volatility √(wᵀΣw), USD per period, for USD exposures `w` and per-period return covariance `cov`. */
export function portfolioVolatility(w: readonly number[], cov: SquareMatrix): number {
  requireExposures(w, cov, 'portfolioVolatility');
  const sw = times(cov, w);
  return Math.sqrt(Math.max(0, dot(w, sw)));
}

/**
 * Euler decomposition of portfolio volatility σ = √(wᵀΣw) (USD per period): marginal_i = (Σw)_i/σ,
 * component_i = w_i(Σw)_i/σ, percent_i = w_i(Σw)_i/(wᵀΣw). A zero-risk portfolio gives zeros everywhere.
 */
export function volatilityContributions(w: readonly number[], cov: SquareMatrix): RiskDecomposition {
  requireExposures(w, cov, 'volatilityContributions');
  return scaled(w, times(cov, w), 1);
}

/**
 * Parametric (normal, zero-mean) VaR decomposition at `confidence` (e.g. 0.95), USD per period of `cov`:
 * VaR = zσ with z = Φ⁻¹(confidence); marginal VaR_i = z(Σw)_i/σ; component VaR_i = w_i × marginal_i (sums to VaR).
 */
export function parametricVaRContributions(w: readonly number[], cov: SquareMatrix, confidence = 0.95): RiskDecomposition {
  requireConfidence(confidence, 'parametricVaRContributions');
  requireExposures(w, cov, 'parametricVaRContributions');
  return scaled(w, times(cov, w), normalQuantile(confidence, 0, 1));
}

/** Simulation-based decomposition of VaR and ES from per-position PnL scenarios. */
export interface SimulatedContributions {
  /** Portfolio VaR, USD: −quantile(portfolio PnL, 1 − c), numpy 'linear' interpolation (as var.ts). */
  readonly var: number;
  /** Portfolio ES, USD: −mean portfolio PnL over the tail scenarios (as es.ts). */
  readonly es: number;
  /** Component ES_i = −mean of position i's PnL over the tail scenarios, USD; sums to `es`. */
  readonly esComponent: number[];
  /** esComponent / es (fractions), sums to 1 (zeros when es is 0). */
  readonly esPercent: number[];
  /**
   * Component VaR_i = −position i's PnL at the cutoff, interpolated between the two order statistics exactly as the
   * portfolio quantile is; sums to `var`. It rests on one or two scenarios, so it is noisy: prefer esComponent.
   */
  readonly varComponent: number[];
  /** Scenario indices (rows of `pnl`) in the tail: portfolio PnL at or below the VaR cutoff, worst first. */
  readonly tail: number[];
}

/**
 * Component ES and VaR from a scenarios × positions matrix of simulated or historical PnL (USD, gains positive):
 * portfolio PnL is each row's sum; the tail is every scenario at or below the portfolio's (1 − c) quantile; a
 * position's ES contribution is −its mean PnL over the tail, so the contributions sum exactly to the portfolio ES.
 */
export function simulatedContributions(pnl: readonly (readonly number[])[], confidence = 0.95): SimulatedContributions {
  requireConfidence(confidence, 'simulatedContributions');
  const scenarios = pnl.length;
  if (scenarios < 2) throw new RiskInputError(`simulatedContributions: need at least 2 scenarios, got ${scenarios}`);
  const positions = pnl[0]!.length;
  if (positions === 0) throw new RiskInputError('simulatedContributions: scenarios have no positions');
  const total = new Float64Array(scenarios);
  for (let s = 0; s < scenarios; s++) {
    const row = pnl[s]!;
    if (row.length !== positions) {
      throw new RiskInputError(`simulatedContributions: scenario ${s} has ${row.length} positions, scenario 0 has ${positions}`);
    }
    let sum = 0;
    for (let i = 0; i < positions; i++) {
      const v = row[i]!;
      if (!Number.isFinite(v)) throw new RiskInputError(`simulatedContributions: pnl[${s}][${i}] is ${String(v)}, expected a finite number`);
      sum += v;
    }
    total[s] = sum;
  }
  // Stable argsort: ties keep scenario order, so the result does not depend on the sort implementation.
  const order = Array.from({ length: scenarios }, (_, s) => s).sort((a, b) => total[a]! - total[b]! || a - b);
  const sorted = Float64Array.from(order, (s) => total[s]!);
  const p = tailProbability(confidence);
  const cutoff = quantileSorted(sorted, p);

  const tail: number[] = [];
  const esSum = new Float64Array(positions);
  for (let k = 0; k < scenarios && sorted[k]! <= cutoff; k++) {
    const s = order[k]!;
    tail.push(s);
    const row = pnl[s]!;
    for (let i = 0; i < positions; i++) esSum[i] = esSum[i]! + row[i]!;
  }
  const esComponent = Array.from(esSum, (v) => -v / tail.length);
  let es = 0;
  for (const s of tail) es -= total[s]!;
  es /= tail.length;

  // The same interpolation quantileSorted applies to the portfolio, applied to each position (linear, so it sums).
  const h = (scenarios - 1) * p;
  const lo = Math.min(Math.floor(h), scenarios - 1);
  const hi = Math.min(lo + 1, scenarios - 1);
  const g = h - lo;
  const rowLo = pnl[order[lo]!]!;
  const rowHi = pnl[order[hi]!]!;
  const varComponent = new Array<number>(positions);
  for (let i = 0; i < positions; i++) {
    const a = rowLo[i]!;
    const b = rowHi[i]!;
    varComponent[i] = -(g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g);
  }
  return {
    var: -cutoff,
    es,
    esComponent,
    esPercent: esComponent.map((c) => (es === 0 ? 0 : c / es)),
    varComponent,
    tail,
  };
}

function requireExposures(w: readonly number[], cov: SquareMatrix, what: string): void {
  if (w.length === 0) throw new RiskInputError(`${what}: no exposures`);
  w.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new RiskInputError(`${what}: exposure ${i} is ${String(x)}, expected a finite USD amount`);
  });
  requireCovariance(cov, what, w.length);
}

/** Σw. */
function times(cov: SquareMatrix, w: readonly number[]): number[] {
  const n = w.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = cov[i]!;
    let s = 0;
    for (let j = 0; j < n; j++) s += row[j]! * w[j]!;
    out[i] = s;
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euler split of k·σ given Σw. */
function scaled(w: readonly number[], sw: readonly number[], k: number): RiskDecomposition {
  const variance = Math.max(0, dot(w, sw));
  const sigma = Math.sqrt(variance);
  const n = w.length;
  if (sigma === 0) {
    const zeros = (): number[] => new Array<number>(n).fill(0);
    return { total: 0, marginal: zeros(), component: zeros(), percent: zeros() };
  }
  const marginal = sw.map((x) => (k * x) / sigma);
  const component = marginal.map((m, i) => w[i]! * m);
  const percent = sw.map((x, i) => (w[i]! * x) / variance);
  return { total: k * sigma, marginal, component, percent };
}
