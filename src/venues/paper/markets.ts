/**
 * Paper venue market specs. Margin ratios and weights are in Drift's units (MARGIN_PRECISION / SPOT_WEIGHT_PRECISION
 * = 1e4) and modelled on Drift mainnet settings of the same markets, rounded; fees in basis points.
 */
import type { PaperAsset } from './simulator.ts';

/** Weights and ratios are integers over this precision (Drift's MARGIN_PRECISION and SPOT_WEIGHT_PRECISION). */
export const WEIGHT_PRECISION = 10_000n;
/** Ledger price precision: 12 decimals, so BONK at $0.0000075 keeps 6+ significant digits (Drift uses 6). */
export const PRICE_DECIMALS = 12;

export interface SpotSpec {
  readonly asset: PaperAsset;
  /** Mint decimals. */
  readonly decimals: number;
  readonly initialAssetWeight: bigint;
  readonly maintenanceAssetWeight: bigint;
  readonly initialLiabilityWeight: bigint;
  readonly maintenanceLiabilityWeight: bigint;
  /** Taker fee for swaps, bps. */
  readonly feeBps: number;
  /** Price impact per $1M traded, bps (linear). */
  readonly impactBpsPerMillion: number;
  /** Smallest order, base units. */
  readonly minOrderRaw: bigint;
}

export interface PerpSpec {
  readonly market: string;
  readonly asset: PaperAsset;
  /** Base precision: Drift perps use 1e9 for every market. */
  readonly baseDecimals: 9;
  /** Units of the asset per contract: 1MBONK-PERP trades millions of BONK. */
  readonly contractSize: number;
  readonly initialMarginRatio: bigint;
  readonly maintenanceMarginRatio: bigint;
  readonly takerFeeBps: number;
  readonly impactBpsPerMillion: number;
  /** Funding longs pay shorts per hour, as a fraction (negative: shorts pay). */
  readonly hourlyFundingRate: number;
  /** Order step and minimum, base units (1e9). */
  readonly stepRaw: bigint;
}

const w = (x: number): bigint => BigInt(Math.round(x * 10_000));

const major = { initialAssetWeight: w(0.8), maintenanceAssetWeight: w(0.9), initialLiabilityWeight: w(1.2), maintenanceLiabilityWeight: w(1.1) };
const alt = { initialAssetWeight: w(0.5), maintenanceAssetWeight: w(0.6), initialLiabilityWeight: w(1.5), maintenanceLiabilityWeight: w(1.4) };

export const SPOT_SPECS: Readonly<Record<PaperAsset, SpotSpec>> = {
  USDC: { asset: 'USDC', decimals: 6, initialAssetWeight: w(1), maintenanceAssetWeight: w(1), initialLiabilityWeight: w(1), maintenanceLiabilityWeight: w(1), feeBps: 1, impactBpsPerMillion: 0, minOrderRaw: 1_000_000n },
  SOL: { asset: 'SOL', decimals: 9, ...major, feeBps: 5, impactBpsPerMillion: 8, minOrderRaw: 10_000_000n },
  BTC: { asset: 'BTC', decimals: 8, ...major, feeBps: 5, impactBpsPerMillion: 4, minOrderRaw: 10_000n },
  ETH: { asset: 'ETH', decimals: 8, ...major, feeBps: 5, impactBpsPerMillion: 5, minOrderRaw: 100_000n },
  JUP: { asset: 'JUP', decimals: 6, ...alt, feeBps: 10, impactBpsPerMillion: 40, minOrderRaw: 1_000_000n },
  BONK: { asset: 'BONK', decimals: 5, ...alt, feeBps: 10, impactBpsPerMillion: 40, minOrderRaw: 100_000_000n },
  JTO: { asset: 'JTO', decimals: 9, ...alt, feeBps: 10, impactBpsPerMillion: 50, minOrderRaw: 100_000_000n },
  PYTH: { asset: 'PYTH', decimals: 6, ...alt, feeBps: 10, impactBpsPerMillion: 50, minOrderRaw: 1_000_000n },
  RAY: { asset: 'RAY', decimals: 6, ...alt, feeBps: 10, impactBpsPerMillion: 60, minOrderRaw: 1_000_000n },
  WIF: { asset: 'WIF', decimals: 6, ...alt, feeBps: 10, impactBpsPerMillion: 50, minOrderRaw: 1_000_000n },
};

function perp(market: string, asset: PaperAsset, imr: number, mmr: number, impact: number, stepRaw: bigint, contractSize = 1): PerpSpec {
  return {
    market, asset, baseDecimals: 9, contractSize, initialMarginRatio: w(imr), maintenanceMarginRatio: w(mmr),
    takerFeeBps: 3.5, impactBpsPerMillion: impact, hourlyFundingRate: 0.000_01, stepRaw,
  };
}

export const PERP_SPECS: Readonly<Record<string, PerpSpec>> = Object.fromEntries([
  perp('SOL-PERP', 'SOL', 0.05, 0.03, 5, 10_000_000n),
  perp('BTC-PERP', 'BTC', 0.05, 0.03, 3, 100_000n),
  perp('ETH-PERP', 'ETH', 0.05, 0.03, 4, 1_000_000n),
  perp('JUP-PERP', 'JUP', 0.1, 0.05, 30, 1_000_000_000n),
  perp('1MBONK-PERP', 'BONK', 0.1, 0.05, 30, 1_000_000_000n, 1_000_000),
  perp('JTO-PERP', 'JTO', 0.1, 0.05, 40, 1_000_000_000n),
  perp('PYTH-PERP', 'PYTH', 0.1, 0.05, 40, 1_000_000_000n),
  perp('RAY-PERP', 'RAY', 0.1, 0.05, 50, 1_000_000_000n),
  perp('WIF-PERP', 'WIF', 0.1, 0.05, 40, 1_000_000_000n),
].map((p) => [p.market, p]));

export interface PoolSpec {
  readonly pool: string;
  readonly base: PaperAsset;
  readonly quote: PaperAsset;
  readonly binStep: number;
  /** LP fee on volume crossing the position's bins, bps. */
  readonly feeBps: number;
}

export const POOL_SPECS: Readonly<Record<string, PoolSpec>> = {
  'SOL/USDC': { pool: 'SOL/USDC', base: 'SOL', quote: 'USDC', binStep: 20, feeBps: 20 },
  'JUP/USDC': { pool: 'JUP/USDC', base: 'JUP', quote: 'USDC', binStep: 50, feeBps: 50 },
  'BONK/USDC': { pool: 'BONK/USDC', base: 'BONK', quote: 'USDC', binStep: 100, feeBps: 100 },
  'JTO/USDC': { pool: 'JTO/USDC', base: 'JTO', quote: 'USDC', binStep: 50, feeBps: 50 },
  'WIF/USDC': { pool: 'WIF/USDC', base: 'WIF', quote: 'USDC', binStep: 100, feeBps: 100 },
};
