/**
 * Hedge planner (seed 003 HedgingEngine.calculate_hedge_requirements, seed 000 DynamicHedger, seed 002 delta
 * neutrality): perp trades that bring the net delta of each underlying — spot + perps + LP price sensitivity, across
 * venues — to a target, within a tolerance band.
 *
 * - An underlying with a perp is hedged with it. One without is cross-hedged with the perp of the asset that explains
 *   most of its daily variance (regression β and R² supplied by the caller): β × its gap goes on the proxy, so "delta"
 *   after is the beta-adjusted one and the card says how good the proxy is (R²).
 * - Gaps are summed per perp market (hedging everything trades each perp once). A gap inside the band is left alone.
 * - Sizes are exact base units on the market's step (nearest step: the band is at least one step wide).
 * - Margin and RiskLimits: if the hedge would leave negative free collateral, push leverage past the limit (or past
 *   where it already is, if higher) or grow a perp past the position-size limit, it is scaled down until it fits, and
 *   the card says so.
 */
import type { MarketInfo, PlanLeg } from '../../domain/index.ts';
import { marginAt } from '../../risk/margin.ts';
import type { RiskModel } from '../risk-model.ts';
import { applyLegs, heldUnits, leverageOf, legFor, netDeltas, priceOf, usd } from './book.ts';

/** Smallest tolerance band, USD of delta. */
export const HEDGE_MIN_TOLERANCE_USD = 50;

export type HedgeTarget =
  /** Net delta to reach, USD (0: delta-neutral). */
  | { readonly kind: 'usd'; readonly usd: number }
  /** Fraction of today's delta to keep (0.5: hedge half). */
  | { readonly kind: 'keep'; readonly fraction: number };

export interface CrossHedge {
  readonly proxy: string;
  /** Regression slope of the asset's daily returns on the proxy's. */
  readonly beta: number;
  readonly r2: number;
}

export interface HedgeInput {
  readonly model: RiskModel;
  readonly markets: readonly MarketInfo[];
  /** Only this underlying (default: every underlying with a delta). */
  readonly asset?: string;
  readonly target: HedgeTarget;
  /** Best proxy for an asset without a perp, or null. */
  readonly crossHedge: (asset: string) => CrossHedge | null;
  readonly maxLeverage: number;
  /** RiskLimits.maxPositionSizeUsd: a perp the hedge grows may not pass it (or its size today, if larger). */
  readonly maxPositionUsd?: number;
  readonly toleranceUsd?: number;
}

export interface HedgeRow {
  readonly asset: string;
  readonly deltaBefore: number;
  readonly targetUsd: number;
  /** Perp market the gap goes on. */
  readonly via: string | null;
  readonly cross?: CrossHedge;
}

export interface HedgePlan {
  readonly legs: PlanLeg[];
  readonly rows: HedgeRow[];
  readonly notes: string[];
  /** Band per market, USD. */
  readonly toleranceUsd: Readonly<Record<string, number>>;
  /** Fraction of the full hedge sent (< 1 when margin or limits bit). */
  readonly scale: number;
}

/** Perp market of an asset, preferring a venue where the book already has a margin account. */
export function perpFor(markets: readonly MarketInfo[], model: RiskModel, asset: string): MarketInfo | undefined {
  const perps = markets.filter((m) => m.kind === 'perp' && m.asset === asset);
  return perps.find((m) => model.accounts.some((a) => a.venue === m.venue)) ?? perps[0];
}

/** Band for a market: the configured floor, or one order step if that is wider. */
export function toleranceFor(m: MarketInfo, price: number, floorUsd = HEDGE_MIN_TOLERANCE_USD): number {
  const stepUsd = (Number(m.stepRaw) / 10 ** m.baseDecimals) * m.contractSize * price;
  return Math.max(floorUsd, stepUsd);
}

function targetOf(t: HedgeTarget, delta: number): number {
  return t.kind === 'usd' ? t.usd : delta * t.fraction;
}

