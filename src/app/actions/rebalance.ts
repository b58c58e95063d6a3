/**
 * Rebalance planner (seed 001 Oracle → PortfolioManager → DEX; seed 000's 5% threshold): spot trades, USDC as the cash
 * leg, that bring each asset's share of gross exposure back to the oracle's weight.
 *
 * - Only assets whose weight is off by more than the threshold trade ("drifted"). The others keep their exposure, so
 *   the book's new gross G' is set for the traded ones to land exactly on target with the rest held:
 *   G' = Σ untouched exposure / (1 − Σ traded target weights) (G' = G when everything trades or the traded targets sum
 *   to 1), kept within ±MAX_GROSS_CHANGE of today's gross G so small targets cannot blow the book up. Then, with every
 *   untouched asset at its exposure and every traded one at w × G', any untouched asset off by more than the threshold
 *   joins the traded set; if only traded ones are off (the untouched mass keeps them from landing), the untouched asset
 *   furthest from its target joins. Repeat until nothing is off (everything trading always lands: G' = G).
 * - A sell is capped at the spot balance; beyond it, a long perp of the asset is reduced (reduce-only). Exposure held
 *   in an LP or a short perp cannot be sold here: the card says so.
 * - Trades under the minimum (REBALANCE_MIN_TRADE_USD or the market's minimum) are skipped and listed.
 * - Buys are paid from USDC; if the USDC balance cannot pay for them after the sells, buys are scaled down to it (a
 *   rebalance never borrows).
 * - A negative target weight is a short (a long-short optimiser's weights w / Σ|w|): the asset's short perps become
 *   their own line in the drift maths (key "<asset> short", target |w|) and its long side (spot, long perps, LP)
 *   targets 0, so the spot is sold and long perps cut as above, and the short is opened or grown on the asset's perp
 *   ("SOL-PERP"; never a negative spot amount), or bought back reduce-only when it is too big. With `signed` (long-
 *   short weights) an asset whose target is 0 or more is split too when it holds a short perp: the short line targets
 *   0 (bought back, reduce-only) and the long side the weight.
 * - Sells come first, then the short-perp legs, then buys.
 */
import type { MarketInfo, PlanLeg } from '../../domain/index.ts';
import type { Weights } from '../../ports/index.ts';
import type { RiskModel } from '../risk-model.ts';
import { grossExposures, heldUnits, legFor, priceOf, STABLES, usd } from './book.ts';

/** Seed 000: rebalance when a weight is off by more than 5 points. */
export const DEFAULT_REBALANCE_THRESHOLD = 0.05;
/** Largest change of gross exposure a rebalance may plan, fraction of today's. */
export const MAX_GROSS_CHANGE = 0.5;

/**
 * Which assets trade and the gross they trade to (see the file comment): starts from those off by more than
 * `threshold`, grows until every asset lands within it.
 */
export function tradedSet(exposure: Readonly<Record<string, number>>, weights: Readonly<Record<string, number>>, threshold: number): { traded: Set<string>; gross: number } {
  const universe = [...new Set([...Object.keys(exposure), ...Object.keys(weights)])].sort();
  const e = (a: string): number => exposure[a] ?? 0;
  const w = (a: string): number => weights[a] ?? 0;
  const G = universe.reduce((s, a) => s + e(a), 0);
  const traded = new Set(universe.filter((a) => G > 0 && Math.abs(e(a) / G - w(a)) > threshold));
  let Gp = G;
  for (let guard = 0; guard <= universe.length; guard++) {
    const fixed = universe.filter((a) => !traded.has(a)).reduce((s, a) => s + e(a), 0);
    const wT = [...traded].reduce((s, a) => s + w(a), 0);
    Gp = wT >= 1 - 1e-12 || fixed === 0 ? G : fixed / (1 - wT);
    Gp = Math.min(G * (1 + MAX_GROSS_CHANGE), Math.max(G * (1 - MAX_GROSS_CHANGE), Gp));
    const after = (a: string): number => (traded.has(a) ? w(a) * Gp : e(a));
    const G2 = universe.reduce((s, a) => s + after(a), 0);
    if (!(G2 > 0)) break;
    const off = (a: string): number => Math.abs(after(a) / G2 - w(a));
    const offenders = universe.filter((a) => off(a) > threshold);
    if (offenders.length === 0) break;
    const pushed = offenders.filter((a) => !traded.has(a));
    if (pushed.length > 0) {
      for (const a of pushed) traded.add(a);
      continue;
    }
    const untouched = universe.filter((a) => !traded.has(a) && e(a) > 0).sort((a, b) => off(b) - off(a) || e(b) - e(a) || (a < b ? -1 : 1));
    if (untouched.length === 0) break;
    traded.add(untouched[0] as string);
  }
  return { traded, gross: Gp };
}

