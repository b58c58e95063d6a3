/** A loaded Saros position → the domain's LpPosition: amounts stay bigint base units; USD in micro-USD. */
import type { LpPosition } from '../../domain/index.ts';
import type { LoadedPosition } from './reader.ts';
import { BIN_ID_OFFSET, binPrice, positionBinAmounts, rangeStatus, sumBinAmounts, usdMicros } from './math.ts';

/** Symbols and USD prices of a pair's two tokens. */
export interface PairPricing {
  readonly symbolX: string;
  readonly symbolY: string;
  readonly priceX: number;
  readonly priceY: number;
}

/** Fees, HODL and deposit since the position's baseline (micro-USD), and since when. */
export interface LpEstimates {
  readonly feesUsd: bigint;
  readonly hodlUsd: bigint;
  readonly depositedUsd: bigint;
  readonly since: number;
}

/** The domain view of one position; without estimates the deposit is its value now and fees are not known. */
export function toLpPosition(p: LoadedPosition, pricing: PairPricing, est: LpEstimates | null): LpPosition {
  const { position, pair, decimalsX, decimalsY } = p;
  const amounts = positionBinAmounts(position.shares, position.lowerBinId, (id) => p.bins.get(id) ?? { totalSupply: 0n, reserveX: 0n, reserveY: 0n });
  const total = sumBinAmounts(amounts);
  const status = rangeStatus(position.lowerBinId, position.upperBinId, pair.activeId);
  const valueUsd = usdMicros(total.x, decimalsX, pricing.priceX) + usdMicros(total.y, decimalsY, pricing.priceY);
  const price = (id: number): number => binPrice(id, pair.binStep, decimalsX, decimalsY);
  return {
    kind: 'lp',
    id: `saros:${position.address}`,
    venue: 'saros',
    market: `${pricing.symbolX}/${pricing.symbolY}`,
    asset: pricing.symbolX,
    markPrice: pricing.priceX,
    valueUsd,
    exposureUsd: valueUsd,
    pool: `${pricing.symbolX}/${pricing.symbolY}`,
    baseAsset: pricing.symbolX,
    quoteAsset: pricing.symbolY,
    binStep: pair.binStep,
    // Domain bin ids are relative to the program's offset; priceScale carries the decimals: price = scale × (1+s)^id.
    priceScale: 10 ** (decimalsX - decimalsY),
    lowerBinId: position.lowerBinId - BIN_ID_OFFSET,
    upperBinId: position.upperBinId - BIN_ID_OFFSET,
    activeBinId: pair.activeId - BIN_ID_OFFSET,
    priceLower: price(position.lowerBinId),
    priceUpper: price(position.upperBinId + 1),
    inRange: status.inRange,
    baseAmount: { raw: total.x, decimals: decimalsX },
    quoteAmount: { raw: total.y, decimals: decimalsY },
    bins: amounts.map((a) => ({
      binId: a.binId - BIN_ID_OFFSET, price: price(a.binId), base: { raw: a.x, decimals: decimalsX }, quote: { raw: a.y, decimals: decimalsY },
    })),
    // The program compounds swap fees into the bins' reserves: inside valueUsd, estimated from the baseline.
    feesUsd: est?.feesUsd ?? 0n,
    depositedUsd: est?.depositedUsd ?? valueUsd,
    ...(est ? { hodlUsd: est.hodlUsd, trackedSince: est.since } : {}),
  };
}
