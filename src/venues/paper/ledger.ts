/**
 * The paper venue's books, in exact integers: spot balances in mint base units, perp base in 1e9, USD in micro-USD,
 * prices in PRICE_DECIMALS. Margin follows Drift's rules: weighted spot collateral, liabilities and perp notional ×
 * margin ratio in the requirement, health = 100 × (1 − maintenance requirement / maintenance collateral).
 * Realised PnL, fees and funding settle into the USDC balance at once (Drift settles lazily; totals are the same).
 * LP positions sit outside the margin account, as a Saros position sits in a wallet.
 */
import { binIdAt, binPrice, quoteShare } from '../../risk/lp.ts';
import { healthFromMargin } from '../../risk/margin.ts';
import { VenueError } from '../../shared/errors.ts';
import { absBig, fromNumber, pow10, toNumber, USD_DECIMALS } from '../../shared/money.ts';
import { PERP_SPECS, POOL_SPECS, PRICE_DECIMALS, SPOT_SPECS, WEIGHT_PRECISION, type PerpSpec } from './markets.ts';
import { PAPER_ASSETS, HOUR_MS, type PaperAsset } from './simulator.ts';

const VENUE = 'Paper';
const BASE_DECIMALS = 9;

export interface PerpState {
  readonly market: string;
  /** Signed contracts, 1e9. */
  base: bigint;
  /** −(base × entry price) of the open position, micro-USD (Drift's quoteEntryAmount). */
  quoteEntry: bigint;
  fundingPnl: bigint;
  realizedPnl: bigint;
}

export interface SpotState {
  readonly asset: PaperAsset;
  /** Signed balance, mint base units (negative = borrow). */
  balance: bigint;
  /** Cost of the positive balance, micro-USD (0 for USDC). */
  costBasis: bigint;
}

export interface LpBinState {
  /** Base held by this bin, base-mint units. */
  base: bigint;
  /** Quote held by this bin, quote-mint units. */
  quote: bigint;
}

export interface LpState {
  readonly id: string;
  readonly pool: string;
  readonly bins: Map<number, LpBinState>;
  /** Fees earned in quote-mint units. */
  feesQuote: bigint;
  /** Value deposited, micro-USD. */
  depositedUsd: bigint;
}

export interface MarginCalc {
  readonly totalCollateral: bigint;
  readonly maintenanceCollateral: bigint;
  readonly initialRequirement: bigint;
  readonly maintenanceRequirement: bigint;
  readonly freeCollateral: bigint;
  readonly health: number;
  readonly leverage: number;
  readonly spotAssetValue: bigint;
  readonly spotLiabilityValue: bigint;
  readonly perpNotional: bigint;
  readonly unrealizedPnl: bigint;
  /** Spot assets − spot liabilities + unrealised perp PnL, micro-USD. */
  readonly netValue: bigint;
}

export interface TradeRequest {
  readonly kind: 'perp' | 'spot';
  /** Perp market ("SOL-PERP") or spot asset ("SOL", bought/sold against USDC). */
  readonly market: string;
  readonly side: 'buy' | 'sell';
  /** Perp: contracts in 1e9. Spot: mint base units. */
  readonly sizeRaw: bigint;
  /** Worst acceptable average price, USD per unit (per contract for perps). */
  readonly limitPrice?: number;
  readonly reduceOnly?: boolean;
}

export interface Fill {
  readonly kind: 'perp' | 'spot';
  readonly market: string;
  readonly side: 'buy' | 'sell';
  readonly sizeRaw: bigint;
  /** Average fill price, PRICE_DECIMALS (per contract for perps). */
  readonly priceRaw: bigint;
  readonly feeUsd: bigint;
  readonly realizedPnlUsd: bigint;
  readonly slippageBps: number;
}

/** Value of `raw` units (with `decimals`) at `priceRaw` (PRICE_DECIMALS), micro-USD, truncated toward zero like Drift. */
export function valueOf(raw: bigint, decimals: number, priceRaw: bigint): bigint {
  return (raw * priceRaw) / pow10(decimals + PRICE_DECIMALS - USD_DECIMALS);
}

function weighted(value: bigint, weight: bigint): bigint {
  return (value * weight) / WEIGHT_PRECISION;
}

