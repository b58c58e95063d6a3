/**
 * Plan drafting for ActionService: reads the book, runs the planner a request names (hedge, rebalance, protect,
 * limits, or a liquidity action on its venue) and measures before → after. No gate, no card: the service does those.
 */
import type { ApprovalGate, PlanDraft } from '../../approvals/gate.ts';
import type { ActionPlan, MarketInfo, PlanLeg, PlanRequest } from '../../domain/index.ts';
import type { Clock, LiquidityShape, LiquidityVenue, PriceHistory, TradeExecutor, Weights } from '../../ports/index.ts';
import { betaStats } from '../../risk/beta.ts';
import { UserError } from '../../shared/errors.ts';
import { fmtPct, fmtSignedUsd, fmtUsd } from '../../shared/format.ts';
import type { Logger } from '../../shared/logger.ts';
import { usdFromNumber } from '../../shared/money.ts';
import type { AlertService } from '../alert-service.ts';
import { alignedDaily } from '../history.ts';
import type { LimitsService } from '../limits.ts';
import type { NotificationService } from '../notifications.ts';
import type { BookOptions, OracleService } from '../oracles.ts';
import type { PortfolioService } from '../portfolio.ts';
import { buildRiskModel, type RiskModel } from '../risk-model.ts';
import { applyLegs, bookMetrics, legFor, legUnits, netDeltas, STABLES, sumLegs, tailContributions, type ScenarioReturns } from './book.ts';
import { perpFor, planHedge, type CrossHedge } from './hedge.ts';
import { liquidityDraft } from './liquidity.ts';
import { planProtect, planTrims } from './protect.ts';
import { DEFAULT_REBALANCE_THRESHOLD, grossShares, planRebalance } from './rebalance.ts';

export interface ActionServiceDeps {
  readonly portfolio: PortfolioService;
  readonly history: PriceHistory;
  readonly limits: LimitsService;
  readonly oracles: OracleService;
  readonly alerts: AlertService;
  readonly notifications: NotificationService;
  readonly gate: ApprovalGate;
  readonly executors: readonly TradeExecutor[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeZone: string;
  readonly lookbackDays: number;
  readonly rebalance: { readonly minTradeUsd: number; readonly threshold?: number };
  /** Plans liquidity actions on the venue that holds the position or the pool. */
  readonly liquidity: Omit<LiquidityVenue, 'venue'>;
  /** Slippage allowed on a liquidity plan's swap, bps (venue default when absent). */
  readonly recenterSlippageBps?: number;
}

/** A cross-hedge proxy must explain at least this share of the asset's daily variance. */
export const MIN_CROSS_HEDGE_R2 = 0.1;

/** A withdrawal: the position's id and the share taken out, basis points (10,000: all, closing it). */
export type WithdrawArgs = { positionId: string; fractionBps: number };
/** A deposit: the pool ("SOL/USDC" or its address), amounts as typed, width in bins and shape. */
export type DepositArgs = { pool: string; base: string; quote: string; width: number; shape: LiquidityShape };
/** A swap on a pool: the token sold (its symbol) and the amount as typed. */
export type SwapArgs = { pool: string; sell: string; amount: string };

const LIQUIDITY_KINDS: ReadonlySet<string> = new Set(['recenter', 'withdraw', 'deposit', 'swap']);

/** A re-center: the position's id (as LpPosition.id), a new width in bins (null: keep) and the shape. */
export type RecenterArgs = { positionId: string; width: number | null; shape: LiquidityShape };

/** `via`: hedge `asset` with this other asset's perp (by regression β) instead of its own. */
export type HedgeArgs = { asset: string | null; targetUsd: number | null; keep: number | null; via?: string | null };

/** Drafts plans for ActionService (one per request kind). */
export class PlanDrafter {
  private readonly deps: ActionServiceDeps;
  private readonly markets: () => MarketInfo[];

  constructor(deps: ActionServiceDeps, markets: () => MarketInfo[]) {
    this.deps = deps;
    this.markets = markets;
  }

