/** View models: the numbers commands show, computed once here so commands only format. */
import type { Portfolio, Position } from '../domain/index.ts';
import { healthTier, liquidationDistance, type HealthTier } from '../risk/liquidation.ts';

export interface PositionView {
  readonly position: Position;
  /** Share of gross exposure (fraction); USDC cash counts as zero exposure. */
  readonly share: number;
  /** Signed fractional move of the mark to liquidation, null when none. */
  readonly liquidationDistance: number | null;
  /** PnL as a fraction of entry value (perps, spot with cost, LP vs deposit); null where unknown. */
  readonly pnlFraction: number | null;
}

/** The cash assets (stablecoins): held spot they are money, not an exposure; never a weight of the risky book. */
export const CASH_ASSETS: ReadonlySet<string> = new Set(['USDC', 'USDT']);

/** Cash: USDC or USDT held spot — money, not an exposure. */
export function isCash(p: Position): boolean {
  return p.kind === 'spot' && CASH_ASSETS.has(p.asset);
}

/** Gross exposure per asset, USD (float): Σ |exposure| of its positions; cash assets only when `withCash`. */
export function assetExposures(positions: readonly Position[], withCash = false): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of positions) {
    if (!withCash && CASH_ASSETS.has(p.asset)) continue;
    const usd = Math.abs(Number(p.exposureUsd) / 1e6);
    if (usd > 0) out.set(p.asset, (out.get(p.asset) ?? 0) + usd);
  }
  return out;
}

/**
 * Long-only weights of `assets` (fractions): each one's gross exposure over theirs together — the glossary's Weight,
 * what /weights, /optimize, the drift check and /rebalance compare with a target. 0 each when none is held.
 */
export function grossWeights(exposures: ReadonlyMap<string, number>, assets: readonly string[]): number[] {
  const total = assets.reduce((s, a) => s + (exposures.get(a) ?? 0), 0);
  return assets.map((a) => (total > 0 ? (exposures.get(a) ?? 0) / total : 0));
}

/** Gross exposure: Σ of every non-cash position's exposure (perp notional, spot value, LP value), micro-USD. */
export function grossExposureUsd(positions: readonly Position[]): bigint {
  return positions.filter((p) => !isCash(p)).reduce((s, p) => s + p.exposureUsd, 0n);
}

/**
 * Signed exposure per asset, USD (float): each position's exposure, negative for a short perp (spot, LP and cash
 * count positive). What long-short weights divide (signedWeights).
 */
export function signedExposures(positions: readonly Position[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of positions) {
    const usd = Number(p.exposureUsd) / 1e6;
    out.set(p.asset, (out.get(p.asset) ?? 0) + (p.kind === 'perp' && p.base.raw < 0n ? -usd : usd));
  }
  return out;
}

/**
 * Long-short weights of `assets` (fractions): each one's signed exposure over their sum — a short is below 0 and they
 * add up to 1, as a long-short optimiser's weights do (PyPortfolioOpt's "fractions of capital"). NaN for every asset
 * when the sum is not positive: a net-short or flat book has no such weights. The one definition /optimize
 * long-short, /weights … long-short, the drift check of a long-short target and a long-short rebalance card share.
 */
export function signedWeights(signedUsd: ReadonlyMap<string, number>, assets: readonly string[]): number[] {
  const net = assets.reduce((s, a) => s + (signedUsd.get(a) ?? 0), 0);
  return assets.map((a) => (net > 0 ? (signedUsd.get(a) ?? 0) / net : Number.NaN));
}

/** Positions with their share of gross exposure and distance to liquidation, largest exposure first. */
export function positionViews(portfolio: Portfolio): PositionView[] {
  const gross = Number(grossExposureUsd(portfolio.positions));
  return portfolio.positions
    .map((p): PositionView => {
      const liq = p.kind === 'lp' ? null : p.liquidationPrice;
      let pnlFraction: number | null = null;
      if (p.kind === 'perp' && p.entryPrice > 0) pnlFraction = Number(p.unrealizedPnlUsd) / (Math.abs(Number(p.base.raw) / 10 ** p.base.decimals) * p.entryPrice * 1e6);
      if (p.kind === 'spot' && p.unrealizedPnlUsd !== null && p.valueUsd - p.unrealizedPnlUsd > 0n) pnlFraction = Number(p.unrealizedPnlUsd) / Number(p.valueUsd - p.unrealizedPnlUsd);
      if (p.kind === 'lp' && p.depositedUsd > 0n) pnlFraction = Number(p.valueUsd - p.depositedUsd) / Number(p.depositedUsd);
      return {
        position: p,
        share: isCash(p) || gross === 0 ? 0 : Number(p.exposureUsd) / gross,
        liquidationDistance: liquidationDistance(p.markPrice, liq),
        pnlFraction,
      };
    })
    .sort((a, b) => (isCash(a.position) ? 1 : 0) - (isCash(b.position) ? 1 : 0) || Number(b.position.exposureUsd - a.position.exposureUsd));
}

export interface LiquidationView {
  readonly market: string;
  readonly mark: number;
  readonly liquidationPrice: number | null;
  readonly distance: number | null;
}

export interface HealthView {
  readonly health: number;
  readonly tier: HealthTier;
  readonly maintenanceMarginUsd: bigint;
  readonly maintenanceCollateralUsd: bigint;
  readonly freeCollateralUsd: bigint;
  readonly liquidations: readonly LiquidationView[];
  /** The liquidation nearest to the current price, if any. */
  readonly nearest: LiquidationView | undefined;
}

/** Health, margin and liquidation prices per perp market and collateral asset, nearest first. */
export function healthView(portfolio: Portfolio): HealthView {
  const liquidations = portfolio.positions
    .filter((p) => p.kind === 'perp' || (p.kind === 'spot' && !isCash(p)))
    .map((p): LiquidationView => {
      const liq = p.kind === 'lp' ? null : p.liquidationPrice;
      return { market: p.market, mark: p.markPrice, liquidationPrice: liq, distance: liquidationDistance(p.markPrice, liq) };
    })
    .sort((a, b) => Math.abs(a.distance ?? Infinity) - Math.abs(b.distance ?? Infinity));
  const sum = (f: (m: Portfolio['margin'][number]) => bigint): bigint => portfolio.margin.reduce((s, m) => s + f(m), 0n);
  return {
    health: portfolio.health,
    tier: healthTier(portfolio.health),
    maintenanceMarginUsd: sum((m) => m.maintenanceMarginUsd),
    maintenanceCollateralUsd: sum((m) => m.maintenanceCollateralUsd),
    freeCollateralUsd: sum((m) => m.freeCollateralUsd),
    liquidations,
    nearest: liquidations.find((l) => l.distance !== null),
  };
}
