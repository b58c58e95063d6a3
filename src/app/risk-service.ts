/** RiskService: the seed 003 risk engine in front of the live portfolio (report, stress, limits, correlation). */
import type { Portfolio, RiskViolation } from '../domain/index.ts';
import type { Clock, PriceHistory, SnapshotRepo } from '../ports/index.ts';
import { covarianceMatrix } from '../risk/covariance.ts';
import { checkLimits, correlationExposure } from '../risk/limits.ts';
import type { McDistribution } from '../risk/montecarlo.ts';
import { performanceMetrics, type PerformanceMetrics } from '../risk/performance.ts';
import { deltaUsd } from '../risk/portfolio-model.ts';
import { riskReport, type RiskReport } from '../risk/report.ts';
import {
  assetShocks, correlationToOne, historicalReplay, runStress, uniformShock, volatilityMultiplier, type StressResult, type StressScenario,
} from '../risk/stress.ts';
import { stdev } from '../risk/volatility.ts';
import { UserError } from '../shared/errors.ts';
import { userFacing } from './user-facing.ts';
import { recordedDrawdown } from './recorded-drawdown.ts';
import { alignedDaily, type AlignedHistory } from './history.ts';
import type { LimitsService } from './limits.ts';
import type { PortfolioService } from './portfolio.ts';
import { buildRiskModel, type RiskModel } from './risk-model.ts';
import { EPISODES } from './stress-episodes.ts';

export interface RiskSettings {
  /** Days of daily history behind every figure. */
  readonly lookbackDays: number;
  readonly periodsPerYear: number;
  readonly monteCarloPaths: number;
  readonly seed: number;
  readonly benchmarks: readonly string[];
}

export const DEFAULT_RISK_SETTINGS: RiskSettings = { lookbackDays: 365, periodsPerYear: 365, monteCarloPaths: 10_000, seed: 20_240_201, benchmarks: ['SOL', 'BTC'] };

export interface RiskView {
  readonly portfolio: Portfolio;
  readonly model: RiskModel;
  readonly history: AlignedHistory;
  readonly report: RiskReport;
}


export class RiskService {
  readonly settings: RiskSettings;
  private readonly portfolio: PortfolioService;
  private readonly history: PriceHistory;
  private readonly limits: LimitsService;
  private readonly clock: Clock;
  private readonly snapshots: SnapshotRepo | undefined;

  constructor(deps: {
    portfolio: PortfolioService; history: PriceHistory; limits: LimitsService; clock: Clock; settings?: Partial<RiskSettings>;
    /** Recorded equity, for the drawdown limit (without it the drawdown limit is not checked). */
    snapshots?: SnapshotRepo;
  }) {
    this.snapshots = deps.snapshots;
    this.portfolio = deps.portfolio;
    this.history = deps.history;
    this.limits = deps.limits;
    this.clock = deps.clock;
    this.settings = { ...DEFAULT_RISK_SETTINGS, ...deps.settings };
  }

  get historyName(): string {
    return this.history.name;
  }

  /** The full report for the current portfolio. */
  async report(opts: { horizon?: number; confidence?: number; dist?: McDistribution } = {}): Promise<RiskView> {
    return userFacing(async () => {
      const portfolio = await this.portfolio.refresh();
      const model = buildRiskModel(portfolio);
      if (model.instruments.length === 0) throw new UserError('unavailable', 'There are no positions to measure.');
      const assets = [...new Set([...model.assets, ...this.settings.benchmarks])].sort();
      const history = await alignedDaily(this.history, assets, portfolio.asOf || this.clock.now(), this.settings.lookbackDays);
      const report = riskReport({
        instruments: model.instruments, prices: model.prices, equityUsd: model.equityUsd, assets, closes: history.closes, datedCloses: history.dated,
        confidence: opts.confidence ?? 0.95, horizon: opts.horizon ?? 1, periodsPerYear: this.settings.periodsPerYear,
        monteCarlo: { paths: this.settings.monteCarloPaths, seed: this.settings.seed, dist: opts.dist ?? 'normal' }, benchmarks: this.settings.benchmarks,
      });
      return { portfolio, model, history, report };
    });
  }

  /**
   * Today's positions as if held for the last `days` days (at most the risk window; fewer when the history is shorter):
   * the report's daily backtest returns cut to that period, measured like recorded performance. Never the account's record.
   */
  async backtestPerformance(days: number): Promise<{ days: number; metrics: PerformanceMetrics }> {
    const { report } = await this.report();
    const returns = report.backtestReturns.slice(-Math.max(2, Math.floor(days)));
    if (returns.length < 2) throw new UserError('unavailable', 'Not enough price history to backtest today’s positions.');
    return { days: returns.length, metrics: performanceMetrics(returns, [], this.settings.periodsPerYear) };
  }