/** Drift's health from exact micro-USD margin figures (the formula itself lives in risk/margin.ts). */
export function driftHealth(maintenanceRequirement: bigint, maintenanceCollateral: bigint): number {
  return healthFromMargin(Number(maintenanceRequirement), Number(maintenanceCollateral));
}

export class Ledger {
  readonly spot = new Map<PaperAsset, SpotState>();
  readonly perps = new Map<string, PerpState>();
  readonly lps = new Map<string, LpState>();
  /** PRICE_DECIMALS per asset. */
  private readonly priceRaw = new Map<PaperAsset, bigint>();
  private readonly priceFloat = new Map<PaperAsset, number>();
  realizedPnl = 0n;

  constructor(prices: Readonly<Record<PaperAsset, number>>) {
    for (const a of PAPER_ASSETS) this.spot.set(a, { asset: a, balance: 0n, costBasis: 0n });
    this.setPricesOnly(prices);
  }

  /** A deep copy (for what-if checks and atomic trades). */
  clone(): Ledger {
    const c = new Ledger(this.prices());
    for (const [a, s] of this.spot) c.spot.set(a, { ...s });
    for (const [m, p] of this.perps) c.perps.set(m, { ...p });
    for (const [id, lp] of this.lps) {
      c.lps.set(id, { ...lp, bins: new Map([...lp.bins].map(([b, s]) => [b, { ...s }])) });
    }
    c.realizedPnl = this.realizedPnl;
    return c;
  }

  prices(): Record<PaperAsset, number> {
    return Object.fromEntries(PAPER_ASSETS.map((a) => [a, this.priceFloat.get(a) ?? 0])) as Record<PaperAsset, number>;
  }

  price(asset: PaperAsset): bigint {
    const p = this.priceRaw.get(asset);
    if (p === undefined) throw new Error(`no price for ${asset}`);
    return p;
  }

  perpPrice(spec: PerpSpec): bigint {
    return this.price(spec.asset) * BigInt(spec.contractSize);
  }

  /** Updates prices and lets LP bins convert at their bin prices, earning fees on the converted volume. */
  setPrices(prices: Readonly<Record<PaperAsset, number>>): void {
    this.setPricesOnly(prices);
    for (const lp of this.lps.values()) this.rebalanceLp(lp);
  }

  private setPricesOnly(prices: Readonly<Record<PaperAsset, number>>): void {
    for (const a of PAPER_ASSETS) {
      const p = prices[a];
      if (!(p > 0) || !Number.isFinite(p)) throw new RangeError(`bad price for ${a}: ${p}`);
      this.priceFloat.set(a, p);
      this.priceRaw.set(a, fromNumber(p, PRICE_DECIMALS));
    }
  }

  /** Deposits (or, negative, withdraws) a spot balance; `costUsd` sets its cost basis (default: current value). */
  deposit(asset: PaperAsset, raw: bigint, costUsd?: bigint): void {
    const s = this.spotState(asset);
    s.balance += raw;
    if (raw > 0n && asset !== 'USDC') s.costBasis += costUsd ?? valueOf(raw, SPOT_SPECS[asset].decimals, this.price(asset));
  }

  /** Opens a perp position directly at `entryPrice` (USD per contract, the market's own quote), no fee. */
  openPerpAt(market: string, baseRaw: bigint, entryPrice: number): void {
    const spec = this.perpSpec(market);
    const p = this.perpState(spec.market);
    if (p.base !== 0n) throw new RangeError(`${market} already open`);
    p.base = baseRaw;
    p.quoteEntry = -valueOf(baseRaw, BASE_DECIMALS, fromNumber(entryPrice, PRICE_DECIMALS));
  }

