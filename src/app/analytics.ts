/** Optimisers, position sizing and signals (seed 000/003) on the assets Vigil has history for. */
import type { Clock, PriceHistory } from '../ports/index.ts';
import { covarianceMatrix } from '../risk/covariance.ts';
import {
  efficientReturn, maxSharpe, minVariance, riskParity, targetVolatility, UnreachableTargetError,
  type PortfolioOptimum, type WeightBounds,
} from '../risk/optimize.ts';
import { meanReversionSignal, rankMeanReversion, type MeanReversionScan } from '../risk/signals.ts';
import { capByLimits, fixedFraction, halfKelly, varBudget, volatilityTarget, type CappedSize, type SizingResult } from '../risk/sizing.ts';
import { historicalVaR } from '../risk/var.ts';
import { annualizedVolatility, mean } from '../risk/volatility.ts';
import { checkedGross } from '../oracles/index.ts';
import { UserError } from '../shared/errors.ts';
import { fmtPct } from '../shared/format.ts';
import { userFacing } from './user-facing.ts';
import { assetExposures, CASH_ASSETS, grossWeights, signedExposures, signedWeights } from './views.ts';
import { alignedDaily } from './history.ts';
import type { LimitsService } from './limits.ts';
import type { PortfolioService } from './portfolio.ts';
import type { RiskSettings } from './risk-service.ts';

export type Objective = 'min-variance' | 'max-sharpe' | 'target-vol' | 'efficient-return' | 'risk-parity';
export type SizingStrategy = 'fixed' | 'vol' | 'var' | 'kelly';
const STABLES = CASH_ASSETS;

/** Seed 000: the optimiser's default target volatility, annualised. */
export const DEFAULT_TARGET_VOL = 0.15;

/** How to optimise: the target of target-vol / efficient-return, and whether shorts are allowed. */
export interface OptimizeOptions {
  /** Annual fraction: the volatility for target-vol (default 15%), the expected return for efficient-return (required). */
  readonly target?: number;
  /** Allow shorts (perps): each weight within ±the concentration cap, Σw = 1, gross Σ|w| ≤ `gross`. */
  readonly longShort?: boolean;
  /** Long-short gross cap, fraction of capital (default 1.5 = 150%). */
  readonly gross?: number;
}

export interface OptimizeView {
  readonly objective: Objective;
  readonly assets: readonly string[];
  /** Today's weights: shares of gross exposure long-only; long-short, signed (short perps < 0) over net exposure (NaN if net ≤ 0). */
  readonly current: readonly number[];
  readonly optimum: PortfolioOptimum & { readonly note?: string };
  readonly annual: { readonly volatility: number; readonly expectedReturn: number | null; readonly sharpe: number | null };
  /** Each |weight| ≤ this. */
  readonly upperBound: number;
  /** The gross cap, fraction of capital, when long-short; null long-only. */
  readonly grossCap: number | null;
  readonly days: number;
}


export class AnalyticsService {
  private readonly portfolio: PortfolioService;
  private readonly history: PriceHistory;
  private readonly limits: LimitsService;
  private readonly clock: Clock;
  private readonly settings: RiskSettings;

  constructor(deps: { portfolio: PortfolioService; history: PriceHistory; limits: LimitsService; clock: Clock; settings: RiskSettings }) {
    this.portfolio = deps.portfolio;
    this.history = deps.history;
    this.limits = deps.limits;
    this.clock = deps.clock;
    this.settings = deps.settings;
  }

  /** Daily returns of `assets` over the lookback. */
  private async returns(assets: readonly string[]): Promise<{ returns: number[][]; days: number }> {
    const h = await alignedDaily(this.history, assets, this.clock.now(), this.settings.lookbackDays);
    const returns = h.closes.map((c) => c.slice(1).map((x, i) => x / (c[i] as number) - 1));
    return { returns, days: returns[0]?.length ?? 0 };
  }

  /** Target weights for the risky assets held (or every known asset when fewer than two are held). */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<OptimizeView> {
    const longShort = options.longShort === true;
    if (longShort && objective === 'risk-parity') {
      throw new UserError('bad_argument', 'risk-parity is long-only: a short cannot carry a risk budget.', 'Try /optimize min-variance long-short');
    }
    if (objective === 'efficient-return' && options.target === undefined) {
      throw new UserError('bad_argument', 'efficient-return needs a target annual return.', 'Usage: /optimize return 40%');
    }
    const grossCap = longShort ? checkedGross(options.gross) : null;
    return userFacing(async () => {
      const p = await this.portfolio.refresh();
      const exposure = assetExposures(p.positions);
      let assets = [...exposure.keys()].sort();
      if (assets.length < 2) assets = this.history.assets().filter((a) => !STABLES.has(a)).slice().sort();
      if (assets.length < 2) throw new UserError('unavailable', 'Optimising needs at least two risky assets.');
      const { returns, days } = await this.returns(assets);
      const cov = covarianceMatrix(returns);
      const ppy = this.settings.periodsPerYear;
      const mu = returns.map((r) => mean(r));
      const limits = await this.limits.get();
      // The concentration limit caps each |weight|, unless that would make Σw = 1 impossible.
      const upper = limits.maxPositionSizePercent * assets.length >= 1 ? Math.min(1, limits.maxPositionSizePercent) : 1;
      const bounds: WeightBounds = assets.map(() => [longShort ? -upper : 0, upper] as const);
      const gross = grossCap ?? undefined;
      let optimum: PortfolioOptimum & { note?: string };
      try {
        optimum = this.solve(objective, mu, cov, bounds, gross, options.target);
      } catch (err) {
        if (err instanceof UnreachableTargetError) throw unreachable(err, ppy, grossCap);
        throw err;
      }
      const current = longShort ? signedWeights(signedExposures(p.positions), assets) : grossWeights(exposure, assets);
      return {
        objective, assets, days, upperBound: upper, grossCap, current, optimum,
        annual: {
          volatility: optimum.volatility * Math.sqrt(ppy),
          expectedReturn: optimum.expectedReturn === null ? null : optimum.expectedReturn * ppy,
          sharpe: optimum.sharpe === null ? null : optimum.sharpe * Math.sqrt(ppy),
        },
      };
    });
  }

