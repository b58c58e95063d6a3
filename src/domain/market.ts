import type { VenueId } from './position.ts';

/** A market a venue can trade, with the order rules a planner must respect. Sizes are base units. */
export interface MarketInfo {
  readonly venue: VenueId;
  /** Venue symbol: "SOL-PERP" for perps, the asset ("SOL") for spot swaps against USDC. */
  readonly market: string;
  readonly kind: 'perp' | 'spot';
  /** Underlying asset whose price the market follows. */
  readonly asset: string;
  /** Decimals of order sizes (perps: 9 on Drift; spot: the mint's decimals). */
  readonly baseDecimals: number;
  /** Order sizes must be a multiple of this, base units. */
  readonly stepRaw: bigint;
  /** Smallest order, base units. */
  readonly minSizeRaw: bigint;
  /** Units of the asset per unit of size (1MBONK-PERP: 1,000,000). */
  readonly contractSize: number;
  /** Taker fee, basis points of notional. */
  readonly takerFeeBps: number;
  /** Expected price impact per $1M of notional, basis points (linear estimate). */
  readonly impactBpsPerMillion: number;
  /** Perps: margin ratios, fractions of notional. */
  readonly marginRatios?: { readonly initial: number; readonly maintenance: number };
  /** Spot: collateral and liability weights, fractions. */
  readonly spotWeights?: { readonly initialAsset: number; readonly maintenanceAsset: number; readonly initialLiability: number; readonly maintenanceLiability: number };
}
