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
 *   where it already is, if higher) or grow a perp past the position-size limit, it is cut down until it fits, and the
 *   card says so.
 * - What only reduces a perp held (reduce-only, at most its size) lowers the margin requirement and the exposure: it is
 *   always sent, even from a book already past a limit. The limits are then measured from the book after it, as if it
 *   had been sent first: a leg that crosses zero keeps its opening part only if all of it fits (otherwise it is capped
 *   at the size held, with a note), and legs that open or grow a perp are scaled down together until they fit.
 */
import type { MarketInfo, PlanLeg } from '../../domain/index.ts';
import { marginAt } from '../../risk/margin.ts';
import { fmtAmount } from '../../shared/format.ts';
import type { RiskModel } from '../risk-model.ts';
import { applyLegs, heldUnits, legUnits, leverageOf, legFor, netDeltas, priceOf, usd } from './book.ts';

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
  const parts: Part[] = wanted.map(({ m, gapUsd }) => {
    const price = priceOf(model, m.asset);
    const units = gapUsd / price;
    const held = heldUnits(model, m.venue, m);
    const heldRaw = BigInt(Math.round((Math.abs(held) / m.contractSize) * 10 ** m.baseDecimals));
    // The part of the order that only shrinks the perp held (never past it: the venue rejects a bigger reduce-only).
    const opposes = held !== 0 && Math.sign(held) !== Math.sign(units);
    const reduce = opposes ? legFor(m, Math.sign(units) * Math.min(Math.abs(units), Math.abs(held)), price, { reduceOnly: true, maxRaw: heldRaw }) : null;
    const full = legAt({ m, price, units, held, heldRaw }, 1);
    const kind: Part['kind'] = full?.reduceOnly ? 'reduce' : reduce ? 'cross' : 'open';
    return { m, price, gapUsd, units, held, heldRaw, reduce, full, kind };
  });
  const full = parts.flatMap((p) => (p.full ? [p.full] : []));
  // Reduce-only parts lower the margin requirement and the exposure: they are always sent, and what the rest of the
  // hedge opens is held to the limits from where they leave the book (the same as sending them first, then hedging).
  const reduceLegs = parts.flatMap((p) => (p.reduce ? [p.reduce] : []));
  const exempt = reduceLegs.length > 0 && lowersRequirement(input, reduceLegs);
  const base = exempt ? applyLegs(model, reduceLegs, markets) : model;
  // Leverage of the base, once: the bisection below asks `misfit` up to 31 times.
  const limits: Baseline = { model: base, leverage: leverageOf(base) };
  if (misfit(input, full, limits).length === 0) return { legs: full, rows, notes, toleranceUsd, scale: 1 };
  const capText = input.maxPositionUsd !== undefined ? `, the ${usd(input.maxPositionUsd)} position limit` : '';
  const scaledNote = (lo: number): string => `Scaled to ${(lo * 100).toFixed(0)}% of the full hedge: the rest would exceed free collateral${capText} or the ${input.maxLeverage}x leverage limit.`;
  if (!exempt) {
    // Nothing held to reduce: the whole hedge is scaled down until it fits.
    const build = (scale: number): PlanLeg[] => parts.flatMap((p) => legAt(p, scale) ?? []);
    const lo = bisect((scale) => misfit(input, build(scale), limits).length === 0);
    notes.push(scaledNote(lo));
    return { legs: build(lo), rows, notes, toleranceUsd, scale: lo };
  }
  // A leg that crosses zero sends its reduce-only part, plus the rest (which opens the other side) only if all of it fits.
  const chosen = new Map<Part, PlanLeg>();
  for (const p of parts) if (p.reduce) chosen.set(p, p.reduce);
  for (const p of parts) {
    const whole = p.full;
    if (p.kind !== 'cross' || !p.reduce || !whole) continue;
    const why = misfit(input, parts.flatMap((x) => (x === p ? [whole] : (chosen.get(x) ?? []))), limits);
    if (why.length === 0) {
      chosen.set(p, whole);
      continue;
    }
    const side = p.held > 0 ? 'short' : 'long';
    notes.push(`${p.m.market}: capped at the ${fmtAmount(p.reduce.size, p.m.market, 4)} held (reduce-only); going ${side} past it would exceed ${why.join(' and ')}.`);
  }
  // Legs that only open or grow a perp are scaled down together until they fit beside the ones above.
  const opens = parts.filter((p) => p.kind === 'open');
  const build = (scale: number): PlanLeg[] => parts.flatMap((p) => chosen.get(p) ?? (p.kind === 'open' ? legAt(p, scale) : null) ?? []);
  const lo = opens.length === 0 || misfit(input, build(1), limits).length === 0 ? 1 : bisect((scale) => misfit(input, build(scale), limits).length === 0);
  const legs = build(lo);
  // Fraction of the full hedge sent, by USD of delta moved.
  const wantedUsd = parts.reduce((sum, p) => sum + Math.abs(p.gapUsd), 0);
  const sentUsd = legs.reduce((sum, l) => {
    const p = parts.find((x) => x.m.venue === l.venue && x.m.market === l.market);
    return p ? sum + Math.abs(legUnits(l, p.m) * p.price) : sum;
  }, 0);
  const scale = wantedUsd > 0 ? Math.min(1, sentUsd / wantedUsd) : 1;
  if (lo < 1) notes.push(scaledNote(scale));
  return { legs, rows, notes, toleranceUsd, scale };
}