export function planHedge(input: HedgeInput): HedgePlan {
  const { model, markets } = input;
  const deltas = netDeltas(model);
  const scope = input.asset ? [input.asset] : Object.keys(deltas).filter((a) => Math.abs(deltas[a] ?? 0) > 0).sort();
  const rows: HedgeRow[] = [];
  const notes: string[] = [];
  const needs = new Map<MarketInfo, number>();
  for (const asset of scope) {
    const delta = deltas[asset] ?? 0;
    const targetUsd = targetOf(input.target, delta);
    const gap = targetUsd - delta;
    const direct = perpFor(markets, model, asset);
    if (direct) {
      needs.set(direct, (needs.get(direct) ?? 0) + gap);
      rows.push({ asset, deltaBefore: delta, targetUsd, via: direct.market });
      continue;
    }
    const cross = input.crossHedge(asset);
    const proxy = cross ? perpFor(markets, model, cross.proxy) : undefined;
    if (!cross || !proxy) {
      notes.push(`${asset} has no perp and no usable proxy: not hedged.`);
      rows.push({ asset, deltaBefore: delta, targetUsd, via: null });
      continue;
    }
    needs.set(proxy, (needs.get(proxy) ?? 0) + gap * cross.beta);
    rows.push({ asset, deltaBefore: delta, targetUsd, via: proxy.market, cross });
    notes.push(`${asset} cross-hedged with ${proxy.market}: β ${cross.beta.toFixed(2)}, R² ${cross.r2.toFixed(2)} (${Math.round(cross.r2 * 100)}% of its daily variance explained).`);
  }
  const toleranceUsd: Record<string, number> = {};
  const wanted: { m: MarketInfo; gapUsd: number }[] = [];
  for (const [m, gapUsd] of needs) {
    const tol = input.toleranceUsd !== undefined ? Math.max(input.toleranceUsd, toleranceFor(m, priceOf(model, m.asset), 0)) : toleranceFor(m, priceOf(model, m.asset));
    toleranceUsd[m.market] = tol;
    if (Math.abs(gapUsd) <= tol) notes.push(`${m.market}: already within ±${usd(tol)} of the target.`);
    else wanted.push({ m, gapUsd });
  }
  const build = (scale: number): PlanLeg[] => wanted.flatMap(({ m, gapUsd }) => {
    const price = priceOf(model, m.asset);
    const units = (gapUsd * scale) / price;
    const held = heldUnits(model, m.venue, m);
    const leg = legFor(m, units, price, { reduceOnly: false, round: scale < 1 ? 'down' : 'nearest' });
    if (!leg) return [];
    // Reduce-only is decided on the rounded order in exact base units: one that closes the perp exactly is reduce-only
    // (float noise in `units` must not lose the flag), one rounded past what is held is not (the venue would reject it).
    const heldRaw = BigInt(Math.round((Math.abs(held) / m.contractSize) * 10 ** m.baseDecimals));
    return [{ ...leg, reduceOnly: held !== 0 && Math.sign(held) !== Math.sign(units) && leg.size.raw <= heldRaw }];
  });
  let scale = 1;
  let legs = build(1);
  // Leverage today, once: the bisection below asks `fits` up to 31 times.
  const leverageBefore = leverageOf(model);
  if (!fits(input, legs, leverageBefore)) {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (fits(input, build(mid), leverageBefore)) lo = mid;
      else hi = mid;
    }
    scale = lo;
    legs = build(lo);
    const cap = input.maxPositionUsd !== undefined ? `, the ${usd(input.maxPositionUsd)} position limit` : '';
    notes.push(`Scaled to ${(lo * 100).toFixed(0)}% of the full hedge: the rest would exceed free collateral${cap} or the ${input.maxLeverage}x leverage limit.`);
  }
  return { legs, rows, notes, toleranceUsd, scale };
}

/** Free initial collateral stays ≥ 0 in every account touched, and leverage within the limit (or no worse). */
function fits(input: HedgeInput, legs: readonly PlanLeg[], leverageBefore: number): boolean {
  if (legs.length === 0) return true;
  const after = applyLegs(input.model, legs, input.markets);
  for (const a of after.accounts) {
    if (!legs.some((l) => l.venue === a.venue)) continue;
    const m = marginAt(a, after.prices);
    if (m.initialCollateral < m.initialRequirement && !legs.every((l) => l.reduceOnly)) return false;
  }
  if (input.maxPositionUsd !== undefined) {
    for (const l of legs) {
      const m = input.markets.find((x) => x.venue === l.venue && x.market === l.market);
      if (!m) continue;
      const price = priceOf(input.model, m.asset);
      const was = Math.abs(heldUnits(input.model, m.venue, m) * price);
      const now = Math.abs(heldUnits(after, m.venue, m) * price);
      if (now > Math.max(input.maxPositionUsd, was) + 1e-6) return false;
    }
  }
  return leverageOf(after) <= Math.max(input.maxLeverage, leverageBefore) + 1e-9;
}