  /** Runs a named or parsed scenario against the current portfolio. */
  async stress(spec: { kind: 'uniform'; move: number } | { kind: 'assets'; moves: Record<string, number> } | { kind: 'named'; id: string }): Promise<StressResult & { portfolio: Portfolio }> {
    return userFacing(async () => {
      const portfolio = await this.portfolio.refresh();
      const model = buildRiskModel(portfolio);
      let scenario: StressScenario;
      if (spec.kind === 'uniform') scenario = uniformShock(model.assets, spec.move);
      else if (spec.kind === 'assets') {
        const unknown = Object.keys(spec.moves).filter((a) => model.prices[a] === undefined);
        if (unknown.length > 0) throw new UserError('not_found', `No price for ${unknown.join(', ')}.`, `Known: ${Object.keys(model.prices).sort().join(', ')}`);
        scenario = assetShocks(spec.moves);
      } else scenario = await this.namedScenario(spec.id, model);
      return { ...runStress(scenario, model.instruments, model.accounts, model.prices), portfolio };
    });
  }

  /** Ids and names of the scenarios /stress knows by name. */
  scenarioNames(): { id: string; name: string; description: string }[] {
    return [
      ...EPISODES.map((e) => ({ id: e.id, name: e.name, description: `${e.description} (${e.from} → ${e.to})` })),
      { id: 'corr1', name: 'Correlation → 1', description: 'Every asset falls 2.33σ (1 day) at once' },
      { id: 'vol2', name: 'Volatility ×2', description: 'A 2× 99% 1-day move along the portfolio’s own risk' },
      { id: 'vol3', name: 'Volatility ×3', description: 'A 3× 99% 1-day move along the portfolio’s own risk' },
    ];
  }

  private async namedScenario(id: string, model: RiskModel): Promise<StressScenario> {
    const known = this.scenarioNames().map((s) => s.id);
    if (!known.includes(id)) throw new UserError('not_found', `No scenario "${id}".`, `Scenarios: ${known.join(', ')}, or ASSET -N% (e.g. SOL -30%), or -N% for all.`);
    const history = await alignedDaily(this.history, model.assets, this.clock.now(), this.settings.lookbackDays);
    const dailyVol: Record<string, number> = {};
    const returns = history.closes.map((c) => c.slice(1).map((x, i) => x / (c[i] as number) - 1));
    history.assets.forEach((a, k) => {
      const r = returns[k] ?? [];
      dailyVol[a] = r.length > 1 && !history.assumedPegged.includes(a) ? stdev(r) : 0;
    });
    const risky = Object.fromEntries(Object.entries(dailyVol).filter(([, v]) => v > 0));
    const episode = EPISODES.find((e) => e.id === id);
    if (episode) return historicalReplay(episode, model.assets, risky);
    if (id === 'corr1') return correlationToOne(risky);
    const k = id === 'vol2' ? 2 : 3;
    const cov = covarianceMatrix(returns);
    const exposures = history.assets.map((a) => model.instruments.filter((x) => x.asset === a).reduce((s, x) => s + deltaUsd(x, model.prices), 0));
    return volatilityMultiplier(history.assets, cov, exposures, k);
  }

  /**
   * Current breaches of the risk limits (seed 003 RiskViolation). The drawdown limit applies to recorded equity, never
   * to a backtest of today's positions: `drawdown` is null until there is enough recorded history.
   */
  async violations(view?: RiskView): Promise<{ violations: RiskViolation[]; view: RiskView; correlationExposure: number | null; drawdown: number | null }> {
    const v = view ?? (await this.report());
    const limits = await this.limits.get();
    const exposures = v.model.instruments.map((i) => {
      const p = v.portfolio.positions.find((x) => x.id === i.id);
      return { label: i.label, exposureUsd: p ? Number(p.exposureUsd) / 1e6 : 0 };
    }).filter((x) => x.label !== 'USDC' && x.label !== 'USDT');
    const held = v.report.perAsset.filter((a) => a.asset !== 'USDC' && a.asset !== 'USDT');
    const idx = held.map((a) => v.report.correlation.assets.indexOf(a.asset));
    // Pairwise-complete correlations are NaN for a pair with too few common days: no evidence of co-movement, 0.
    const corr = idx.map((i) => idx.map((j) => { const x = v.report.correlation.matrix[i]?.[j]; return x !== undefined && Number.isFinite(x) ? x : 0; }));
    const ce = held.length > 1 ? correlationExposure(held.map((a) => a.exposureUsd), corr) : null;
    const drawdown = this.snapshots ? await recordedDrawdown(this.snapshots, v.portfolio.totalValueUsd, this.clock.now()) : null;
    return {
      violations: checkLimits({
        leverage: v.portfolio.leverage, health: v.portfolio.health, positions: exposures, equityUsd: v.model.equityUsd,
        var1d: v.report.var1d.var, drawdown, correlationExposure: ce,
      }, limits),
      view: v,
      correlationExposure: ce,
      drawdown,
    };
  }
}