/** One market's share of the hedge. */
interface Part {
  readonly m: MarketInfo;
  /** USD per unit of the asset. */
  readonly price: number;
  readonly gapUsd: number;
  /** Signed units of the asset the full hedge trades. */
  readonly units: number;
  /** Signed units held in the perp today, and the same in base units. */
  readonly held: number;
  readonly heldRaw: bigint;
  /** The reduce-only part (opposes the perp held, at most its size), or null. */
  readonly reduce: PlanLeg | null;
  /** The whole order, or null when it rounds to nothing. */
  readonly full: PlanLeg | null;
  /** reduce: the whole order only shrinks the perp; cross: it shrinks it and opens the other side; open: it opens or grows one. */
  readonly kind: 'reduce' | 'cross' | 'open';
}

/** The order for `scale` of a market's hedge; reduce-only exactly when it shrinks the perp held without passing it. */
function legAt(p: Pick<Part, 'm' | 'price' | 'units' | 'held' | 'heldRaw'>, scale: number): PlanLeg | null {
  const units = p.units * scale;
  const leg = legFor(p.m, units, p.price, { reduceOnly: false, round: scale < 1 ? 'down' : 'nearest' });
  if (!leg) return null;
  // Reduce-only is decided on the rounded order in exact base units: one that closes the perp exactly is reduce-only
  // (float noise in `units` must not lose the flag), one rounded past what is held is not (the venue would reject it).
  return { ...leg, reduceOnly: p.held !== 0 && Math.sign(p.held) !== Math.sign(units) && leg.size.raw <= p.heldRaw };
}

/** Largest scale in [0, 1] (to 2⁻³⁰) at which `ok` holds, given that it holds at 0. */
function bisect(ok: (scale: number) => boolean): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Whether reduce-only `legs` lower (or keep) the initial margin requirement of every account they touch. */
function lowersRequirement(input: HedgeInput, legs: readonly PlanLeg[]): boolean {
  const after = applyLegs(input.model, legs, input.markets);
  return input.model.accounts.every((a) => {
    if (!legs.some((l) => l.venue === a.venue)) return true;
    const now = after.accounts.find((x) => x.venue === a.venue);
    return !now || marginAt(now, after.prices).initialRequirement <= marginAt(a, input.model.prices).initialRequirement + 1e-9;
  });
}

/** The book the limits are measured from (today, or after the reduce-only parts) and its leverage. */
interface Baseline {
  readonly model: RiskModel;
  readonly leverage: number;
}

/**
 * What `legs` would break, empty when they fit: free initial collateral stays ≥ 0 in every account touched (unless
 * every leg is reduce-only), no perp grows past the position limit (or its size in the baseline, if larger), and
 * leverage stays within the limit (or no higher than the baseline's).
 */
function misfit(input: HedgeInput, legs: readonly PlanLeg[], base: Baseline): string[] {
  if (legs.length === 0) return [];
  const out: string[] = [];
  const after = applyLegs(input.model, legs, input.markets);
  for (const a of after.accounts) {
    if (!legs.some((l) => l.venue === a.venue)) continue;
    const m = marginAt(a, after.prices);
    if (m.initialCollateral < m.initialRequirement && !legs.every((l) => l.reduceOnly)) {
      out.push('free collateral');
      break;
    }
  }
  if (input.maxPositionUsd !== undefined) {
    for (const l of legs) {
      const m = input.markets.find((x) => x.venue === l.venue && x.market === l.market);
      if (!m) continue;
      const price = priceOf(input.model, m.asset);
      const was = Math.abs(heldUnits(base.model, m.venue, m) * price);
      const now = Math.abs(heldUnits(after, m.venue, m) * price);
      if (now > Math.max(input.maxPositionUsd, was) + 1e-6) {
        out.push(`the ${usd(input.maxPositionUsd)} position limit`);
        break;
      }
    }
  }
  if (!(leverageOf(after) <= Math.max(input.maxLeverage, base.leverage) + 1e-9)) out.push(`the ${input.maxLeverage}x leverage limit`);
  return out;
}
