import type { Amount } from './amount.ts';
import type { ChatRef } from './roles.ts';
import type { VenueId } from './position.ts';

export type Side = 'buy' | 'sell';
export type ExecutionMode = 'dry-run' | 'paper' | 'live';
export type ActionKind = 'hedge' | 'rebalance' | 'protect' | 'limits';

/** One order of a plan. Sizes are exact base units; prices are USD per unit of size (per contract for perps). */
export interface PlanLeg {
  readonly venue: VenueId;
  readonly market: string;
  readonly kind: 'perp' | 'spot';
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
