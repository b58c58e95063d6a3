import type { MarginSummary, Position, UnpricedHolding, VenueId } from '../domain/index.ts';

/** What one venue reports at one moment. */
export interface VenueSnapshot {
  readonly venue: VenueId;
  readonly positions: readonly Position[];
  /** The venue's cross-margin account(s) (Drift: one per sub-account, paper: one); null for wallet-only venues (Saros). */
  readonly margin: MarginSummary | readonly MarginSummary[] | null;
  /** USD price per asset symbol as the venue sees it (oracle/mark). */
  readonly prices: Readonly<Record<string, number>>;
  /** Realised PnL of the account since inception, micro-USD. */
  readonly realizedPnlUsd: bigint;
  /** Wallet tokens the venue found but cannot price (absent = none). */
  readonly unpriced?: readonly UnpricedHolding[];
  /** Epoch ms the data reflects (chain slot time or simulator time). */
  readonly asOf: number;
}

/** A venue that can report positions. Implementations map SDK types to the domain at this boundary. */
export interface PositionSource {
  readonly venue: VenueId;
  /** Human label for /status: "Paper (seed 42)", "Drift mainnet". */
  readonly label: string;
  snapshot(): Promise<VenueSnapshot>;
  /** Subscribes to pushed changes (price ticks, account updates); returns an unsubscribe function. */
  onChange?(listener: () => void): () => void;
}