  /** Builds a plan draft at current prices. */
  async draft(request: PlanRequest): Promise<PlanDraft> {
    // Liquidity actions are planned by their venue on the pool's bins, not on the risk model.
    if (LIQUIDITY_KINDS.has(request.kind)) return this.planLiquidity(request);
    const portfolio = await this.deps.portfolio.refresh();
    const model = buildRiskModel(portfolio);
    const markets = this.markets();
    const scenarios = await this.scenarios(model, portfolio.asOf || this.deps.clock.now());
    const limits = await this.deps.limits.get();
    let legs: ActionPlan['legs'] = [];
    let notes: string[] = [];
    let title: string;
    let weightsAlso: string[] = [];
    let signed = false;
    switch (request.kind) {
      case 'hedge': {
        const asset = typeof request.args.asset === 'string' ? request.args.asset : undefined;
        const keep = typeof request.args.keep === 'number' ? request.args.keep : null;
        const targetUsd = typeof request.args.targetUsd === 'number' ? request.args.targetUsd : 0;
        if (asset && !model.assets.includes(asset)) throw new UserError('not_found', `The book has no ${asset} exposure to hedge.`, `Held: ${model.assets.filter((a) => !STABLES.has(a)).join(', ') || 'nothing'}`);
        const via = typeof request.args.via === 'string' ? request.args.via : null;
        let hedgeMarkets: readonly MarketInfo[] = markets;
        const forced: string[] = [];
        if (via !== null) {
          if (!asset) throw new UserError('bad_argument', 'via needs a MARKET to hedge.', 'Example: /hedge BONK via=SOL');
          if (via === asset) throw new UserError('bad_argument', `via ${via}: choose another asset than the one hedged.`);
          if (!markets.some((m) => m.kind === 'perp' && m.asset === via)) throw new UserError('not_found', `No perp for ${via} to hedge with.`, `Perps: ${[...new Set(markets.filter((m) => m.kind === 'perp').map((m) => m.market))].join(', ')}`);
          // Hide the asset's own perp so the planner cross-hedges it on the chosen proxy.
          hedgeMarkets = markets.filter((m) => !(m.kind === 'perp' && m.asset === asset));
        }
        const cross = await this.crossHedges(model, hedgeMarkets, via !== null ? { proxies: [via], minR2: 0 } : {});
        const forcedCross = asset ? cross.get(asset) : undefined;
        if (via !== null && !forcedCross) throw new UserError('unavailable', `No common price history for ${asset ?? ''} and ${via}: cannot estimate the hedge ratio.`);
        if (forcedCross && forcedCross.r2 < MIN_CROSS_HEDGE_R2) forced.push(`R² ${forcedCross.r2.toFixed(2)} is low: ${via ?? ''} explains little of ${asset ?? ''}'s moves, so this hedge removes little risk.`);
        const plan = planHedge({
          model, markets: hedgeMarkets, target: keep !== null ? { kind: 'keep', fraction: keep } : { kind: 'usd', usd: targetUsd }, crossHedge: (a) => cross.get(a) ?? null,
          maxLeverage: limits.maxPortfolioLeverage, maxPositionUsd: limits.maxPositionSizeUsd, ...(asset ? { asset } : {}),
        });
        plan.notes.push(...forced);
        legs = plan.legs;
        const capped = this.withinActionCap(legs, markets);
        if (capped.note) plan.notes.push(capped.note);
        legs = capped.legs;
        const deltas = netDeltas(model);
        const ratios = plan.rows.filter((r) => r.via && Math.abs(r.deltaBefore) > 0).map((r) => {
          const hedged = legs.filter((l) => l.market === r.via).reduce((s, l) => s + (l.side === 'buy' ? 1 : -1) * Number(l.notionalUsd) / 1e6, 0);
          return `${r.asset} ${fmtSignedUsd(usdFromNumber(r.deltaBefore))} → target ${fmtSignedUsd(usdFromNumber(r.targetUsd))}${hedged !== 0 ? `, hedge ratio ${Math.round((-hedged / (deltas[r.asset] ?? 1)) * 100)}%` : ''}`;
        });
        const band = Object.entries(plan.toleranceUsd).map(([m, t]) => `${m} ±${fmtUsd(usdFromNumber(t))}`).join(', ');
        notes = [...ratios, ...(band ? [`Tolerance band: ${band}.`] : []), ...plan.notes];
        title = `Hedge ${asset ?? 'all'}${via ? ` via ${via}` : ''} to ${keep !== null ? `${Math.round(keep * 100)}% of delta` : `Δ ${fmtSignedUsd(usdFromNumber(targetUsd))}`}`;
        break;
      }
      case 'rebalance': {
        const name = typeof request.args.oracle === 'string' ? request.args.oracle : null;
        const gross = typeof request.args.gross === 'number' ? { gross: request.args.gross } : {};
        const target = await this.targetWeights(name, request.args.book === 'long-short' ? { longShort: true, ...gross } : {});
        weightsAlso = Object.keys(target.weights).filter((a) => STABLES.has(a));
        // Long-short weights are fractions of capital (Σw = 1); the planner takes shares of gross exposure (Σ|w| = 1).
        signed = target.grossCap !== null;
        const plan = planRebalance({
          model, markets, weights: signed ? grossShares(target.weights) : target.weights, signed,
          threshold: this.deps.rebalance.threshold ?? DEFAULT_REBALANCE_THRESHOLD, minTradeUsd: this.deps.rebalance.minTradeUsd,
        });
        legs = plan.legs;
        // An asset trades when either of its lines (long side, short perps) does.
        const traded = new Set(plan.rows.filter((r) => r.drifted).map((r) => r.underlying));
        const inside = [...new Set(plan.rows.map((r) => r.underlying))].filter((a) => !traded.has(a));
        notes = [
          `Threshold ${((this.deps.rebalance.threshold ?? DEFAULT_REBALANCE_THRESHOLD) * 100).toFixed(0)} points; minimum trade ${fmtUsd(usdFromNumber(this.deps.rebalance.minTradeUsd))}.`,
          ...(inside.length > 0 ? [`Inside the threshold, not traded: ${inside.join(', ')}.`] : []),
          ...(target.note ? [target.note] : []),
          ...(signed ? [`Long-short, gross ≤ ${fmtPct(target.grossCap ?? 0, 0)}: w = net exposure / the book's; below 0 is a perp short.`] : []),
          ...plan.notes,
        ];
        title = `Rebalance to ${target.label}`;
        break;
      }
      case 'protect': {
        const thresholds = await this.deps.alerts.thresholds();
        const target = typeof request.args.target === 'number' ? request.args.target : thresholds.health.warning + thresholds.health.margin;
        const contributions = scenarios ? tailContributions(model, scenarios) : new Map<string, number>();
        const health = bookMetrics(model).health ?? 100;
        const plan = planProtect({ model, markets, targetHealth: target, contributions });
        legs = plan.legs;
        notes = [
          health >= target ? `Health ${health} is already at or above ${target}.` : `Restores health to at least ${target}, cutting the largest tail-risk contributors first.`,
          ...(scenarios ? [] : ['No price history: positions ordered by size instead of risk contribution.']),
          ...plan.notes,
        ];
        title = `Protect: health to ${target}`;
        break;
      }
      case 'limits': {
        const plan = planTrims({ model, markets, limits, ...(scenarios ? { scenarios } : {}) });
        legs = plan.legs;
        notes = plan.notes;
        title = 'Trim to risk limits';
        break;
      }
      case 'recenter': case 'withdraw': case 'deposit': case 'swap':
        return this.planLiquidity(request);
    }
    const after = applyLegs(model, legs, markets);
    return {
      kind: request.kind, title, request, legs,
      before: bookMetrics(model, scenarios, weightsAlso, signed), after: bookMetrics(after, scenarios, weightsAlso, signed), notes,
      estimatedFeesUsd: sumLegs(legs, (l) => l.estFeeUsd), estimatedSlippageUsd: sumLegs(legs, (l) => l.estSlippageUsd), notionalUsd: sumLegs(legs, (l) => l.notionalUsd),
    };
  }

