/** The paper venue: simulator + ledger + clock, seen through the PositionSource port. */
import type { LpPosition, MarginSummary, PerpPosition, Position, SpotPosition } from '../../domain/index.ts';
import type { Clock, PositionSource, VenueSnapshot } from '../../ports/index.ts';
import { binPrice } from '../../risk/lp.ts';
import { toNumber, USD_DECIMALS } from '../../shared/money.ts';
import { PaperPriceHistory } from './history.ts';
import { Ledger, valueOf, type Fill, type TradeRequest } from './ledger.ts';
import { PERP_SPECS, POOL_SPECS, PRICE_DECIMALS, SPOT_SPECS, WEIGHT_PRECISION } from './markets.ts';
import { applyPortfolio, DEFAULT_PORTFOLIO, type StartingPortfolio } from './portfolio-file.ts';
import { HOUR_MS, MarketSimulator, type PaperAsset } from './simulator.ts';

export interface PaperVenueOptions {
  /** Wall-clock time: every timestamp the venue reports (snapshots, fills, history) is on it. */
  readonly clock: Clock;
  /**
   * How fast the simulated market moves: market seconds per real second (DEMO_SPEED; default 1). Only the price path,
   * funding and LP bins run fast; time stamps stay real, so TTLs, cooldowns and the audit keep real time.
   */
  readonly speed?: number;
  readonly seed: number;
  readonly portfolio?: StartingPortfolio;
  /** Largest simulation step, ms of simulated time (default 1 h). */
  readonly maxStepMs?: number;
  readonly volScale?: number;
  /** Starting prices, USD (default: last real closes). */
  readonly startPrices?: Partial<Record<PaperAsset, number>>;
  /** Back-history generated at start: days of daily closes and hours of hourly closes. */
  readonly historyDays?: number;
  readonly historyHours?: number;
}

const BASE_DECIMALS = 9;

/** A weight or margin ratio in Drift's 1e4 precision → fraction. */
function ratio(x: bigint): number {
  return Number(x) / Number(WEIGHT_PRECISION);
}