  /**
   * Adds an LP position of `valueUsd` spread uniformly over the bins covering ±rangePct around the current price,
   * funded from outside the margin account (a wallet).
   */
  addLp(id: string, pool: string, valueUsd: bigint, rangePct: number): LpState {
    const spec = POOL_SPECS[pool];
    if (!spec) throw new RangeError(`unknown pool ${pool}`);
    if (this.lps.has(id)) throw new RangeError(`LP ${id} exists`);
    if (!(rangePct > 0 && rangePct < 0.9)) throw new RangeError(`rangePct must be in (0, 0.9), got ${rangePct}`);
    // Bins are priced in quote per base (the pool's own price), not USD.
    const pair = (this.priceFloat.get(spec.base) ?? 0) / (this.priceFloat.get(spec.quote) ?? 1);
    const lower = binIdAt(pair * (1 - rangePct), spec.binStep);
    const upper = binIdAt(pair * (1 + rangePct), spec.binStep);
    const perBinUsd = valueUsd / BigInt(upper - lower + 1);
    const bins = new Map<number, LpBinState>();
    for (let id2 = lower; id2 <= upper; id2++) bins.set(id2, { base: 0n, quote: 0n });
    // Each bin gets perBinUsd at the market price: base above the price, quote below, split in the active bin.
    const baseSpec = SPOT_SPECS[spec.base];
    const quoteSpec = SPOT_SPECS[spec.quote];
    let deposited = 0n;
    for (const [binId, b] of bins) {
      const share = quoteShare(binId, spec.binStep, pair);
      const quoteUsd = fromNumber(toNumber(perBinUsd, USD_DECIMALS) * share, USD_DECIMALS);
      b.quote = (quoteUsd * pow10(PRICE_DECIMALS + quoteSpec.decimals - USD_DECIMALS)) / this.price(spec.quote);
      b.base = ((perBinUsd - quoteUsd) * pow10(PRICE_DECIMALS + baseSpec.decimals - USD_DECIMALS)) / this.price(spec.base);
      deposited += valueOf(b.base, baseSpec.decimals, this.price(spec.base)) + valueOf(b.quote, quoteSpec.decimals, this.price(spec.quote));
    }
    const lp: LpState = { id, pool, bins, feesQuote: 0n, depositedUsd: deposited };
    this.lps.set(id, lp);
    return lp;
  }

  /** Converts each bin to its composition at the current price; the converted volume earns the pool fee. */
  private rebalanceLp(lp: LpState): void {
    const spec = POOL_SPECS[lp.pool];
    if (!spec) return;
    const baseDec = SPOT_SPECS[spec.base].decimals;
    const quoteDec = SPOT_SPECS[spec.quote].decimals;
    const price = (this.priceFloat.get(spec.base) ?? 0) / (this.priceFloat.get(spec.quote) ?? 1);
    for (const [binId, bin] of lp.bins) {
      // Bin price in quote base-units per base base-unit, PRICE_DECIMALS.
      const binPx = fromNumber(binPrice(binId, spec.binStep), PRICE_DECIMALS);
      const toQuote = (baseRaw: bigint): bigint => (baseRaw * binPx * pow10(quoteDec)) / pow10(PRICE_DECIMALS + baseDec);
      const liquidity = toQuote(bin.base) + bin.quote;
      const share = quoteShare(binId, spec.binStep, price);
      const targetQuote = fromNumber(toNumber(liquidity, 0) * share, 0);
      const clampedQuote = targetQuote > liquidity ? liquidity : targetQuote < 0n ? 0n : targetQuote;
      const swapped = absBig(clampedQuote - bin.quote);
      if (swapped === 0n) continue;
      bin.quote = clampedQuote;
      bin.base = ((liquidity - clampedQuote) * pow10(PRICE_DECIMALS + baseDec)) / (binPx * pow10(quoteDec));
      lp.feesQuote += (swapped * BigInt(Math.round(spec.feeBps * 100))) / 1_000_000n;
    }
  }

  /** Pays or receives funding for `dtMs` of time; longs pay shorts when the rate is positive. */
  accrueFunding(dtMs: number): void {
    if (dtMs <= 0) return;
    for (const p of this.perps.values()) {
      if (p.base === 0n) continue;
      const spec = this.perpSpec(p.market);
      const notional = valueOf(p.base, BASE_DECIMALS, this.perpPrice(spec));
      // rate × dt/1h with 1e12 fixed point.
      const rateFp = fromNumber(spec.hourlyFundingRate * (dtMs / HOUR_MS), 12);
      const payment = (notional * rateFp) / 10n ** 12n;
      if (payment === 0n) continue;
      p.fundingPnl -= payment;
      this.spotState('USDC').balance -= payment;
    }
  }