  /**
   * A hedge larger than the per-action cap is scaled down to fit it (every leg by the same factor, sizes rounded down to
   * the market's step) with a note, rather than refused: a smaller hedge still reduces risk, and the rest can follow.
   */
  private withinActionCap(legs: readonly PlanLeg[], markets: readonly MarketInfo[]): { legs: readonly PlanLeg[]; note?: string } {
    const cap = this.deps.gate.opts.maxNotionalPerActionUsd;
    const total = sumLegs(legs, (l) => l.notionalUsd);
    if (total <= cap || total === 0n) return { legs };
    const factor = Number(cap) / Number(total);
    const scaled = legs.flatMap((l) => {
      const m = markets.find((x) => x.venue === l.venue && x.market === l.market);
      const leg = m ? legFor(m, legUnits(l, m) * factor, l.refPrice / m.contractSize, { reduceOnly: l.reduceOnly, round: 'down' }) : null;
      return leg ? [leg] : [];
    });
    const pct = Math.floor(factor * 100);
    return {
      legs: scaled,
      note: `Scaled to ${pct}% of the full hedge: the per-action cap MAX_NOTIONAL_PER_ACTION_USD is ${fmtUsd(cap)}. Run /hedge again after it fills for the rest.`,
    };
  }

  /** A liquidity action's plan, from its request (re-read from storage on a re-price, so checked field by field). */
  private async planLiquidity(request: PlanRequest): Promise<PlanDraft> {
    const a = request.args;
    const text = (k: string): string => {
      const v = a[k];
      if (typeof v !== 'string') throw new UserError('bad_argument', `The plan is missing its ${k}; run the command again.`);
      return v;
    };
    const shape: LiquidityShape = a.shape === 'curve' || a.shape === 'bidask' ? a.shape : 'spot';
    const slippage = this.deps.recenterSlippageBps !== undefined ? { slippageBps: this.deps.recenterSlippageBps } : {};
    const l = this.deps.liquidity;
    const preview = request.kind === 'recenter'
      ? await l.previewRecenter(text('positionId'), { shape, ...(typeof a.width === 'number' ? { width: a.width } : {}), ...slippage })
      : request.kind === 'withdraw'
        ? await l.previewWithdraw(text('positionId'), { fractionBps: typeof a.fractionBps === 'number' ? a.fractionBps : 10_000 })
        : request.kind === 'deposit'
          ? await l.previewDeposit(text('pool'), { base: text('base'), quote: text('quote'), width: typeof a.width === 'number' ? a.width : 11, shape })
          : await l.previewSwap(text('pool'), { sell: text('sell'), amount: text('amount'), ...slippage });
    return liquidityDraft(preview, request);
  }

