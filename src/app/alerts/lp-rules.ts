/**
 * Alert rules for concentrated-liquidity (DLMM) positions: one key per position and rule, levelled with the same
 * hysteresis as every other rule (rules.ts).
 *  - lp_out_of_range: the active bin is outside the position's bins (the venue's flag decides);
 *  - lp_near_edge: still in range, but fewer than N bins from an edge;
 *  - lp_skew: the position's inventory is mostly one token by value;
 *  - lp_oracle_divergence: the oracle price is outside the pool's active bin, so arbitrage trades against the LP.
 *
 * Units: bins are whole bin ids; prices are quote per base in human units, a bin's price being its lower edge
 * `priceScale × (1 + binStep/10000)^binId`; skew and divergence are fractions (0.8 = 80%).
 *
 * Decision: while a position is out of range the out-of-range alert speaks for it. Near-edge and skew (a position out
 * of range is 100% one token by construction) neither raise for it (one event, one alert) nor recover through it (a
 * "recovered" while the price is past the edge would mislead): they keep their level until the position is back in
 * range and they are measured again.
 *
 * This module and rules.ts import each other; only functions cross, and only at evaluation time, never while loading.
 */
import type { LpPosition } from '../../domain/index.ts';
import { fmtPrice, fmtQty } from '../../shared/format.ts';
import { amountToNumber } from '../../shared/money.ts';
import { alertKey, emit, marketOf, pct, type Ctx } from './rules.ts';
import { risingTiers, type LevelOrOk, type Tier } from './thresholds.ts';
import { lpBinPrice } from '../lp-view.ts';
import { CASH_ASSETS } from '../views.ts';

const STABLE_QUOTES: ReadonlySet<string> = CASH_ASSETS;


/** A quote-per-base price as text: "$150.25" for a USD-stable quote, "0.0065 SOL" otherwise. */
function px(p: LpPosition, price: number): string {
  return STABLE_QUOTES.has(p.quoteAsset) ? fmtPrice(price) : `${fmtQty(price, 6)} ${p.quoteAsset}`;
}

function bins(n: number): string {
  return `${n} bin${n === 1 ? '' : 's'}`;
}

/** The key's level at the previous evaluation. */
function previousLevel(ctx: Ctx, rule: 'lp_near_edge' | 'lp_skew', market: string): LevelOrOk {
  return ctx.previous.get(alertKey(ctx.account, rule, market)) ?? 'ok';
}

/** Bins outside the range (> 0), or minus the depth inside it (≤ 0, 0 = on an edge bin). */
function binsOutside(p: LpPosition): number {
  if (p.activeBinId < p.lowerBinId) return p.lowerBinId - p.activeBinId;
  if (p.activeBinId > p.upperBinId) return p.activeBinId - p.upperBinId;
  return -Math.min(p.activeBinId - p.lowerBinId, p.upperBinId - p.activeBinId);
}

function outOfRangeRule(ctx: Ctx, p: LpPosition, market: string): void {
  const { level: outLevel, reentryBins } = ctx.th.lpOutOfRange;
  const outside = binsOutside(p);
  // The venue's own flag decides "out"; a narrow range caps the depth needed to count as back in.
  const value = p.inRange ? Math.min(outside, 0) : Math.max(outside, 1);
  const depth = Math.min(reentryBins, Math.floor((p.upperBinId - p.lowerBinId) / 2));
  // Values are whole bins: leaving at −depth + ½ means "at least `depth` bins inside".
  const tiers: Tier[] = [{ level: outLevel, enter: 0, leave: 0.5 - depth }];
  emit(ctx, 'lp_out_of_range', market, value, tiers, 'rising', (level) => {
    const range = `${fmtPrice(p.priceLower)}–${fmtPrice(p.priceUpper)}`;
    const where = `active bin ${p.activeBinId}, range ${p.lowerBinId}–${p.upperBinId}`;
    if (level === 'ok') return { title: `${market} LP in range`, detail: `${market} LP: price ${fmtPrice(p.markPrice)} is inside its range ${range} (${where}).` };
    const side = p.activeBinId > p.upperBinId || p.markPrice > p.priceUpper ? 'above' : 'below';
    const holds = side === 'above' ? p.quoteAsset : p.baseAsset;
    return {
      title: `${market} LP out of range`,
      detail: `${market} LP: price ${fmtPrice(p.markPrice)} is ${side} its range ${range} (${where}); it earns no fees and holds only ${holds}.`,
    };
  }, 'recenter', p.id);
}