export interface RebalanceInput {
  readonly model: RiskModel;
  readonly markets: readonly MarketInfo[];
  /** Validated target weights, shares of gross exposure: Σ|w| = 1, a negative weight is a short (a perp). */
  readonly weights: Weights;
  /** Absolute weight difference that triggers a trade, fraction. */
  readonly threshold: number;
  readonly minTradeUsd: number;
  /**
   * Long-short weights (a long-short optimiser's or file's): the short perps of every asset are their own line, so
   * one held under a long (or zero) target is bought back. Without it a short perp counts as the asset's exposure.
   */
  readonly signed?: boolean;
}

export interface RebalanceRow {
  /** The asset, or "<asset> short" for the short perps of an asset with a negative target weight (target = |w|). */
  readonly asset: string;
  /** The asset itself, for both of its lines. */
  readonly underlying: string;
  readonly current: number;
  readonly target: number;
  /** USD to buy (+) or sell (−); 0 when inside the threshold. */
  readonly tradeUsd: number;
  readonly drifted: boolean;
}

export interface RebalancePlan {
  readonly legs: PlanLeg[];
  readonly rows: RebalanceRow[];
  readonly notes: string[];
  /** Gross exposure before and planned after, USD. */
  readonly grossBefore: number;
  readonly grossAfter: number;
}

/**
 * Signed weights summing to 1 (fractions of capital, a long-short optimiser's) as this planner's input: each divided by
 * Σ|w|, so they become signed shares of gross exposure (Σ|w| = 1). Long-only weights come back as they are.
 */
export function grossShares(weights: Weights): Weights {
  const gross = Object.values(weights).reduce((s, w) => s + Math.abs(w), 0);
  if (!Object.values(weights).some((w) => w < 0) || !(gross > 0)) return weights;
  return Object.freeze(Object.fromEntries(Object.entries(weights).map(([a, w]) => [a, w / gross])));
}

/** The drift-maths key of an asset's short perps, for a negative target weight. */
export function shortKey(asset: string): string {
  return `${asset} short`;
}

/** USD notional of the short perps held on `asset`, over every venue. */
function shortPerpUsd(model: RiskModel, asset: string): number {
  let units = 0;
  for (const a of model.accounts) for (const p of a.perps) if (p.asset === asset && p.units < 0) units -= p.units;
  return units * priceOf(model, asset);
}

/** The perp to short `asset` on: where a short is held, else a venue with an account, else the first listed. */
function shortMarket(markets: readonly MarketInfo[], model: RiskModel, asset: string): MarketInfo | undefined {
  const perps = markets.filter((m) => m.kind === 'perp' && m.asset === asset);
  return perps.find((m) => heldUnits(model, m.venue, m) < 0) ?? perps.find((m) => model.accounts.some((a) => a.venue === m.venue)) ?? perps[0];
}

function spotMarket(markets: readonly MarketInfo[], model: RiskModel, asset: string): MarketInfo | undefined {
  const spots = markets.filter((m) => m.kind === 'spot' && m.asset === asset);
  return spots.find((m) => heldUnits(model, m.venue, m) !== 0) ?? spots.find((m) => model.accounts.some((a) => a.venue === m.venue)) ?? spots[0];
}

