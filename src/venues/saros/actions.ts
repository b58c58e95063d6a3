/**
 * Single liquidity actions on a Saros pool as read now, planned with the same bin arithmetic as a re-center: take a
 * share of a position's liquidity out, open a new position around the price, or swap. Pure; amounts exact base units.
 */
import type { LiquidityPreview, LiquidityShape } from '../../ports/index.ts';
import type { PositionAccount } from './accounts.ts';
import { BIN_ID_OFFSET, binPrice, positionBinAmounts, sumBinAmounts, toTokens, type BinState } from './math.ts';
import { DEFAULT_SLIPPAGE_BPS, rangeStateOf, recenterRange, type PoolState } from './recenter.ts';

export type { PoolState };
import { quoteExactIn } from './swap-math.ts';

/** The fields every preview of `s` shares. */
function common(s: PoolState, slippageBps: number): Omit<LiquidityPreview, 'kind' | 'steps' | 'notes'> {
  return {
    pair: s.pair.address, pool: `${s.symbolX}/${s.symbolY}`, baseAsset: s.symbolX, quoteAsset: s.symbolY, activeBinId: s.pair.activeId - BIN_ID_OFFSET,
    activePrice: binPrice(s.pair.activeId, s.pair.binStep, s.decimalsX, s.decimalsY), priceBase: s.priceX, priceQuote: s.priceY, slippageBps,
  };
}

/** Takes `fractionBps` of every bin's shares out (what the program pays: floor(removed × reserve / supply) per bin). */
export function planWithdraw(s: PoolState & { positionId: string; position: PositionAccount; fractionBps: number }): LiquidityPreview {
  const { position, fractionBps } = s;
  if (!Number.isInteger(fractionBps) || fractionBps < 1 || fractionBps > 10_000) throw new RangeError(`share to withdraw must be 0.01% to 100%, got ${fractionBps / 100}%`);
  const bin = (id: number): BinState => s.bins.get(id) ?? { totalSupply: 0n, reserveX: 0n, reserveY: 0n };
  const total = sumBinAmounts(positionBinAmounts(position.shares, position.lowerBinId, bin));
  if (total.x === 0n && total.y === 0n) throw new RangeError('the position holds no liquidity: nothing to withdraw');
  const removedShares = position.shares.map((sh) => (sh * BigInt(fractionBps)) / 10_000n);
  const out = sumBinAmounts(positionBinAmounts(removedShares, position.lowerBinId, bin));
  const range = { lower: position.lowerBinId, upper: position.upperBinId };
  return {
    kind: 'withdraw', positionId: s.positionId, position: position.address, ...common(s, 0),
    steps: [{
      kind: 'remove', base: { raw: out.x, decimals: s.decimalsX }, quote: { raw: out.y, decimals: s.decimalsY },
      lowerBinId: range.lower - BIN_ID_OFFSET, upperBinId: range.upper - BIN_ID_OFFSET, fractionBps,
    }],
    before: rangeStateOf({ ...range, x: total.x, y: total.y }, s),
    after: rangeStateOf({ ...range, x: total.x - out.x, y: total.y - out.y }, s),
    notes: fractionBps === 10_000 ? ['All of it: the position is closed and its rent comes back.'] : [],
  };
}

/** A new position over `width` bins around the active bin holding `base`/`quote` (base units) with `shape`. */
export function planDeposit(s: PoolState & { base: bigint; quote: bigint; width: number; shape: LiquidityShape }): LiquidityPreview {
  if (!Number.isInteger(s.width) || s.width < 1 || s.width > 64) throw new RangeError(`width must be 1 to 64 bins (one position holds at most 64), got ${s.width}`);
  if (s.base < 0n || s.quote < 0n || (s.base === 0n && s.quote === 0n)) throw new RangeError('give an amount of at least one of the two tokens');
  const { left, right } = recenterRange(s.width);
  const active = s.pair.activeId;
  const notes: string[] = [];
  // Base sits in the active bin and above, quote in it and below: a side with no bin for it would be refused.
  if (right === 0 && s.base > 0n && s.width > 1) notes.push(`${s.symbolX} can only go into the active bin of this range.`);
  return {
    kind: 'deposit', ...common(s, 0),
    steps: [{
      kind: 'add', base: { raw: s.base, decimals: s.decimalsX }, quote: { raw: s.quote, decimals: s.decimalsY },
      lowerBinId: active + left - BIN_ID_OFFSET, upperBinId: active + right - BIN_ID_OFFSET, shape: s.shape, left, right,
    }],
    after: rangeStateOf({ lower: active + left, upper: active + right, x: s.base, y: s.quote }, s),
    notes,
  };
}

/** Sells `amountIn` base units of the base (`sell: 'base'`) or the quote on the pool, quoted by walking its bins. */
export function planSwap(s: PoolState & { sell: 'base' | 'quote'; amountIn: bigint; slippageBps?: number }): LiquidityPreview {
  const slippageBps = s.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
  if (s.amountIn <= 0n) throw new RangeError('the amount to sell must be positive');
  const swapForY = s.sell === 'base';
  const q = quoteExactIn({
    bins: (id) => s.bins.get(id), activeId: s.pair.activeId, binStep: s.pair.binStep, swapForY, amountIn: s.amountIn,
    fees: { params: s.pair.staticFee, state: s.pair.dynamicFee, nowSeconds: s.nowSeconds },
  });
  if (q.amountOut === 0n) throw new RangeError('the pool pays nothing for that amount');
  const [dIn, dOut] = swapForY ? [s.decimalsX, s.decimalsY] : [s.decimalsY, s.decimalsX];
  const minOut = (q.amountOut * BigInt(10_000 - slippageBps)) / 10_000n;
  const notes = q.amountIn < s.amountIn
    ? [`The pool's bins near the price take only ${toTokens(q.amountIn, dIn)} ${swapForY ? s.symbolX : s.symbolY} of it: that is what is sold.`] : [];
  return {
    kind: 'swap', ...common(s, slippageBps),
    steps: [{
      kind: 'swap', sell: s.sell, amountIn: { raw: q.amountIn, decimals: dIn }, amountOut: { raw: q.amountOut, decimals: dOut },
      fee: { raw: q.fee, decimals: dIn }, priceImpact: q.priceImpact, binsCrossed: q.binsCrossed, minOut: { raw: minOut, decimals: dOut },
    }],
    notes,
  };
}