/**
 * Value: whole bins between the active bin and the nearer edge bin (0 = on it; negative = past it). Enters below N,
 * clears at N + 1 or more, N itself being the hysteresis band. A range of upper − lower < 2N + 2 caps both so that
 * the centre bin, floor((upper − lower) / 2) bins from either edge, always clears and never enters.
 */
function nearEdgeRule(ctx: Ctx, p: LpPosition, market: string): void {
  if (!p.inRange && previousLevel(ctx, 'lp_near_edge', market) === 'ok') return;
  const n = ctx.th.lpNearEdge.bins;
  const clear = Math.min(n + 1, Math.floor((p.upperBinId - p.lowerBinId) / 2));
  const enter = Math.min(n, clear);
  const toLower = p.activeBinId - p.lowerBinId;
  const toUpper = p.upperBinId - p.activeBinId;
  const edge = toUpper < toLower ? 'upper' : 'lower';
  // The venue's flag says in range: an active id outside the ids (rounding at an edge) counts as on the edge bin.
  const left = p.inRange ? Math.max(0, Math.min(toLower, toUpper)) : Math.min(toLower, toUpper);
  // Whole bins: leaving at clear − ½ means "clear or more bins inside".
  const tiers: Tier[] = [{ level: 'warning', enter, leave: clear - 0.5 }];
  emit(ctx, 'lp_near_edge', market, left, tiers, 'falling', (level, threshold) => {
    const edgePrice = px(p, edge === 'upper' ? p.priceUpper : p.priceLower);
    const range = `range ${p.lowerBinId}–${p.upperBinId}`;
    if (level === 'ok') {
      return {
        title: `${market} LP ${bins(left)} inside its range`,
        detail: `${market} LP: active bin ${p.activeBinId} is ${bins(left)} from the nearer (${edge}) edge of its ${range}`
          + ` (${threshold > 0 ? `alert under ${bins(threshold)}` : 'too narrow for a near-edge alert'}).`,
      };
    }
    if (!p.inRange) {
      return {
        title: `${market} LP past its ${edge} edge`,
        detail: `${market} LP: active bin ${p.activeBinId} is past the ${edge} edge of its ${range} (${edgePrice}); see the out-of-range alert.`,
      };
    }
    // Past the upper edge the pool has sold all its base for quote; past the lower one, the reverse.
    const holds = edge === 'upper' ? p.quoteAsset : p.baseAsset;
    const where = left === 0 ? `is on the ${edge} edge bin` : `has ${bins(left)} left before the ${edge} edge`;
    return {
      title: `${market} LP near its ${edge} edge`,
      detail: `${market} LP: active bin ${p.activeBinId} ${where} of its ${range} (${edge} edge at ${edgePrice}; alert under ${bins(threshold)}); `
        + `past it the position earns no fees and holds only ${holds}.`,
    };
  }, 'recenter', p.id);
}

/** Base and quote held, human units: the bins' sum when the venue lists them, else the position's totals. */
function holdings(p: LpPosition): { base: number; quote: number } {
  if (p.bins.length === 0) return { base: amountToNumber(p.baseAmount), quote: amountToNumber(p.quoteAmount) };
  return p.bins.reduce((s, b) => ({ base: s.base + amountToNumber(b.base), quote: s.quote + amountToNumber(b.quote) }), { base: 0, quote: 0 });
}

/**
 * Value: |base value − quote value| / (base value + quote value), both in quote at the active bin's price, so no USD
 * price of the quote is needed (2 × the dominant share − 1: 0.8 = 90/10). An empty position has no skew.
 */
