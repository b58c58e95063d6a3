/**
 * Re-centering a Saros position, planned on the pool's current bins: remove all of its liquidity, swap toward the
 * mix the new range needs, add it back over `width` bins around the active bin. Pure: amounts are exact base units
 * from the bins (the position's share of each), the swap is quoted by walking the pool's bins as the program does,
 * with our own liquidity taken out first (it is removed before the swap runs).
 */
import type { LiquidityShape, RangeState, LiquidityPreview, LiquidityStep } from '../../ports/index.ts';
import type { PairAccount, PositionAccount } from './accounts.ts';
import { BIN_ID_OFFSET, binPrice, positionBinAmounts, SarosMathError, sumBinAmounts, toTokens, usdMicros, type BinState } from './math.ts';
import { quoteExactIn } from './swap-math.ts';

/** A swap worth less than this share of the position is not worth its fee: the add takes the amounts as they are. */
export const MIN_SWAP_SHARE = 0.005;

/** Slippage allowed on a re-center's swap when none is configured, basis points. */
export const DEFAULT_SLIPPAGE_BPS = 50;

/** A pool as read now (the bins around its active bin, and any range planned on), with its tokens' names and USD prices. */
export interface PoolState {
  readonly pair: PairAccount;
  readonly decimalsX: number;
  readonly decimalsY: number;
  readonly bins: ReadonlyMap<number, BinState>;
  readonly symbolX: string;
  readonly symbolY: string;
  /** USD per token. */
  readonly priceX: number;
  readonly priceY: number;
  /** Block time a swap would run at, unix seconds (the dynamic fee decays with it). */
  readonly nowSeconds: number;
}

export interface RecenterInput extends PoolState {
  readonly positionId: string;
  readonly position: PositionAccount;
  /** New range width in bins (default: the current one). */
  readonly width?: number;
  readonly shape: LiquidityShape;
  /** Slippage allowed on the swap, basis points (default DEFAULT_SLIPPAGE_BPS). */
  readonly slippageBps?: number;
}

/** The bins a re-center of width `width` covers, relative to the active bin: [left, right] with left ≤ 0 ≤ right. */
export function recenterRange(width: number): { left: number; right: number } {
  const left = -Math.floor((width - 1) / 2);
  return { left, right: left + width - 1 };
}

/** A range (program bin ids) holding `x`/`y` base units, priced and valued as the port's RangeState. */
export function rangeStateOf(o: { lower: number; upper: number; x: bigint; y: bigint }, i: Pick<RecenterInput, 'pair' | 'decimalsX' | 'decimalsY' | 'priceX' | 'priceY'>): RangeState {
  const p = (id: number): number => binPrice(id, i.pair.binStep, i.decimalsX, i.decimalsY);
  return {
    lowerBinId: o.lower - BIN_ID_OFFSET, upperBinId: o.upper - BIN_ID_OFFSET, priceLower: p(o.lower), priceUpper: p(o.upper + 1),
    base: { raw: o.x, decimals: i.decimalsX }, quote: { raw: o.y, decimals: i.decimalsY },
    valueUsd: usdMicros(o.x, i.decimalsX, i.priceX) + usdMicros(o.y, i.decimalsY, i.priceY),
    delta: toTokens(o.x, i.decimalsX),
  };
}