export function planRebalance(input: RebalanceInput): RebalancePlan {
  const { model, markets, weights, threshold } = input;
  const stablesInTarget = Object.keys(weights).filter((a) => STABLES.has(a));
  const all = grossExposures(model, true);
  const exposure: Record<string, number> = {};
  for (const [a, v] of Object.entries(all)) if (!STABLES.has(a) || stablesInTarget.includes(a)) exposure[a] = v;
  // Shorts: split the asset into its long side (target max(w, 0)) and its short perps (target max(−w, 0)); see the
  // file comment. Long-short (`signed`), every asset holding a short perp is split, so a short under a long target
  // is bought back rather than counted as exposure to sell.
  const targets: Record<string, number> = { ...weights };
  const shorted = new Map<string, string>();
  for (const a of [...new Set([...Object.keys(weights), ...Object.keys(exposure)])]) {
    const wa = weights[a] ?? 0;
    const short = STABLES.has(a) ? 0 : shortPerpUsd(model, a);
    if (STABLES.has(a) || !(wa < 0 || (input.signed === true && short > 0))) continue;
    exposure[a] = Math.max(0, (exposure[a] ?? 0) - short);
    exposure[shortKey(a)] = short;
    targets[a] = Math.max(0, wa);
    targets[shortKey(a)] = Math.max(0, -wa);
    shorted.set(shortKey(a), a);
  }
  const universe = [...new Set([...Object.keys(exposure), ...Object.keys(targets)])].sort();
  const G = universe.reduce((s, a) => s + (exposure[a] ?? 0), 0);
  const cur = (a: string): number => (G > 0 ? (exposure[a] ?? 0) / G : 0);
  const w = (a: string): number => targets[a] ?? 0;
  const { traded, gross: Gp } = tradedSet(exposure, targets, threshold);
  const notes: string[] = [];
  if (G > 0 && Math.abs(Gp / G - 1) >= MAX_GROSS_CHANGE - 1e-9) {
    notes.push(`Gross exposure planned to change by ${((Gp / G - 1) * 100).toFixed(0)}%, the most a rebalance may (±${MAX_GROSS_CHANGE * 100}%).`);
  }
  const sells: PlanLeg[] = [];
  const shortLegs: PlanLeg[] = [];
  const buys: { m: MarketInfo; buyUsd: number; price: number }[] = [];
  const rows: RebalanceRow[] = [];
  for (const asset of universe) {
    const drifted = traded.has(asset);
    const tradeUsd = drifted ? w(asset) * Gp - (exposure[asset] ?? 0) : 0;
    const underlying = shorted.get(asset);
    // A short line grows by selling the perp: its order is a sell (−) when its exposure must rise.
    const orderUsd = underlying === undefined ? tradeUsd : -tradeUsd;
    rows.push({ asset, underlying: underlying ?? asset, current: cur(asset), target: w(asset), tradeUsd: orderUsd, drifted });
    if (!drifted || STABLES.has(asset)) continue;
    if (Math.abs(tradeUsd) < input.minTradeUsd) {
      notes.push(`${asset}: ${orderUsd > 0 ? 'buy' : 'sell'} of ${usd(Math.abs(tradeUsd))} is under the ${usd(input.minTradeUsd)} minimum trade: skipped.`);
      continue;
    }
    if (underlying !== undefined) {
      const leg = shortLeg(model, markets, underlying, tradeUsd, notes);
      if (leg) shortLegs.push(leg);
      continue;
    }
    const price = priceOf(model, asset);
    const spot = spotMarket(markets, model, asset);
    if (tradeUsd > 0) {
      if (!spot) notes.push(`${asset}: no spot market to buy on: skipped.`);
      else buys.push({ m: spot, buyUsd: tradeUsd, price });
      continue;
    }
    let left = -tradeUsd / price;
    if (spot) {
      const held = Math.max(0, heldUnits(model, spot.venue, spot));
      const units = Math.min(left, held);
      const heldRaw = BigInt(Math.round(held * 10 ** spot.baseDecimals));
      const leg = units > 0 ? legFor(spot, -units, price, { reduceOnly: true, round: 'nearest', maxRaw: heldRaw }) : null;
      if (leg) {
        sells.push(leg);
        left -= Number(leg.size.raw) / 10 ** spot.baseDecimals;
      } else if (units > 0) {
        notes.push(`${asset}: sell of ${usd(units * price)} is under the market's minimum order: skipped.`);
        left -= units;
      }
    }
    if (left * price > input.minTradeUsd) {
      const perp = markets.find((m) => m.kind === 'perp' && m.asset === asset && heldUnits(model, m.venue, m) > 0);
      const heldPerp = perp ? heldUnits(model, perp.venue, perp) : 0;
      const units = Math.min(left, heldPerp);
      const leg = perp && units > 0
        ? legFor(perp, -units, price, { reduceOnly: true, round: 'nearest', maxRaw: BigInt(Math.round((heldPerp / perp.contractSize) * 10 ** perp.baseDecimals)) })
        : null;
      if (leg) {
        sells.push(leg);
        left -= (Number(leg.size.raw) / 10 ** leg.size.decimals) * (perp?.contractSize ?? 1);
      } else if (perp && units > 0) {
        notes.push(`${asset}: sell of ${usd(units * price)} is under the market's minimum order: skipped.`);
        left -= units;
      }
      if (left * price > input.minTradeUsd) {
        notes.push(`${asset}: ${usd(left * price)} of the sell is held in an LP or a short perp and cannot be sold here.`);
      }
    }
  }
  // Cash: USDC on hand plus what the sells bring, less their fees.
  const usdcHeld = model.accounts.reduce((s, a) => s + (a.spot.find((x) => x.asset === 'USDC')?.units ?? 0), 0);
  const proceeds = sells.filter((l) => l.kind === 'spot').reduce((s, l) => s + Number(l.notionalUsd - l.estFeeUsd - l.estSlippageUsd) / 1e6, 0);
  const cash = Math.max(0, usdcHeld + proceeds);
  const cost = buys.reduce((s, b) => s + b.buyUsd * (1 + (b.m.takerFeeBps + (b.m.impactBpsPerMillion * b.buyUsd) / 1e6) / 10_000), 0);
  const scale = cost > cash ? cash / cost : 1;
  if (scale < 1) notes.push(`Buys scaled to ${(scale * 100).toFixed(0)}%: the book has ${usd(cash)} of USDC for them (a rebalance does not borrow).`);
  const buyLegs = buys.flatMap(({ m, buyUsd, price }) => {
    const leg = legFor(m, (buyUsd * scale) / price, price, { reduceOnly: false, round: scale < 1 ? 'down' : 'nearest' });
    if (!leg && buyUsd * scale > 0) notes.push(`${m.asset}: buy of ${usd(buyUsd * scale)} is under the market's minimum order: skipped.`);
    return leg ? [leg] : [];
  });
  const grossAfter = Gp;
  return { legs: [...sells, ...shortLegs, ...buyLegs], rows, notes, grossBefore: G, grossAfter };
}

