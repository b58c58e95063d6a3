import type { ActionPlan, ExecutionMode, MarketInfo, PlanLeg, VenueId } from '../domain/index.ts';

export interface LegFill {
  readonly leg: PlanLeg;
  /** Filled base size, base units (same decimals as leg.size). */
  readonly filledRaw: bigint;
  /** Average fill price, USD per unit of size. */
  readonly avgPrice: number;
  readonly feeUsd: bigint;
  /** PnL the fill closed (a reduction realises it), before the fee, micro-USD; 0 for a fill that opens or adds. */
  readonly realizedPnlUsd?: bigint;
}

export interface SimulationResult {
  readonly ok: boolean;
  /** Decoded reason when !ok (program error name where the venue has one). */
  readonly error?: string;
  readonly fills: readonly LegFill[];
  /** Whether the simulation ran against the real program/book (false: plumbing only, e.g. offline). */
  readonly authoritative: boolean;
}

export interface ExecutionResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly fills: readonly LegFill[];
  readonly signatures: readonly string[];
}

export type SignatureStatus = 'confirmed' | 'failed' | 'unknown';

export interface BroadcastHooks {
  /**
   * Persists the signatures (and the last block height at which they can land, where the chain has one) before anything
   * leaves the process; if it throws, nothing is sent.
   */
  beforeBroadcast(signatures: readonly string[], validUntil?: number): Promise<void>;
}

/**
 * Sends a plan's legs on one venue (the legs whose `venue` is this one). The execution mode is the approval gate's
 * business: in dry-run it only ever calls `simulate`.
 */
export interface TradeExecutor {
  readonly venue: VenueId;
  /** Markets this venue can trade, with their order rules. */
  markets(): readonly MarketInfo[];
  /** Runs the legs against the current book without changing anything. */
  simulate(plan: ActionPlan): Promise<SimulationResult>;
  /**
   * Signs and sends the legs. `beforeBroadcast` must persist the signatures before anything leaves the process; if it
   * throws, nothing is sent.
   */
  execute(plan: ActionPlan, hooks: BroadcastHooks): Promise<ExecutionResult>;
  /**
   * Status of previously broadcast signatures (start-up reconciliation): never re-sends anything. `validUntil` is what
   * `beforeBroadcast` was given for them (absent for signatures stored before it was recorded).
   */
  signatureStatus(signatures: readonly string[], validUntil?: Readonly<Record<string, number>>): Promise<readonly SignatureStatus[]>;
}

/** The execution mode a process runs with (kept beside the port so the gate and the wiring agree). */
export type { ExecutionMode };