  /** The account's margin figures for the current prices. */
  margin(): MarginCalc {
    let tcInit = 0n;
    let tcMaint = 0n;
    let mrInit = 0n;
    let mrMaint = 0n;
    let assets = 0n;
    let liabilities = 0n;
    let notional = 0n;
    let upnl = 0n;
    for (const s of this.spot.values()) {
      if (s.balance === 0n) continue;
      const spec = SPOT_SPECS[s.asset];
      const value = valueOf(s.balance, spec.decimals, this.price(s.asset));
      if (value >= 0n) {
        assets += value;
        tcInit += weighted(value, spec.initialAssetWeight);
        tcMaint += weighted(value, spec.maintenanceAssetWeight);
      } else {
        liabilities += -value;
        mrInit += weighted(-value, spec.initialLiabilityWeight);
        mrMaint += weighted(-value, spec.maintenanceLiabilityWeight);
      }
    }
    for (const p of this.perps.values()) {
      if (p.base === 0n && p.quoteEntry === 0n) continue;
      const spec = this.perpSpec(p.market);
      const signedValue = valueOf(p.base, BASE_DECIMALS, this.perpPrice(spec));
      const pnl = signedValue + p.quoteEntry;
      const n = absBig(signedValue);
      notional += n;
      upnl += pnl;
      tcInit += pnl;
      tcMaint += pnl;
      mrInit += weighted(n, spec.initialMarginRatio);
      mrMaint += weighted(n, spec.maintenanceMarginRatio);
    }
    const net = assets - liabilities + upnl;
    const free = tcInit - mrInit;
    return {
      totalCollateral: tcInit,
      maintenanceCollateral: tcMaint,
      initialRequirement: mrInit,
      maintenanceRequirement: mrMaint,
      freeCollateral: free > 0n ? free : 0n,
      health: driftHealth(mrMaint, tcMaint),
      leverage: net > 0n ? Number(notional + liabilities) / Number(net) : notional + liabilities > 0n ? Infinity : 0,
      spotAssetValue: assets,
      spotLiabilityValue: liabilities,
      perpNotional: notional,
      unrealizedPnl: upnl,
      netValue: net,
    };
  }

  /**
   * Price of `asset` at which maintenance free collateral reaches zero, others held fixed (Drift's
   * User.liquidationPrice: current − freeCollateral / d(freeCollateral)/d(price)). Null when no move of this asset
   * alone liquidates the account. Returns the current price when it is already liquidatable.
   */
  liquidationPrice(asset: PaperAsset): number | null {
    const m = this.margin();
    const fc = m.maintenanceCollateral - m.maintenanceRequirement;
    // dFC/dP in micro-USD per $1 of price, from every position on this asset.
    let slope = 0;
    const s = this.spot.get(asset);
    if (s && s.balance !== 0n && asset !== 'USDC') {
      const spec = SPOT_SPECS[asset];
      const units = toNumber(s.balance, spec.decimals);
      const wgt = Number(s.balance > 0n ? spec.maintenanceAssetWeight : spec.maintenanceLiabilityWeight) / 10_000;
      slope += units * wgt * 1e6;
    }
    for (const p of this.perps.values()) {
      const spec = this.perpSpec(p.market);
      if (spec.asset !== asset || p.base === 0n) continue;
      const units = toNumber(p.base, BASE_DECIMALS) * spec.contractSize;
      slope += (units - Math.abs(units) * (Number(spec.maintenanceMarginRatio) / 10_000)) * 1e6;
    }
    const price = this.priceFloat.get(asset) ?? 0;
    if (slope === 0) return null;
    if (fc <= 0n) return price;
    const liq = price - Number(fc) / slope;
    return liq > 0 ? liq : null;
  }

  /** Executes a trade against the simulated book; all-or-nothing (the ledger is unchanged on any error). State objects
   * read before a trade are replaced by it: re-read them afterwards. */
  trade(req: TradeRequest): Fill {
    const draft = this.clone();
    const fill = req.kind === 'perp' ? draft.applyPerp(req) : draft.applySpot(req);
    if (!req.reduceOnly) {
      const m = draft.margin();
      if (m.totalCollateral < m.initialRequirement) {
        throw new VenueError(VENUE, 'not enough free collateral for this order', { programError: 'InsufficientCollateral' });
      }
    }
    this.adopt(draft);
    return fill;
  }