export class PaperVenue implements PositionSource {
  readonly venue = 'paper' as const;
  readonly label: string;
  readonly simulator: MarketSimulator;
  readonly ledger: Ledger;
  readonly history: PaperPriceHistory;
  readonly clock: Clock;
  /** Market seconds per real second. */
  readonly speed: number;
  /** Wall-clock time up to which the market has been simulated. */
  private simTime: number;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: PaperVenueOptions) {
    this.clock = opts.clock;
    this.speed = opts.speed ?? 1;
    if (!(this.speed >= 1)) throw new RangeError(`speed must be ≥ 1, got ${this.speed}`);
    this.label = `Paper (seed ${opts.seed})`;
    this.simulator = new MarketSimulator({
      seed: opts.seed, ...(opts.maxStepMs ? { maxStepMs: opts.maxStepMs } : {}), ...(opts.volScale ? { volScale: opts.volScale } : {}),
      ...(opts.startPrices ? { startPrices: opts.startPrices } : {}),
    });
    this.simTime = opts.clock.now();
    const prices = this.simulator.prices();
    this.ledger = new Ledger(prices);
    applyPortfolio(this.ledger, opts.portfolio ?? DEFAULT_PORTFOLIO);
    this.history = new PaperPriceHistory({
      seed: opts.seed, startMs: this.simTime, startPrices: prices, days: opts.historyDays ?? 365, hours: opts.historyHours ?? 24 * 30,
    });
  }

  /**
   * Catches the simulated market up with the clock: prices, funding, LP bins, history. Listeners hear it only when
   * `notify` is set (the ticker): a read that catches up is not news, and notifying on reads would make every
   * evaluation trigger the next one.
   */
  sync(notify = false): void {
    const now = this.clock.now();
    if (now <= this.simTime) return;
    let t = this.simTime;
    // Steps of at most one market hour; each moves the market `speed` times the wall time it stands for.
    const wallStep = Math.max(1, Math.floor(HOUR_MS / this.speed));
    while (t < now) {
      const dt = Math.min(wallStep, now - t);
      this.simulator.advance(dt * this.speed);
      this.ledger.accrueFunding(dt * this.speed);
      t += dt;
      this.history.record(t, this.simulator.prices());
    }
    this.ledger.setPrices(this.simulator.prices());
    this.simTime = now;
    if (notify) for (const l of this.listeners) l();
  }

  /**
   * Sets market prices now (a scripted path or a replay of a real episode): catches up with the clock, jumps the
   * simulator, and lets the books, LP bins and history follow; listeners hear it like a tick.
   */
  setPrices(prices: Partial<Record<PaperAsset, number>>): void {
    this.sync();
    this.simulator.jumpTo(prices);
    this.ledger.setPrices(this.simulator.prices());
    this.history.record(this.simTime, this.simulator.prices());
    for (const l of this.listeners) l();
  }

  /** Ticks the market every `intervalMs` of real time (the demo); listeners hear each tick. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sync(true), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  prices(): Record<PaperAsset, number> {
    this.sync();
    return this.ledger.prices();
  }

  /** Trades at current simulated prices (after catching up with the clock). */
  trade(req: TradeRequest): Fill {
    this.sync();
    return this.ledger.trade(req);
  }

  /** Fills several trades as one (all or none) and tells listeners, as a landed transaction would. */
  execute(reqs: readonly TradeRequest[]): Fill[] {
    this.sync();
    const fills = this.ledger.tradeAll(reqs);
    // The trade has landed: a listener's failure must not make it look as if it had not.
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // Listeners (the monitor's push trigger) report their own failures.
      }
    }
    return fills;
  }

  snapshot(): Promise<VenueSnapshot & { readonly margin: MarginSummary }> {
    this.sync();
    const m = this.ledger.margin();
    const margin: MarginSummary = {
      venue: 'paper',
      totalCollateralUsd: m.totalCollateral,
      maintenanceCollateralUsd: m.maintenanceCollateral,
      initialMarginUsd: m.initialRequirement,
      maintenanceMarginUsd: m.maintenanceRequirement,
      freeCollateralUsd: m.freeCollateral,
      health: m.health,
      leverage: m.leverage,
    };
    const positions: Position[] = [...this.spotPositions(), ...this.perpPositions(), ...this.lpPositions()];
    return Promise.resolve({
      venue: 'paper', positions, margin, prices: this.ledger.prices(), realizedPnlUsd: this.ledger.realizedPnl, asOf: this.simTime,
    });
  }

  private spotPositions(): SpotPosition[] {
    const out: SpotPosition[] = [];
    for (const s of this.ledger.spot.values()) {
      if (s.balance === 0n) continue;
      const spec = SPOT_SPECS[s.asset];
      const value = valueOf(s.balance, spec.decimals, this.ledger.price(s.asset));
      const isCash = s.asset === 'USDC';
      const hasCost = !isCash && s.balance > 0n && s.costBasis > 0n;
      out.push({
        kind: 'spot', id: `paper:spot:${s.asset}`, venue: 'paper', market: s.asset, asset: s.asset,
        markPrice: this.ledger.prices()[s.asset], valueUsd: value, exposureUsd: value < 0n ? -value : value,
        amount: { raw: s.balance, decimals: spec.decimals }, isCollateral: spec.maintenanceAssetWeight > 0n,
        entryPrice: hasCost ? toNumber(s.costBasis, USD_DECIMALS) / toNumber(s.balance, spec.decimals) : null,
        unrealizedPnlUsd: hasCost ? value - s.costBasis : null,
        liquidationPrice: isCash ? null : this.ledger.liquidationPrice(s.asset),
        weights: {
          initialAsset: ratio(spec.initialAssetWeight), maintenanceAsset: ratio(spec.maintenanceAssetWeight),
          initialLiability: ratio(spec.initialLiabilityWeight), maintenanceLiability: ratio(spec.maintenanceLiabilityWeight),
        },
      });
    }
    return out;
  }

  private perpPositions(): PerpPosition[] {
    const out: PerpPosition[] = [];
    for (const p of this.ledger.perps.values()) {
      if (p.base === 0n) continue;
      const spec = PERP_SPECS[p.market];
      if (!spec) continue;
      const price = this.ledger.perpPrice(spec);
      const signed = valueOf(p.base, BASE_DECIMALS, price);
      const notional = signed < 0n ? -signed : signed;
      const pnl = signed + p.quoteEntry;
      const liq = this.ledger.liquidationPrice(spec.asset);
      out.push({
        kind: 'perp', id: `paper:perp:${p.market}`, venue: 'paper', market: p.market, asset: spec.asset,
        markPrice: toNumber(price, PRICE_DECIMALS), valueUsd: pnl, exposureUsd: notional,
        base: { raw: p.base, decimals: BASE_DECIMALS },
        entryPrice: toNumber(-p.quoteEntry, USD_DECIMALS) / toNumber(p.base, BASE_DECIMALS),
        notionalUsd: notional, unrealizedPnlUsd: pnl, fundingPnlUsd: p.fundingPnl, realizedPnlUsd: p.realizedPnl,
        initialMarginUsd: (notional * spec.initialMarginRatio) / WEIGHT_PRECISION,
        maintenanceMarginUsd: (notional * spec.maintenanceMarginRatio) / WEIGHT_PRECISION,
        liquidationPrice: liq === null ? null : liq * spec.contractSize,
        marginRatios: { initial: ratio(spec.initialMarginRatio), maintenance: ratio(spec.maintenanceMarginRatio) },
        contractSize: spec.contractSize,
      });
    }
    return out;
  }

  private lpPositions(): LpPosition[] {
    const out: LpPosition[] = [];
    for (const lp of this.ledger.lps.values()) {
      const spec = POOL_SPECS[lp.pool];
      if (!spec) continue;
      const v = this.ledger.lpValue(lp);
      const ids = [...lp.bins.keys()].sort((a, b) => a - b);
      const lower = ids[0] ?? 0;
      const upper = ids[ids.length - 1] ?? 0;
      const prices = this.ledger.prices();
      const price = prices[spec.base] / prices[spec.quote];
      const baseDec = SPOT_SPECS[spec.base].decimals;
      const quoteDec = SPOT_SPECS[spec.quote].decimals;
      const active = Math.floor(Math.log(price) / Math.log1p(spec.binStep / 10_000));
      out.push({
        kind: 'lp', id: `paper:lp:${lp.id}`, venue: 'paper', market: lp.pool, asset: spec.base, markPrice: prices[spec.base],
        valueUsd: v.value + v.fees, exposureUsd: v.value + v.fees, pool: lp.pool, baseAsset: spec.base, quoteAsset: spec.quote,
        binStep: spec.binStep, lowerBinId: lower, upperBinId: upper, activeBinId: active,
        priceLower: binPrice(lower, spec.binStep), priceUpper: binPrice(upper + 1, spec.binStep),
        inRange: active >= lower && active <= upper,
        baseAmount: { raw: v.base, decimals: baseDec }, quoteAmount: { raw: v.quote, decimals: quoteDec },
        bins: ids.map((id) => {
          const b = lp.bins.get(id) ?? { base: 0n, quote: 0n };
          return { binId: id, price: binPrice(id, spec.binStep), base: { raw: b.base, decimals: baseDec }, quote: { raw: b.quote, decimals: quoteDec } };
        }),
        feesUsd: v.fees, depositedUsd: lp.depositedUsd,
      });
    }
    return out;
  }
}
