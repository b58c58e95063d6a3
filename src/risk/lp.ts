/**
 * DLMM (Saros/Meteora-style) bin math on plain numbers. Prices are human units (quote per base, e.g. USD per SOL).
 * A bin has a fixed price; within a bin liquidity is constant-sum (base × binPrice + quote = L), so as the market
 * price crosses a bin the bin converts between base and quote at that bin's price.
 */

/** Lower-edge price of bin `binId`: (1 + binStep/10000)^binId. */
export function binPrice(binId: number, binStep: number): number {
  return Math.pow(1 + binStep / 10_000, binId);
}

/** The bin whose [price, next price) interval contains `price`. */
export function binIdAt(price: number, binStep: number): number {
  if (!(price > 0)) throw new RangeError(`price must be positive, got ${price}`);
  const id = Math.floor(Math.log(price) / Math.log1p(binStep / 10_000));
  // Guard float error at exact edges.
  if (binPrice(id + 1, binStep) <= price) return id + 1;
  if (binPrice(id, binStep) > price) return id - 1;
  return id;
}

/**
 * Share of a bin's liquidity held in quote when the market is at `price`: 1 for bins wholly below the price
 * (traders have bought all their base), 0 for bins wholly above, and within the active bin the log-position of the
 * price inside the bin (0 at its lower edge, 1 at its upper edge).
 */
export function quoteShare(binId: number, binStep: number, price: number): number {
  const lower = binPrice(binId, binStep);
  const upper = binPrice(binId + 1, binStep);
  if (price >= upper) return 1;
  if (price <= lower) return 0;
  return Math.log(price / lower) / Math.log(upper / lower);
}

/** One bin of a position: liquidity L in quote units at the bin's price (L = base × binPrice + quote). */
export interface BinLiquidity {
  readonly binId: number;
  /** Liquidity, quote units (human, e.g. USD). */
  readonly liquidity: number;
}

/** Base and quote held by a set of bins at market price `price` (human units). */
export function composition(bins: readonly BinLiquidity[], binStep: number, price: number): { base: number; quote: number } {
  let base = 0;
  let quote = 0;
  for (const b of bins) {
    const s = quoteShare(b.binId, binStep, price);
    quote += b.liquidity * s;
    base += (b.liquidity * (1 - s)) / binPrice(b.binId, binStep);
  }
  return { base, quote };
}

/** Value of an LP position at market price `price`, quote units: base × price + quote after the bins convert. */
export function lpValueAt(bins: readonly BinLiquidity[], binStep: number, price: number): number {
  const c = composition(bins, binStep, price);
  return c.base * price + c.quote;
}

/** Price sensitivity (delta, base units per unit of price) at `price`: the base the position holds there. */
export function lpDelta(bins: readonly BinLiquidity[], binStep: number, price: number): number {
  return composition(bins, binStep, price).base;
}

/**
 * Impermanent loss versus holding the deposit, as a fraction of the hold value (≤ 0 means the LP is worth less):
 * value(price)/hold(price) − 1, where hold keeps the base/quote mix held at `entryPrice`.
 */
export function impermanentLoss(bins: readonly BinLiquidity[], binStep: number, entryPrice: number, price: number): number {
  const start = composition(bins, binStep, entryPrice);
  const hold = start.base * price + start.quote;
  return hold === 0 ? 0 : lpValueAt(bins, binStep, price) / hold - 1;
}
