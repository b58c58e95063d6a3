import type { Amount, LiquidityShape, VenueId } from '../domain/index.ts';

export type { LiquidityShape };

/** What a liquidity plan does: move a position (re-center), take liquidity out, put it in, or swap on the pool. */
export type LiquidityAction = 'recenter' | 'withdraw' | 'deposit' | 'swap';

/** One step of a re-center, as it would be sent. Amounts exact (base units); prices quote per base. */
export type LiquidityStep =
  | {
    readonly kind: 'remove'; readonly base: Amount; readonly quote: Amount; readonly lowerBinId: number; readonly upperBinId: number;
    /** Share of the position's liquidity taken out, basis points (10,000: all of it, and the position is closed). */
    readonly fractionBps: number;
  }
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

/** A computed liquidity plan: a re-center (remove → optional swap → add), a withdrawal, a deposit or a swap. */
export interface LiquidityPreview {
  readonly kind: LiquidityAction;
  /** The position moved or withdrawn from (LpPosition.id and its program account); absent for a deposit or a swap. */
  readonly positionId?: string;
  readonly position?: string;
  /** Address of the pool (pair). */
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
  readonly steps: readonly LiquidityStep[];
  /** The position before → after (a deposit: the new one after; a swap: none). */
  readonly before?: RangeState;
  readonly after?: RangeState;
  readonly notes: readonly string[];
}

/** A venue that manages concentrated-liquidity positions. */
export interface LiquidityVenue {
  readonly venue: VenueId;
  /** Plans moving position `positionId` around the active bin over `width` bins (default: its current width). */
  previewRecenter(positionId: string, o: { readonly width?: number; readonly shape: LiquidityShape; readonly slippageBps?: number }): Promise<LiquidityPreview>;
  /** Plans taking `fractionBps` (1..10,000) of a position's liquidity out (all of it closes the position). */
  previewWithdraw(positionId: string, o: { readonly fractionBps: number }): Promise<LiquidityPreview>;
  /** Plans a new position on `pool` ("SOL/USDC" or its address) over `width` bins around the price, amounts as typed. */
  previewDeposit(pool: string, o: { readonly base: string; readonly quote: string; readonly width: number; readonly shape: LiquidityShape }): Promise<LiquidityPreview>;
  /** Plans selling `amount` (as typed) of `sell` (the pool's base or quote symbol) on `pool`. */
  previewSwap(pool: string, o: { readonly sell: string; readonly amount: string; readonly slippageBps?: number }): Promise<LiquidityPreview>;
}
