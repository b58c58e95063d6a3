import type { Amount } from './amount.ts';
import type { VenueId } from './position.ts';

export type Side = 'buy' | 'sell';
export type ExecutionMode = 'dry-run' | 'paper' | 'live';
export type ActionKind = 'hedge' | 'rebalance' | 'protect' | 'limits';

/** One order of a plan. Sizes are exact base units; the price bound protects against slippage. */
export interface PlanLeg {
  readonly venue: VenueId;
  readonly market: string;
  readonly kind: 'perp' | 'spot';
  readonly side: Side;
  readonly size: Amount;
  /** Worst acceptable average price, USD. */
  readonly limitPrice: number;
  readonly reduceOnly: boolean;
}

/** Before/after figures shown on the confirm card. */
export interface PlanMetrics {
  readonly delta?: Readonly<Record<string, number>>;
  readonly health?: number;
  readonly liquidationPrices?: Readonly<Record<string, number | null>>;
  readonly var1dUsd?: number;
  readonly weights?: Readonly<Record<string, number>>;
}

/** A proposed set of trades, waiting for a human's Confirm. */
export interface ActionPlan {
  readonly id: string;
  readonly kind: ActionKind;
  readonly legs: readonly PlanLeg[];
  readonly before: PlanMetrics;
  readonly after: PlanMetrics;
  readonly estimatedFeesUsd: bigint;
  readonly estimatedSlippageUsd: bigint;
  readonly requestedBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Hash of legs + bounds: Confirm applies to exactly what was shown. */
  readonly planHash: string;
  readonly mode: ExecutionMode;
}

export type ApprovalState = 'pending' | 'executing' | 'executed' | 'failed' | 'cancelled' | 'expired';

/** The persisted life of a plan's approval. `pending → executing` is a compare-and-set. */
export interface Approval {
  readonly planId: string;
  readonly state: ApprovalState;
  readonly updatedAt: number;
  readonly decidedBy?: string;
  /** Transaction signatures, recorded before broadcast. */
  readonly signatures: readonly string[];
  readonly error?: string;
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