/** Plans the three legs and the before → after of a re-center. */
export function planRecenter(i: RecenterInput): LiquidityPreview {
  const { position, pair } = i;
  const currentWidth = position.upperBinId - position.lowerBinId + 1;
  const width = i.width ?? currentWidth;
  if (!Number.isInteger(width) || width < 1 || width > 64) throw new RangeError(`width must be 1 to 64 bins (one position holds at most 64), got ${width}`);
  const slippageBps = i.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) throw new RangeError(`slippage must be 0 to 10000 bps, got ${slippageBps}`);
  const amounts = positionBinAmounts(position.shares, position.lowerBinId, (id) => i.bins.get(id) ?? { totalSupply: 0n, reserveX: 0n, reserveY: 0n });
  const total = sumBinAmounts(amounts);
  if (total.x === 0n && total.y === 0n) throw new RangeError('the position holds no liquidity: nothing to move');
  const active = pair.activeId;
  const { left, right } = recenterRange(width);
  const steps: LiquidityStep[] = [{
    kind: 'remove', base: { raw: total.x, decimals: i.decimalsX }, quote: { raw: total.y, decimals: i.decimalsY },
    lowerBinId: position.lowerBinId - BIN_ID_OFFSET, upperBinId: position.upperBinId - BIN_ID_OFFSET, fractionBps: 10_000,
  }];
  const notes: string[] = [];

  // The pool once our liquidity is out: the swap trades against everyone else's.
  const mine = new Map(amounts.map((a) => [a.binId, a]));
  const pool = (id: number): { reserveX: bigint; reserveY: bigint } | undefined => {
    const b = i.bins.get(id);
    if (!b) return undefined;
    const m = mine.get(id);
    return { reserveX: b.reserveX - (m?.x ?? 0n), reserveY: b.reserveY - (m?.y ?? 0n) };
  };

  // Value split the new range wants: base sits in the bins above the active one and half of it, quote below and half.
  const baseShare = (right + 0.5) / width;
  const rawPrice = Math.exp((active - BIN_ID_OFFSET) * Math.log1p(pair.binStep / 10_000)); // Y base units per X base unit
  const valueY = Number(total.x) * rawPrice + Number(total.y);
  const targetX = (baseShare * valueY) / rawPrice;
  let x = total.x;
  let y = total.y;
  const excessX = Number(total.x) - targetX;
  if (Math.abs(excessX * rawPrice) >= MIN_SWAP_SHARE * valueY && valueY > 0) {
    const swapForY = excessX > 0;
    const amountIn = swapForY ? BigInt(Math.floor(excessX)) : BigInt(Math.floor(-excessX * rawPrice));
    const fees = { params: pair.staticFee, state: pair.dynamicFee, nowSeconds: i.nowSeconds };
    let q: ReturnType<typeof quoteExactIn> | null = null;
    try {
      q = quoteExactIn({ bins: pool, activeId: active, binStep: pair.binStep, swapForY, fees, amountIn });
    } catch (err) {
      // Too little liquidity near the price (the program would burn its compute budget or refuse): no swap leg.
      if (!(err instanceof SarosMathError)) throw err;
    }
    if (q && q.amountOut > 0n) {
      // The add takes only what the swap is sure to pay: a better fill leaves the difference in the wallet.
      const minOut = (q.amountOut * BigInt(10_000 - slippageBps)) / 10_000n;
      if (swapForY) {
        x -= q.amountIn;
        y += minOut;
      } else {
        y -= q.amountIn;
        x += minOut;
      }
      steps.push({
        kind: 'swap', sell: swapForY ? 'base' : 'quote',
        amountIn: { raw: q.amountIn, decimals: swapForY ? i.decimalsX : i.decimalsY },
        amountOut: { raw: q.amountOut, decimals: swapForY ? i.decimalsY : i.decimalsX },
        fee: { raw: q.fee, decimals: swapForY ? i.decimalsX : i.decimalsY }, priceImpact: q.priceImpact, binsCrossed: q.binsCrossed,
        minOut: { raw: minOut, decimals: swapForY ? i.decimalsY : i.decimalsX },
      });
      if (q.endActiveId !== active) notes.push(`The swap moves the active bin by ${q.endActiveId - active}: the new range is placed around the bin before it.`);
    } else {
      notes.push('No liquidity to swap against near the active bin: the amounts are added as they are.');
    }
  }
  steps.push({
    kind: 'add', base: { raw: x, decimals: i.decimalsX }, quote: { raw: y, decimals: i.decimalsY },
    lowerBinId: active + left - BIN_ID_OFFSET, upperBinId: active + right - BIN_ID_OFFSET, shape: i.shape, left, right,
  });
  return {
    kind: 'recenter', positionId: i.positionId, position: position.address, pair: pair.address, pool: `${i.symbolX}/${i.symbolY}`, baseAsset: i.symbolX, quoteAsset: i.symbolY,
    activeBinId: active - BIN_ID_OFFSET, activePrice: binPrice(active, pair.binStep, i.decimalsX, i.decimalsY), priceBase: i.priceX, priceQuote: i.priceY, slippageBps,
    steps,
    before: rangeStateOf({ lower: position.lowerBinId, upper: position.upperBinId, x: total.x, y: total.y }, i),
    after: rangeStateOf({ lower: active + left, upper: active + right, x, y }, i),
    notes,
  };
}