  /** One optimiser on daily μ and Σ; `target` is annual (volatility for target-vol, return for efficient-return). */
  private solve(
    objective: Objective, mu: number[], cov: number[][], bounds: WeightBounds, gross: number | undefined, target: number | undefined,
  ): PortfolioOptimum & { note?: string } {
    const ppy = this.settings.periodsPerYear;
    const g = gross === undefined ? {} : { gross };
    if (objective === 'min-variance') return minVariance(cov, bounds, { mu, ...g });
    if (objective === 'max-sharpe') return maxSharpe(mu, cov, 0, bounds, g);
    if (objective === 'risk-parity') return riskParity(cov, bounds, { mu });
    if (objective === 'efficient-return') {
      const annual = target ?? 0;
      const r = efficientReturn(mu, cov, annual / ppy, bounds, g);
      const got = (r.expectedReturn ?? 0) * ppy;
      return r.outcome === 'at-target' ? r : { ...r, note: `the least volatile mix already returns ${fmtPct(got, 1)} a year, above the ${fmtPct(annual, 1)} target` };
    }
    const annual = target ?? DEFAULT_TARGET_VOL;
    const t = targetVolatility(mu, cov, annual / Math.sqrt(ppy), bounds, g);
    return t.outcome === 'at-target' ? t : { ...t, note: `even the highest-return mix stays below the target (${fmtPct(t.volatility * Math.sqrt(ppy), 1)} a year)` };
  }

  /** Suggested notional for `asset` by strategy, capped by the risk limits (seed 003 PositionSizer). */
  async size(asset: string, strategy: SizingStrategy, risk: number): Promise<{ sizing: SizingResult; capped: CappedSize; price: number; volAnnual: number }> {
    return userFacing(async () => {
      const p = await this.portfolio.refresh();
      const price = p.prices[asset];
      if (price === undefined) throw new UserError('not_found', `No price for ${asset}.`, `Known: ${Object.keys(p.prices).sort().join(', ')}`);
      const equity = Number(p.totalValueUsd) / 1e6;
      const { returns } = await this.returns([asset]);
      const r = returns[0] ?? [];
      const ppy = this.settings.periodsPerYear;
      const volAnnual = annualizedVolatility(r, ppy);
      let sizing: SizingResult;
      if (strategy === 'fixed') sizing = fixedFraction(equity, risk);
      else if (strategy === 'vol') sizing = volatilityTarget(equity, risk, volAnnual);
      else if (strategy === 'var') sizing = varBudget(equity, risk, historicalVaR(r, 0.95));
      else sizing = halfKelly(mean(r) * ppy, (volAnnual * volAnnual), equity);
      const gross = p.positions.filter((x) => !STABLES.has(x.asset)).reduce((s, x) => s + Number(x.exposureUsd) / 1e6, 0);
      return { sizing, capped: capByLimits(sizing.notionalUsd, equity, await this.limits.get(), gross), price, volAnnual };
    });
  }

  /** Mean-reversion entries across every asset with history, best first (seed 000). */
  async signals(lookback = 20, entryZ = 2, exitZ = 0.5): Promise<MeanReversionScan & { all: { market: string; z: number }[] }> {
    return userFacing(async () => {
      const now = this.clock.now();
      const markets = await Promise.all(this.history.assets().filter((a) => !STABLES.has(a)).map(async (a) => {
        const s = await this.history.closes(a, { interval: '1d', to: now, limit: lookback + 1 });
        return { market: a, prices: s.close };
      }));
      const scan = rankMeanReversion(markets, { lookback, entryZ, exitZ: Math.min(exitZ, entryZ) });
      const all = markets.flatMap((m) => {
        try {
          return [{ market: m.market, z: meanReversionSignal(m.prices, { lookback }).z }];
        } catch {
          return []; // listed in scan.skipped with the reason
        }
      });
      return { ...scan, all: all.sort((a, b) => Math.abs(b.z) - Math.abs(a.z)) };
    });
  }
}

/** An optimiser target no mix reaches, as the user error naming both annual figures. */
function unreachable(err: UnreachableTargetError, ppy: number, grossCap: number | null): UserError {
  if (err.kind === 'volatility-below-minimum') {
    const least = err.limit * Math.sqrt(ppy);
    return new UserError('bad_argument',
      `Target volatility ${fmtPct(err.target * Math.sqrt(ppy), 1)} a year is below the least volatile mix (${fmtPct(least, 2)}).`,
      `Aim at ${fmtPct(Math.ceil(least * 1000) / 1000, 1)} or more, or use min-variance.`);
  }
  const best = err.limit * ppy;
  const within = grossCap === null ? 'long-only' : `at ${fmtPct(grossCap, 0)} gross`;
  return new UserError('bad_argument',
    `Target return ${fmtPct(err.target * ppy, 1)} a year is above the best these assets reached (${fmtPct(best, 2)} ${within}).`,
    `Aim at ${fmtPct(Math.floor(best * 1000) / 1000, 1)} or less${grossCap === null ? ', or add long-short' : ''}.`);
}
