import type { ActionPlan, ExecutionMode, PlanLeg, VenueId } from '../domain/index.ts';

export interface LegFill {
  readonly leg: PlanLeg;
  /** Filled base size, base units (same decimals as leg.size). */
  readonly filledRaw: bigint;
  /** Average fill price, USD. */
  readonly avgPrice: number;
  readonly feeUsd: bigint;
}

export interface SimulationResult {
  readonly ok: boolean;
  /** Decoded reason when !ok (program error name where the venue has one). */
  readonly error?: string;
  readonly fills: readonly LegFill[];
  /** Whether the simulation ran against the real program (false offline: plumbing only). */
  readonly authoritative: boolean;
}

export interface ExecutionResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly fills: readonly LegFill[];
  readonly signatures: readonly string[];
}

/** Sends a plan's legs on one venue. `beforeBroadcast` persists signatures before anything leaves the process. */
export interface TradeExecutor {
  readonly venue: VenueId;
  readonly mode: ExecutionMode;
  simulate(plan: ActionPlan): Promise<SimulationResult>;
  execute(plan: ActionPlan, hooks: { beforeBroadcast(signatures: readonly string[]): Promise<void> }): Promise<ExecutionResult>;
  /** Status of previously broadcast signatures (start-up reconciliation). */
  signatureStatus(signatures: readonly string[]): Promise<readonly ('confirmed' | 'failed' | 'unknown')[]>;
}
