import type { Amount, LiquidityShape, VenueId } from '../domain/index.ts';

export type { LiquidityShape };

/** One step of a re-center, as it would be sent. Amounts exact (base units); prices quote per base. */
export type RecenterStep =
  | { readonly kind: 'remove'; readonly base: Amount; readonly quote: Amount; readonly lowerBinId: number; readonly upperBinId: number }
  | {
    readonly kind: 'swap'; readonly sell: 'base' | 'quote'; readonly amountIn: Amount; readonly amountOut: Amount; readonly fee: Amount;
    /** The least output the program may pay (amountOut less the slippage allowance): the bound sent with the swap. */
    readonly minOut: Amount;
    /** Fraction, fees excluded, computed from the bins. */
    readonly priceImpact: number; readonly binsCrossed: number;
  }
  | {
    readonly kind: 'add'; readonly base: Amount; readonly quote: Amount; readonly lowerBinId: number; readonly upperBinId: number; readonly shape: LiquidityShape;
    /** The range relative to the active bin (left ≤ 0 ≤ right): the program places it around the active bin at execution. */
    readonly left: number; readonly right: number;
  };

/** A position's range, holdings and exposure at one moment (bin ids as the domain's LpPosition: program id − 2^23). */
export interface RangeState {
  readonly lowerBinId: number;
  readonly upperBinId: number;
  readonly priceLower: number;
  readonly priceUpper: number;
  readonly base: Amount;
  readonly quote: Amount;
  /** micro-USD. */
  readonly valueUsd: bigint;
  /** Base tokens held (∂value/∂price in quote). */
  readonly delta: number;
}

/** A computed re-center: remove → optional swap → add around the active bin. */
export interface RecenterPreview {
  readonly positionId: string;
  /** Address of the position (the program account) and of its pool. */
  readonly position: string;
  readonly pair: string;
  /** "SOL/USDC". */
  readonly pool: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly activeBinId: number;
  /** Price of the active bin, quote per base. */
  readonly activePrice: number;
  /** USD per token of each side, as valued. */
  readonly priceBase: number;
  readonly priceQuote: number;
  /** Slippage allowed on the swap, basis points. */
  readonly slippageBps: number;
  readonly steps: readonly RecenterStep[];
  readonly before: RangeState;
  readonly after: RangeState;
  readonly notes: readonly string[];
}

/** A venue that manages concentrated-liquidity positions. */
export interface LiquidityVenue {
  readonly venue: VenueId;
  /** Plans moving position `positionId` around the active bin over `width` bins (default: its current width). */
  previewRecenter(positionId: string, o: { readonly width?: number; readonly shape: LiquidityShape; readonly slippageBps?: number }): Promise<RecenterPreview>;
}