  /** Daily returns of the book's risky assets over the risk window; undefined when history is missing. */
  private async scenarios(model: RiskModel, at: number): Promise<ScenarioReturns | undefined> {
    const assets = model.assets.filter((a) => !STABLES.has(a));
    if (assets.length === 0) return undefined;
    try {
      const h = await alignedDaily(this.deps.history, assets, at, this.deps.lookbackDays);
      return { assets, returns: h.closes.map((c) => c.slice(1).map((x, i) => x / (c[i] as number) - 1)) };
    } catch (err) {
      if (err instanceof UserError) return undefined;
      throw err;
    }
  }

  /** For each held asset without a perp: the perp underlying that explains most of its daily variance. */
  private async crossHedges(model: RiskModel, markets: readonly MarketInfo[], opts: { proxies?: readonly string[]; minR2?: number }): Promise<Map<string, CrossHedge>> {
    const out = new Map<string, CrossHedge>();
    const orphans = model.assets.filter((a) => !STABLES.has(a) && !perpFor(markets, model, a));
    if (orphans.length === 0) return out;
    const proxies = opts.proxies ?? [...new Set(markets.filter((m) => m.kind === 'perp').map((m) => m.asset))].sort();
    const minR2 = opts.minR2 ?? MIN_CROSS_HEDGE_R2;
    const all = [...new Set([...orphans, ...proxies])];
    let h;
    try {
      h = await alignedDaily(this.deps.history, all, this.deps.clock.now(), this.deps.lookbackDays);
    } catch (err) {
      if (err instanceof UserError) return out;
      throw err;
    }
    const ret = (a: string): number[] => {
      const c = h.closes[all.indexOf(a)] ?? [];
      return c.slice(1).map((x, i) => x / (c[i] as number) - 1);
    };
    for (const a of orphans) {
      let best: CrossHedge | null = null;
      for (const p of proxies) {
        const s = betaStats(ret(a), ret(p));
        if (s.rSquared >= minR2 && (!best || s.rSquared > best.r2)) best = { proxy: p, beta: s.beta, r2: s.rSquared };
      }
      if (best) out.set(a, best);
    }
    return out;
  }

  /**
   * Weights to rebalance to (Σw = 1; signed when long-short, grossCap then the cap as a fraction): a named oracle, or
   * the stored /target when none is named (equal weight without one). The target keeps the book it was set with.
   */
  private async targetWeights(name: string | null, book: BookOptions): Promise<{ weights: Weights; label: string; note?: string; grossCap: number | null }> {
    if (name === null || name === 'target') {
      if (book.longShort) throw new UserError('bad_argument', 'long-short goes with an optimiser or a static: file, not the target (it keeps the book it was set with).', 'Usage: /rebalance min-variance long-short, or /target use min-variance long-short');
      const t = await this.deps.alerts.targetWeights();
      if (t) return { weights: t.weights, label: `target (${t.source})`, grossCap: t.grossCap };
      if (name === 'target') throw new UserError('not_found', 'No target weights are set.', 'Set one with /target use risk-parity, or name an oracle: /rebalance equal');
    }
    const p = await this.deps.oracles.propose(name ?? 'equal', book);
    return { weights: p.weights, label: p.oracle.name, ...(p.note ? { note: p.note } : {}), grossCap: p.grossCap };
  }

}