  /** Executes several trades as one: all fill, or none does (the ledger is unchanged on any error). */
  tradeAll(reqs: readonly TradeRequest[]): Fill[] {
    const draft = this.clone();
    const fills = reqs.map((r) => draft.trade(r));
    this.adopt(draft);
    return fills;
  }

  /** Takes over another ledger's books (not its prices): the commit step of every all-or-nothing change. */
  adopt(other: Ledger): void {
    this.spot.clear();
    for (const [k, v] of other.spot) this.spot.set(k, v);
    this.perps.clear();
    for (const [k, v] of other.perps) this.perps.set(k, v);
    this.lps.clear();
    for (const [k, v] of other.lps) this.lps.set(k, v);
    this.realizedPnl = other.realizedPnl;
  }

  private fillPrice(markRaw: bigint, side: 'buy' | 'sell', notionalUsd: number, impactBpsPerMillion: number): { priceRaw: bigint; slippageBps: number } {
    const slippageBps = (impactBpsPerMillion * notionalUsd) / 1e6;
    const factor = fromNumber(1 + (side === 'buy' ? 1 : -1) * (slippageBps / 10_000), 9);
    return { priceRaw: (markRaw * factor) / 10n ** 9n, slippageBps };
  }

  private checkLimit(req: TradeRequest, priceRaw: bigint): void {
    if (req.limitPrice === undefined) return;
    const limit = fromNumber(req.limitPrice, PRICE_DECIMALS);
    if ((req.side === 'buy' && priceRaw > limit) || (req.side === 'sell' && priceRaw < limit)) {
      throw new VenueError(VENUE, `fill price would be beyond the limit ${req.limitPrice}`, { programError: 'SlippageOutsideLimit' });
    }
  }

  private applyPerp(req: TradeRequest): Fill {
    const spec = this.perpSpec(req.market);
    if (req.sizeRaw <= 0n) throw new VenueError(VENUE, 'order size must be positive', { programError: 'InvalidOrderSize' });
    if (req.sizeRaw < spec.stepRaw) throw new VenueError(VENUE, 'order is below the minimum size', { programError: 'OrderAmountTooSmall' });
    if (req.sizeRaw % spec.stepRaw !== 0n) throw new VenueError(VENUE, 'order size is not a multiple of the step', { programError: 'OrderNotStepSizeMultiple' });
    const p = this.perpState(spec.market);
    const delta = req.side === 'buy' ? req.sizeRaw : -req.sizeRaw;
    if (req.reduceOnly && (p.base === 0n || (p.base > 0n) === (delta > 0n) || absBig(delta) > absBig(p.base))) {
      throw new VenueError(VENUE, 'reduce-only order would increase or flip the position', { programError: 'InvalidOrderNotRiskReducing' });
    }
    const mark = this.perpPrice(spec);
    const notional = Math.abs(toNumber(valueOf(req.sizeRaw, BASE_DECIMALS, mark), USD_DECIMALS));
    const { priceRaw, slippageBps } = this.fillPrice(mark, req.side, notional, spec.impactBpsPerMillion);
    this.checkLimit(req, priceRaw);
    const cost = -valueOf(delta, BASE_DECIMALS, priceRaw); // quote flow: buying costs (negative)
    const fee = (absBig(cost) * BigInt(Math.round(spec.takerFeeBps * 100))) / 1_000_000n;
    let realized = 0n;
    if (p.base === 0n || (p.base > 0n) === (delta > 0n)) {
      p.base += delta;
      p.quoteEntry += cost;
    } else if (absBig(delta) <= absBig(p.base)) {
      const removed = (p.quoteEntry * absBig(delta)) / absBig(p.base);
      realized = cost + removed;
      p.base += delta;
      p.quoteEntry -= removed;
      if (p.base === 0n) p.quoteEntry = 0n;
    } else {
      // Flip: close the whole position at this price, open the rest the other way.
      const closeCost = (cost * absBig(p.base)) / absBig(delta);
      realized = closeCost + p.quoteEntry;
      p.base += delta;
      p.quoteEntry = cost - closeCost;
    }
    p.realizedPnl += realized;
    this.realizedPnl += realized;
    this.spotState('USDC').balance += realized - fee;
    return { kind: 'perp', market: spec.market, side: req.side, sizeRaw: req.sizeRaw, priceRaw, feeUsd: fee, realizedPnlUsd: realized, slippageBps };
  }

