import type { Amount, VenueId } from '../domain/index.ts';

/** How liquidity is spread over the new range (the Saros SDK's shapes). */
export type LiquidityShape = 'spot' | 'curve' | 'bidask';

/** One step of a re-center, as it would be sent. Amounts exact (base units); prices quote per base. */
export type RecenterStep =
  | { readonly kind: 'remove'; readonly base: Amount; readonly quote: Amount; readonly lowerBinId: number; readonly upperBinId: number }
  | {
    readonly kind: 'swap'; readonly sell: 'base' | 'quote'; readonly amountIn: Amount; readonly amountOut: Amount; readonly fee: Amount;
    /** Fraction, fees excluded, computed from the bins. */
    readonly priceImpact: number; readonly binsCrossed: number;
  }
  | { readonly kind: 'add'; readonly base: Amount; readonly quote: Amount; readonly lowerBinId: number; readonly upperBinId: number; readonly shape: LiquidityShape };

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
  readonly pool: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly activeBinId: number;
  readonly steps: readonly RecenterStep[];
  readonly before: RangeState;
  readonly after: RangeState;
  readonly notes: readonly string[];
}

/** A venue that manages concentrated-liquidity positions. */
export interface LiquidityVenue {
  readonly venue: VenueId;
  /** Plans moving position `positionId` around the active bin over `width` bins (default: its current width). */
  previewRecenter(positionId: string, o: { readonly width?: number; readonly shape: LiquidityShape }): Promise<RecenterPreview>;
}
