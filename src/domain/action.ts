import type { Amount } from './amount.ts';
import type { ChatRef } from './roles.ts';
import type { VenueId } from './position.ts';

export type Side = 'buy' | 'sell';
export type ExecutionMode = 'dry-run' | 'paper' | 'live';
export type ActionKind = 'hedge' | 'rebalance' | 'protect' | 'limits' | 'recenter' | 'withdraw' | 'deposit' | 'swap';

/** How liquidity is spread over a range (the Saros SDK's shapes). */
export type LiquidityShape = 'spot' | 'curve' | 'bidask';

/**
 * What a liquidity leg does on a concentrated-liquidity pool. Amounts are exact base units of the pool's base (X) and
 * quote (Y) tokens; bin ids as the domain's LpPosition (program id − 2^23).
 */
export type LpLegDetail =
  /** Withdraws `fractionBps` of a position's liquidity; all of it (10,000) also closes the position (its rent comes back). */
  | {
    readonly step: 'remove'; readonly pool: string; readonly position: string; readonly lowerBinId: number; readonly upperBinId: number;
    readonly base: Amount; readonly quote: Amount; readonly fractionBps: number;
  }
  /** Exact-in swap on the pool; `minOut` is the bound sent to the program (the quote less the slippage allowance). */
  | { readonly step: 'swap'; readonly pool: string; readonly sell: 'base' | 'quote'; readonly amountIn: Amount; readonly expectedOut: Amount; readonly minOut: Amount }
  /** Opens a new position `left…right` bins around the active bin at execution and adds these amounts with `shape`. */
  | { readonly step: 'add'; readonly pool: string; readonly left: number; readonly right: number; readonly lowerBinId: number; readonly upperBinId: number; readonly base: Amount; readonly quote: Amount; readonly shape: LiquidityShape };

/**
 * One order of a plan. Sizes are exact base units; prices are USD per unit of size (per contract for perps). A
 * liquidity leg (`kind: 'lp'`) says what it does in `lp`; its size is its base-token amount and its prices are the
 * pool's price (quote per base) at planning.
 */
export interface PlanLeg {
  readonly venue: VenueId;
  readonly market: string;
  readonly kind: 'perp' | 'spot' | 'lp';
  /** Underlying asset. */
  readonly asset: string;
  readonly side: Side;
  readonly size: Amount;
  /** Mark price when the plan was made, USD per unit of size. */
  readonly refPrice: number;
  /** Worst acceptable average fill price, USD per unit of size (the slippage bound sent with the order). */
  readonly limitPrice: number;
  /** size × refPrice, micro-USD. */
  readonly notionalUsd: bigint;
  /** Estimated taker fee, micro-USD. */
  readonly estFeeUsd: bigint;
  /** Estimated price impact, micro-USD. */
  readonly estSlippageUsd: bigint;
  readonly reduceOnly: boolean;
  /** What a liquidity leg does (present exactly when kind is 'lp'). */
  readonly lp?: LpLegDetail;
}

/** A liquidity position's range and holdings, for a card's before → after. */
export interface LpMetrics {
  /** Price range, quote per base. */
  readonly priceLower: number;
  readonly priceUpper: number;
  /** Holdings, tokens (display only: the exact amounts are in the legs). */
  readonly base: number;
  readonly quote: number;
  readonly valueUsd: number;
}

/** Before/after figures shown on the confirm card. */
export interface PlanMetrics {
  /** Net delta per underlying, USD. */
  readonly delta?: Readonly<Record<string, number>>;
  readonly health?: number;
  /** Liquidation price per asset, USD (null: none within reach). */
  readonly liquidationPrices?: Readonly<Record<string, number | null>>;
  /** 1-day 95% historical VaR, USD. */
  readonly var1dUsd?: number;
  /** Share of gross exposure per asset, fraction. */
  readonly weights?: Readonly<Record<string, number>>;
  readonly leverage?: number;
  /** The liquidity position a plan moves. */
  readonly lp?: LpMetrics;
}

/** What produced a plan, so it can be planned again at fresh prices. */
export interface PlanRequest {
  readonly kind: ActionKind;
  readonly args: Readonly<Record<string, string | number | null>>;
}

/** A proposed set of trades, waiting for a human's Confirm. */
export interface ActionPlan {
  readonly id: string;
  readonly kind: ActionKind;
  /** One line: "Hedge SOL to Δ $0.00". */
  readonly title: string;
  readonly request: PlanRequest;
  readonly legs: readonly PlanLeg[];
  readonly before: PlanMetrics;
  readonly after: PlanMetrics;
  /** Facts the person should know (hedge ratio, R² of a cross-hedge, a cap that bit …). */
  readonly notes: readonly string[];
  readonly estimatedFeesUsd: bigint;
  readonly estimatedSlippageUsd: bigint;
  /** Σ leg notionals, micro-USD (what the caps apply to). */
  readonly notionalUsd: bigint;
  /** "platform:userId". */
  readonly requestedBy: string;
  readonly requestedByName: string;
  /** Where the card was shown. */
  readonly chat: ChatRef;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Hash of legs + bounds: Confirm applies to exactly what was shown. */
  readonly planHash: string;
  readonly mode: ExecutionMode;
}

export type ApprovalState = 'pending' | 'executing' | 'executed' | 'failed' | 'cancelled' | 'expired';

/** One executed (or, in dry-run, simulated) leg. */
export interface FillRecord {
  readonly market: string;
  readonly side: Side;
  readonly size: Amount;
  /** Average fill price, USD per unit of size. */
  readonly avgPrice: number;
  readonly feeUsd: bigint;
  /** PnL the fill closed, before the fee, micro-USD (absent when the venue does not say). */
  readonly realizedPnlUsd?: bigint;
  /** For a liquidity leg: which step it was, and the asset its size is in. */
  readonly step?: LpLegDetail['step'];
  readonly asset?: string;
}

/** The persisted life of a plan's approval. `pending → executing` is a compare-and-set. */
export interface Approval {
  readonly planId: string;
  readonly state: ApprovalState;
  readonly updatedAt: number;
  /** "platform:userId" of whoever moved it last (confirm, cancel), or "system". */
  readonly decidedBy?: string;
  /** Transaction signatures, recorded before broadcast. */
  readonly signatures: readonly string[];
  /**
   * Per signature, the last block height at which it can still land (Solana: its blockhash's lastValidBlockHeight).
   * Kept so a restart can tell "never landed and never will" from "not yet seen".
   */
  readonly validUntil?: Readonly<Record<string, number>>;
  readonly fills: readonly FillRecord[];
  /** Why it failed, was cancelled or expired. */
  readonly error?: string;
  /** Executed in dry-run mode: simulated, nothing sent. */
  readonly dryRun?: boolean;
}

/** Legal approval transitions. */
export const APPROVAL_TRANSITIONS: Readonly<Record<ApprovalState, readonly ApprovalState[]>> = {
  pending: ['executing', 'cancelled', 'expired'],
  executing: ['executed', 'failed'],
  executed: [],
  failed: [],
  cancelled: [],
  expired: [],
};