  private applySpot(req: TradeRequest): Fill {
    const asset = req.market.toUpperCase() as PaperAsset;
    const spec = SPOT_SPECS[asset];
    if (!spec || asset === 'USDC') throw new VenueError(VENUE, `no spot market ${req.market} against USDC`, { programError: 'MarketNotFound' });
    if (req.sizeRaw <= 0n) throw new VenueError(VENUE, 'order size must be positive', { programError: 'InvalidOrderSize' });
    if (req.sizeRaw < spec.minOrderRaw) throw new VenueError(VENUE, 'order is below the minimum size', { programError: 'OrderAmountTooSmall' });
    const s = this.spotState(asset);
    if (req.side === 'sell' && req.sizeRaw > s.balance) {
      throw new VenueError(VENUE, `cannot sell more ${asset} than the account holds`, { programError: 'InsufficientDeposit' });
    }
    if (req.reduceOnly && req.side === 'buy') {
      throw new VenueError(VENUE, 'reduce-only spot order must sell', { programError: 'InvalidOrderNotRiskReducing' });
    }
    const mark = this.price(asset);
    const notional = toNumber(valueOf(req.sizeRaw, spec.decimals, mark), USD_DECIMALS);
    const { priceRaw, slippageBps } = this.fillPrice(mark, req.side, notional, spec.impactBpsPerMillion);
    this.checkLimit(req, priceRaw);
    const value = valueOf(req.sizeRaw, spec.decimals, priceRaw);
    const fee = (value * BigInt(Math.round(spec.feeBps * 100))) / 1_000_000n;
    const usdc = this.spotState('USDC');
    let realized = 0n;
    if (req.side === 'buy') {
      s.balance += req.sizeRaw;
      s.costBasis += value;
      usdc.balance -= value + fee;
    } else {
      const removed = s.balance > 0n ? (s.costBasis * req.sizeRaw) / s.balance : 0n;
      realized = value - removed;
      s.balance -= req.sizeRaw;
      s.costBasis -= removed;
      usdc.balance += value - fee;
      this.realizedPnl += realized;
    }
    return { kind: 'spot', market: asset, side: req.side, sizeRaw: req.sizeRaw, priceRaw, feeUsd: fee, realizedPnlUsd: realized, slippageBps };
  }

  /** Value of an LP position at current prices, micro-USD (bins + unclaimed fees). */
  lpValue(lp: LpState): { value: bigint; base: bigint; quote: bigint; fees: bigint } {
    const spec = POOL_SPECS[lp.pool];
    if (!spec) throw new Error(`unknown pool ${lp.pool}`);
    let base = 0n;
    let quote = 0n;
    for (const b of lp.bins.values()) {
      base += b.base;
      quote += b.quote;
    }
    const baseSpec = SPOT_SPECS[spec.base];
    const quoteSpec = SPOT_SPECS[spec.quote];
    const fees = valueOf(lp.feesQuote, quoteSpec.decimals, this.price(spec.quote));
    const value = valueOf(base, baseSpec.decimals, this.price(spec.base)) + valueOf(quote, quoteSpec.decimals, this.price(spec.quote));
    return { value, base, quote, fees };
  }

  perpSpec(market: string): PerpSpec {
    const spec = PERP_SPECS[market.toUpperCase()];
    if (!spec) throw new VenueError(VENUE, `no perp market ${market}`, { programError: 'MarketNotFound' });
    return spec;
  }

  private perpState(market: string): PerpState {
    let p = this.perps.get(market);
    if (!p) {
      p = { market, base: 0n, quoteEntry: 0n, fundingPnl: 0n, realizedPnl: 0n };
      this.perps.set(market, p);
    }
    return p;
  }

  private spotState(asset: PaperAsset): SpotState {
    const s = this.spot.get(asset);
    if (!s) throw new RangeError(`unknown asset ${asset}`);
    return s;
  }
}
