/** LP view models: where each liquidity position sits in its range, its exposure to price, and its PnL. */
import type { LpPosition, Portfolio } from '../domain/index.ts';
import { binIdAt, binPrice, lpDelta, type BinLiquidity } from '../risk/lp.ts';

export interface LpView {
  readonly position: LpPosition;
  /** Position index in the list (1-based): what /bins and /recenter take. */
  readonly index: number;
  /** Bins from the active bin down to the lower edge, and up to the upper edge (negative: outside on that side). */
  readonly binsToLower: number;
  readonly binsToUpper: number;
  /** Lower-edge price of the active bin, quote per base (the pool's price). */
  readonly poolPrice: number;
  /** The oracle's price of base in quote (base USD / quote USD). */
  readonly oraclePrice: number;
  /** The bin whose price interval holds the oracle price (domain ids, as the position's). */
  readonly oracleBinId: number;
  /** (pool − oracle) / oracle, fraction. */
  readonly divergence: number;
  /** Base held at today's price, base tokens (∂value/∂price in quote). */
  readonly delta: number;
  /** Change of `delta` per unit of price (base tokens per quote unit) across one bin each way; ≤ 0. */
  readonly gamma: number;
  /** Value − value when first recorded, micro-USD. */
  readonly pnlUsd: bigint;
  /** Share of the position's value held in base (0..1). */
  readonly baseShare: number;
  /** Value − fees − HODL value, micro-USD: what price moves cost against holding the tokens (undefined: unknown). */
  readonly vsHodlUsd: bigint | undefined;
}

/** Lower-edge price of bin `id` of an LP position, quote per base (human units): priceScale × (1 + binStep/10⁴)^id. */
export function lpBinPrice(p: Pick<LpPosition, 'binStep' | 'priceScale'>, id: number): number {
  return (p.priceScale ?? 1) * binPrice(id, p.binStep);
}

/** The bins as the risk model's liquidity (quote units at each bin's price). */
function liquidity(p: LpPosition): BinLiquidity[] {
  return p.bins.map((b) => ({ binId: b.binId, liquidity: (Number(b.base.raw) / 10 ** b.base.decimals) * b.price + Number(b.quote.raw) / 10 ** b.quote.decimals }));
}

/** Every LP position of the portfolio, in a stable order (venue, market, id). */
export function lpViews(portfolio: Portfolio): LpView[] {
  const lps = portfolio.positions.filter((p): p is LpPosition => p.kind === 'lp')
    .sort((a, b) => (a.venue + a.market + a.id < b.venue + b.market + b.id ? -1 : 1));
  return lps.map((p, i) => {
    const quoteUsd = portfolio.prices[p.quoteAsset] ?? 1;
    const oraclePrice = p.markPrice / quoteUsd;
    const poolPrice = lpBinPrice(p, p.activeBinId);
    const scale = p.priceScale ?? 1;
    const bins = liquidity(p);
    // In scaled price space the base is counted × scale: divide it back out (see LpInstrument.priceScale).
    const deltaAt = (price: number): number => lpDelta(bins, p.binStep, price / scale) / scale;
    const s = p.binStep / 10_000;
    const up = oraclePrice * (1 + s);
    const down = oraclePrice / (1 + s);
    const baseValue = (Number(p.baseAmount.raw) / 10 ** p.baseAmount.decimals) * oraclePrice;
    const quoteValue = Number(p.quoteAmount.raw) / 10 ** p.quoteAmount.decimals;
    return {
      position: p, index: i + 1, binsToLower: p.activeBinId - p.lowerBinId, binsToUpper: p.upperBinId - p.activeBinId,
      poolPrice, oraclePrice, oracleBinId: oraclePrice > 0 ? binIdAt(oraclePrice / scale, p.binStep) : p.activeBinId, divergence: oraclePrice > 0 ? (poolPrice - oraclePrice) / oraclePrice : 0,
      delta: deltaAt(oraclePrice), gamma: (deltaAt(up) - deltaAt(down)) / (up - down),
      pnlUsd: p.valueUsd - p.depositedUsd, baseShare: baseValue + quoteValue > 0 ? baseValue / (baseValue + quoteValue) : 0,
      vsHodlUsd: p.hodlUsd === undefined ? undefined : p.valueUsd - p.feesUsd - p.hodlUsd,
    };
  });
}

/** The LP a user named: its 1-based index in /lp, or a prefix of its id or position address (≥ 4 characters). */
export function findLp(views: readonly LpView[], ref: string): LpView | undefined {
  const n = /^\d+$/.test(ref) ? Number(ref) : NaN;
  if (Number.isInteger(n)) return views.find((v) => v.index === n);
  if (ref.length < 4) return undefined;
  const matches = views.filter((v) => v.position.id === ref || v.position.id.replace(/^[a-z]+:/, '').startsWith(ref));
  return matches.length === 1 ? matches[0] : undefined;
}