function skewRule(ctx: Ctx, p: LpPosition, market: string): void {
  if (!p.inRange && previousLevel(ctx, 'lp_skew', market) === 'ok') return;
  const price = lpBinPrice(p, p.activeBinId);
  const { base, quote } = holdings(p);
  const baseValue = base * price;
  const total = baseValue + quote;
  if (!(total > 0) || !Number.isFinite(total)) return;
  const skew = Math.abs(baseValue - quote) / total;
  const baseShare = baseValue / total;
  const [top, topShare, other] = baseShare >= 0.5 ? [p.baseAsset, baseShare, p.quoteAsset] : [p.quoteAsset, 1 - baseShare, p.baseAsset];
  emit(ctx, 'lp_skew', market, skew, risingTiers(ctx.th.lpSkew), 'rising', (level, threshold) => {
    const split = `${pct(topShare)} ${top}, ${pct(1 - topShare)} ${other} by value at the pool price ${px(p, price)}`
      + ` (${fmtQty(base)} ${p.baseAsset}, ${fmtQty(quote)} ${p.quoteAsset})`;
    return level === 'ok'
      ? { title: `${market} LP ${pct(topShare)} ${top}`, detail: `${market} LP: ${split}; skew ${pct(skew)}.` }
      : {
        title: `${market} LP skewed: ${pct(topShare)} ${top}`,
        detail: `${market} LP: ${split}; skew ${pct(skew)} is above ${pct(threshold)}: the position now moves almost like ${top} alone.`,
      };
  });
}

/**
 * Value: how far the oracle price (markPrice / the quote's USD price, 1 when unknown) lies outside the active bin's
 * [lower, upper) price interval, as a fraction of the oracle price; 0 inside it.
 */
function oracleDivergenceRule(ctx: Ctx, p: LpPosition, market: string): void {
  const quoteUsd = ctx.input.portfolio.prices[p.quoteAsset] ?? 1;
  const oracle = p.markPrice / quoteUsd;
  if (!(quoteUsd > 0) || !(oracle > 0) || !Number.isFinite(oracle)) return;
  const lo = lpBinPrice(p, p.activeBinId);
  const hi = lpBinPrice(p, p.activeBinId + 1);
  const gap = oracle < lo ? lo - oracle : oracle >= hi ? oracle - hi : 0;
  const value = gap / oracle;
  emit(ctx, 'lp_oracle_divergence', market, value, risingTiers(ctx.th.lpOracleDivergence), 'rising', (level, threshold) => {
    const prices = `pool price ${px(p, lo)} (active bin ${p.activeBinId}: ${px(p, lo)}–${px(p, hi)}) vs oracle ${px(p, oracle)}`;
    if (level === 'ok') {
      return {
        title: `${market} pool tracks the oracle`,
        detail: value === 0 ? `${market}: ${prices}, inside the active bin.` : `${market}: ${prices}, ${pct(value)} outside the active bin.`,
      };
    }
    // Arbitrageurs trade the pool to the oracle price: they buy the cheap side from the LP's bins.
    const trade = oracle >= hi ? `buy ${p.baseAsset} from the pool below the oracle price` : `sell ${p.baseAsset} to the pool above the oracle price`;
    return {
      title: `${market} pool ${pct(value)} off the oracle`,
      detail: `${market}: ${prices}, ${pct(value)} apart (alert above ${pct(threshold)}); the gap invites arbitrage against the position: `
        + `arbitrageurs can ${trade}.`,
    };
  });
}

/** Every LP rule on every LP position; market = the position's market, or its id when two positions share one. */
export function lpRules(ctx: Ctx): void {
  const { positions } = ctx.input.portfolio;
  for (const p of positions) {
    if (p.kind !== 'lp') continue;
    const market = marketOf(p, positions);
    outOfRangeRule(ctx, p, market);
    nearEdgeRule(ctx, p, market);
    skewRule(ctx, p, market);
    oracleDivergenceRule(ctx, p, market);
  }
}
