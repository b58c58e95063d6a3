/** Positions of the three kinds Vigil understands. USD amounts are micro-USD bigints; prices are float USD. */
import type { Amount } from './amount.ts';

/** Where a position lives. */
export type VenueId = 'paper' | 'drift' | 'saros';


interface PositionBase {
  /** Stable id within the venue, e.g. "paper:perp:SOL-PERP". */
  readonly id: string;
  readonly venue: VenueId;
  /** Market symbol as the venue names it: "SOL-PERP", "SOL", "SOL/USDC". */
  readonly market: string;
  /** Underlying asset whose price moves this position ("SOL"; for LP, the base asset). */
  readonly asset: string;
  /** Mark/oracle price of `asset` in USD. */
  readonly markPrice: number;
  /** Signed contribution to account equity, micro-USD (a perp contributes its unrealised PnL, a spot balance its value). */
  readonly valueUsd: bigint;
  /** Gross exposure to `asset`, micro-USD (perp notional, spot value, LP value): the base for "share of portfolio". */
  readonly exposureUsd: bigint;
}

/** A perpetual future position inside a cross-margin account. */
export interface PerpPosition extends PositionBase {
  readonly kind: 'perp';
  /** Signed base size (long > 0), base units. */
  readonly base: Amount;
  /** Average entry price, USD. */
  readonly entryPrice: number;
  /** |base| × mark, micro-USD. */
  readonly notionalUsd: bigint;
  /** Mark-to-market PnL not yet realised (includes unsettled funding), micro-USD. */
  readonly unrealizedPnlUsd: bigint;
  /** Funding paid (−) or received (+) since opening, micro-USD. */
  readonly fundingPnlUsd: bigint;
  /** PnL realised by reductions and settlements, micro-USD. */
  readonly realizedPnlUsd: bigint;
  /** Initial margin requirement of this position, micro-USD. */
  readonly initialMarginUsd: bigint;
  /** Maintenance margin requirement of this position, micro-USD. */
  readonly maintenanceMarginUsd: bigint;
  /** Price of `asset` at which the account's maintenance collateral reaches zero, holding others fixed; null if none. */
  readonly liquidationPrice: number | null;
  /** Margin ratios of the market (fractions of notional): what the venue requires to open and to stay open. */
  readonly marginRatios: { readonly initial: number; readonly maintenance: number };
  /** Units of `asset` per unit of `base` (1 for most perps, 1,000,000 for 1MBONK-PERP). */
  readonly contractSize: number;
}

/** Collateral weights of a spot market (fractions): deposits count × asset weight, borrows × liability weight. */
export interface SpotWeights {
  readonly initialAsset: number;
  readonly maintenanceAsset: number;
  readonly initialLiability: number;
  readonly maintenanceLiability: number;
}

/** A token balance: a deposit (amount > 0) or a borrow (amount < 0). */
export interface SpotPosition extends PositionBase {
  readonly kind: 'spot';
  readonly amount: Amount;
  /** Whether it counts as margin collateral (venue-specific weights apply). */
  readonly isCollateral: boolean;
  /** Average cost in USD where known; null for balances without a recorded cost basis. */
  readonly entryPrice: number | null;
  /** Value − cost, micro-USD; null where the cost basis is unknown. */
  readonly unrealizedPnlUsd: bigint | null;
  /** Price of `asset` at which the margin account would be liquidated, holding others fixed; null if none. */
  readonly liquidationPrice: number | null;
  /** Weights in the margin account; null for balances outside one (a wallet). */
  readonly weights: SpotWeights | null;
}

/** One bin's share of an LP position. */
export interface LpBin {
  readonly binId: number;
  /** Price of the bin's lower edge, USD per base unit (human units). */
  readonly price: number;
  readonly base: Amount;
  readonly quote: Amount;
}

/** Concentrated liquidity over a range of bins (DLMM-style). */
export interface LpPosition extends PositionBase {
  readonly kind: 'lp';
  readonly pool: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** Bin width in basis points: bin price = priceScale × (1 + binStep/10000)^binId. */
  readonly binStep: number;
  /** Human price of bin 0 (quote per base); absent = 1. Saros: 10^(decimalsX − decimalsY), ids offset by 2^23. */
  readonly priceScale?: number;
  readonly lowerBinId: number;
  readonly upperBinId: number;
  readonly activeBinId: number;
  readonly priceLower: number;
  readonly priceUpper: number;
  readonly inRange: boolean;
  readonly baseAmount: Amount;
  readonly quoteAmount: Amount;
  readonly bins: readonly LpBin[];
  /** Fees earned and not yet claimed, micro-USD at current prices. */
  readonly feesUsd: bigint;
  /** Value at deposit time, micro-USD; the base for LP PnL. */
  readonly depositedUsd: bigint;
  /**
   * What the tokens the position held when first recorded would be worth now, held instead (micro-USD): with
   * `feesUsd`, value − fees − HODL is the loss to price moves (impermanent loss). Absent where the venue cannot say.
   */
  readonly hodlUsd?: bigint;
  /** Since when fees, HODL and the deposit are counted (epoch ms): when Vigil first saw the position, if not its deposit. */
  readonly trackedSince?: number;
}

export type Position = PerpPosition | SpotPosition | LpPosition;
export type PositionKind = Position['kind'];
