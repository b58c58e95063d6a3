/**
 * Seeded market simulator calibrated on real statistics (calibration.ts). Each step draws from a t-copula (Cholesky of
 * the Kendall-implied correlation, one shared χ² so that crashes arrive together), maps each coordinate to a
 * unit-variance Student-t with the asset's fitted tail index, and applies it as a zero-drift log return with the
 * asset's recent daily vol (windowDailyVol, measured over the correlation window) scaled by √(dt/1 day). USDC follows
 * the fitted AR(1) around $1. Fat tails are per step: many small steps aggregate towards normal, so the default step
 * is one simulated hour.
 */
import chisquare from '@stdlib/random-base-chisquare';
import normal from '@stdlib/random-base-normal';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import {
  ASSET_STATS, CALIBRATION_ASSETS, COPULA_CORRELATION, COPULA_DOF, USDC_MEAN_REVERSION, type CalibratedAsset,
} from './calibration.ts';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export type PaperAsset = CalibratedAsset;
export const PAPER_ASSETS: readonly PaperAsset[] = CALIBRATION_ASSETS;

export interface SimulatorOptions {
  readonly seed: number;
  /** Starting prices, USD; defaults to the last real close of each asset. */
  readonly startPrices?: Partial<Record<PaperAsset, number>>;
  /** Multiplies every volatility (stress demos); default 1. */
  readonly volScale?: number;
  /** Largest single step; longer advances are split. Default 1 hour. */
  readonly maxStepMs?: number;
}

/** The lowest uniform the copula passes to the t quantile: keeps draws finite. */
const U_EPS = 1e-12;

export class MarketSimulator {
  private readonly rng: () => number;
  private readonly chi2: () => number;
  private readonly chol: number[][];
  private readonly volScale: number;
  private readonly maxStepMs: number;
  private readonly logPrices: number[];
  readonly seed: number;

  constructor(opts: SimulatorOptions) {
    this.seed = opts.seed;
    this.rng = normal.factory(0, 1, { seed: opts.seed >>> 0 });
    this.chi2 = chisquare.factory(COPULA_DOF, { seed: (opts.seed ^ 0x9e3779b9) >>> 0 });
    const decomposition = new CholeskyDecomposition(new Matrix(COPULA_CORRELATION.map((row) => [...row])));
    if (!decomposition.isPositiveDefinite()) throw new Error('calibrated correlation matrix is not positive definite');
    this.chol = decomposition.lowerTriangularMatrix.to2DArray();
    this.volScale = opts.volScale ?? 1;
    this.maxStepMs = opts.maxStepMs ?? HOUR_MS;
    this.logPrices = PAPER_ASSETS.map((a) => Math.log(opts.startPrices?.[a] ?? ASSET_STATS[a].lastClose));
  }

  /** Moves the market to given prices at once (scripted paths, replays); the random walk continues from there. */
  jumpTo(prices: Partial<Record<PaperAsset, number>>): void {
    PAPER_ASSETS.forEach((a, i) => {
      const p = prices[a];
      if (p === undefined) return;
      if (!(p > 0) || !Number.isFinite(p)) throw new RangeError(`bad price for ${a}: ${p}`);
      this.logPrices[i] = Math.log(p);
    });
  }

  /** Current prices, USD. */
  prices(): Record<PaperAsset, number> {
    const out = {} as Record<PaperAsset, number>;
    PAPER_ASSETS.forEach((a, i) => { out[a] = Math.exp(this.logPrices[i] ?? 0); });
    return out;
  }

  /** Advances the market by `dtMs` of simulated time (split into steps of at most maxStepMs). */
  advance(dtMs: number): void {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`dtMs must be ≥ 0, got ${dtMs}`);
    let left = dtMs;
    while (left > 0) {
      const dt = Math.min(left, this.maxStepMs);
      this.step(dt);
      left -= dt;
    }
  }

  /** Draws one vector of correlated, unit-variance, fat-tailed shocks in PAPER_ASSETS order. */
  shocks(): number[] {
    const n = PAPER_ASSETS.length;
    const iid = Array.from({ length: n }, () => this.rng());
    // One χ² per step for all assets: the t-copula's joint tail (a market-wide shock scales every coordinate).
    const mix = Math.sqrt(this.chi2() / COPULA_DOF);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = this.chol[i] ?? [];
      let z = 0;
      for (let j = 0; j <= i; j++) z += (row[j] ?? 0) * (iid[j] ?? 0);
      const nu = ASSET_STATS[PAPER_ASSETS[i] as PaperAsset].tailDof;
      const u = Math.min(1 - U_EPS, Math.max(U_EPS, tCdf(z / mix, COPULA_DOF)));
      out.push(tQuantile(u, nu) * Math.sqrt((nu - 2) / nu));
    }
    return out;
  }

  private step(dtMs: number): void {
    const days = dtMs / DAY_MS;
    const e = this.shocks();
    PAPER_ASSETS.forEach((asset, i) => {
      const shock = e[i] ?? 0;
      const lp = this.logPrices[i] ?? 0;
      if (asset === 'USDC') {
        const phi = Math.pow(USDC_MEAN_REVERSION.phiPerDay, days);
        const sigma = USDC_MEAN_REVERSION.sigmaPerDay * Math.sqrt(days) * this.volScale;
        this.logPrices[i] = phi * lp + sigma * shock;
        return;
      }
      const sigma = ASSET_STATS[asset].windowDailyVol * Math.sqrt(days) * this.volScale;
      // −σ²/2 keeps the expected price flat (a martingale), so the demo has no built-in trend.
      this.logPrices[i] = lp + sigma * shock - (sigma * sigma) / 2;
    });
  }
}