/** The perp leg that moves `asset`'s short by `moreShortUsd` (> 0 sells to open or grow it, < 0 buys back, reduce-only). */
function shortLeg(model: RiskModel, markets: readonly MarketInfo[], asset: string, moreShortUsd: number, notes: string[]): PlanLeg | null {
  const perp = shortMarket(markets, model, asset);
  if (!perp) {
    notes.push(`${asset}: no perp market to short on: skipped.`);
    return null;
  }
  const price = priceOf(model, asset);
  let leg: PlanLeg | null;
  if (moreShortUsd > 0) {
    leg = legFor(perp, -moreShortUsd / price, price, { reduceOnly: false, round: 'nearest' });
  } else {
    const held = Math.max(0, -heldUnits(model, perp.venue, perp));
    const units = Math.min(-moreShortUsd / price, held);
    const maxRaw = BigInt(Math.round((held / perp.contractSize) * 10 ** perp.baseDecimals));
    leg = units > 0 ? legFor(perp, units, price, { reduceOnly: true, round: 'nearest', maxRaw }) : null;
  }
  if (!leg) notes.push(`${asset}: ${perp.market} ${moreShortUsd > 0 ? 'short' : 'buy-back'} of ${usd(Math.abs(moreShortUsd))} is under the market's minimum order: skipped.`);
  return leg;
}
