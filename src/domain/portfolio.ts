import type { Amount } from './amount.ts';
import type { Position, VenueId } from './position.ts';

/** A token a wallet holds that no price source covers: shown by amount, left out of every USD figure and of risk. */
export interface UnpricedHolding {
  readonly venue: VenueId;
  /** The wallet that holds it (base58). */
  readonly owner: string;
  /** The token's mint (base58). */
  readonly mint: string;
  /** Base units with the mint's decimals. */
  readonly amount: Amount;
}

/** Margin state of one cross-margin account (Drift-style). All amounts micro-USD. */
export interface MarginSummary {
  readonly venue: VenueId;
  /** Which account of the venue, when it has several ("Main Account · 5MWF…/0"); absent for the only one. */
  readonly account?: string;
  /** The venue says the account can be liquidated now (Drift: canBeLiquidated). */
  readonly liquidatable?: boolean;
  /** A liquidation of the account is under way (Drift: isBeingLiquidated). */
  readonly beingLiquidated?: boolean;
  /** Drift's high-leverage mode is on (higher margin ratios apply to leave it). */
  readonly highLeverageMode?: boolean;
  /** Collateral weighted for initial margin (asset weights < 1 for volatile collateral). */
  readonly totalCollateralUsd: bigint;
  /** Collateral weighted for maintenance margin. */
  readonly maintenanceCollateralUsd: bigint;
  readonly initialMarginUsd: bigint;
  readonly maintenanceMarginUsd: bigint;
  /** totalCollateral − initial margin: what new positions may use (≥ 0). */
  readonly freeCollateralUsd: bigint;
  /** Drift's health: 100 × (1 − maintenance requirement / maintenance collateral), clamped to 0..100. */
  readonly health: number;
  /** Total liability value / net asset value (perp notional + borrows over equity). */
  readonly leverage: number;
}

/** Data freshness and reachability of one venue. */
export interface VenueStatus {
  readonly venue: VenueId;
  readonly label: string;
  readonly ok: boolean;
  /** Epoch ms of the data the last snapshot reflects. */
  readonly asOf: number;
  readonly error?: string;
}

/** Everything Vigil knows about the user's holdings at one moment. USD amounts are micro-USD. */
export interface Portfolio {
  readonly positions: readonly Position[];
  readonly margin: readonly MarginSummary[];
  /** Latest USD price per asset symbol. */
  readonly prices: Readonly<Record<string, number>>;
  /** Net value: margin-account equity plus LP value, micro-USD. */
  readonly totalValueUsd: bigint;
  readonly unrealizedPnlUsd: bigint;
  readonly realizedPnlUsd: bigint;
  /** Initial margin in use across margin accounts. */
  readonly marginUsedUsd: bigint;
  /** Free collateral across margin accounts. */
  readonly marginAvailableUsd: bigint;
  /** Gross exposure (perp notional + spot + LP) / total value. */
  readonly leverage: number;
  /** The lowest health of any margin account (100 when there is none). */
  readonly health: number;
  readonly venues: readonly VenueStatus[];
  /** Wallet tokens with no price: listed, never valued. */
  readonly unpriced: readonly UnpricedHolding[];
  /** Epoch ms: the oldest venue data this portfolio is built from. */
  readonly asOf: number;
}

/** A point of portfolio history kept by the snapshot job. */
export interface PortfolioSnapshot {
  readonly at: number;
  readonly totalValueUsd: bigint;
  readonly unrealizedPnlUsd: bigint;
  readonly realizedPnlUsd: bigint;
  readonly health: number;
  readonly leverage: number;
  readonly prices: Readonly<Record<string, number>>;
}
