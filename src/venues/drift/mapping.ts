/**
 * Drift → domain, at the boundary: BN amounts become bigints (micro-USD, base units) and prices become float USD only
 * here. Every health, margin and liquidation figure is the SDK's own (User methods), never re-derived.
 */
import {
  BASE_PRECISION, calculateEntryPrice, calculateMarketMarginRatio, decodeName, PRICE_PRECISION, QUOTE_PRECISION, SPOT_MARKET_WEIGHT_PRECISION, TEN_THOUSAND,
  type BN, type DriftClient, type PerpPosition as DriftPerpPosition, type User,
} from '@drift-labs/sdk';
import type { MarginSummary, PerpPosition, SpotPosition } from '../../domain/index.ts';

/** Wrapped tokens priced and hedged as their underlying asset. */
const ASSET_ALIASES: Readonly<Record<string, string>> = { WBTC: 'BTC', WETH: 'ETH', CBBTC: 'BTC' };

/** Deposits below this value (micro-USD, one cent) are not listed as positions. */
export const DUST_USD = 10_000n;

/** Drift's "-1": no liquidation price. */
function liqPrice(bn: BN): number | null {
  return bn.isNeg() ? null : bn.toNumber() / PRICE_PRECISION.toNumber();
}

function big(bn: BN): bigint {
  return BigInt(bn.toString());
}

/** USD price (float) of a PRICE_PRECISION BN. */
export function priceOf(bn: BN): number {
  return bn.toNumber() / PRICE_PRECISION.toNumber();
}

/** "BTC-PERP" → BTC, "1MBONK-PERP" → BONK × 1,000,000, "wETH" → ETH. */
export function assetOf(marketName: string): { asset: string; contractSize: number } {
  const base = marketName.replace(/-PERP$/i, '');
  const m = /^1(M|K)(.+)$/.exec(base);
  const symbol = m ? (m[2] as string) : base;
  const upper = symbol.toUpperCase();
  return { asset: ASSET_ALIASES[upper] ?? upper, contractSize: m ? (m[1] === 'M' ? 1_000_000 : 1_000) : 1 };
}

/** Where a sub-account's positions come from, for ids and labels. */
export interface AccountRef {
  readonly authority: string;
  readonly subAccountId: number;
}

function idOf(ref: AccountRef, kind: string, market: string): string {
  return `drift:${ref.authority}:${ref.subAccountId}:${kind}:${market}`;
}

/** The perp positions of one sub-account, figures from the SDK. */
export function perpPositions(client: DriftClient, user: User, ref: AccountRef): PerpPosition[] {
  return user.getActivePerpPositions().filter((p) => !p.baseAssetAmount.isZero()).map((p: DriftPerpPosition): PerpPosition => {
    const market = client.getPerpMarketAccount(p.marketIndex);
    if (!market) throw new Error(`perp market ${p.marketIndex} is not subscribed`);
    const name = decodeName(market.name);
    const { asset, contractSize } = assetOf(name);
    const oracle = client.getOracleDataForPerpMarket(p.marketIndex).price;
    const notional = p.baseAssetAmount.abs().mul(oracle).div(BASE_PRECISION).mul(QUOTE_PRECISION).div(PRICE_PRECISION);
    const ratio = (r: number): number => r / TEN_THOUSAND.toNumber();
    const notionalUsd = big(notional);
    // The ratios Drift applies to this position: size premium (IMF), the user's own max ratio, high-leverage mode.
    const account = user.getUserAccount();
    const ratioFor = (category: 'Initial' | 'Maintenance'): number =>
      calculateMarketMarginRatio(market, p.baseAssetAmount.abs(), category, account.maxMarginRatio, user.isHighLeverageMode(category));
    const unrealized = big(user.getUnrealizedPNL(true, p.marketIndex));
    return {
      id: idOf(ref, 'perp', name), venue: 'drift', kind: 'perp', market: name, asset,
      markPrice: priceOf(oracle) / contractSize,
      base: { raw: big(p.baseAssetAmount), decimals: 9 },
      entryPrice: priceOf(calculateEntryPrice(p)),
      notionalUsd,
      unrealizedPnlUsd: unrealized,
      fundingPnlUsd: big(user.getUnrealizedFundingPNL(p.marketIndex)),
      realizedPnlUsd: big(p.settledPnl),
      initialMarginUsd: big(user.calculateWeightedPerpPositionLiability(p, 'Initial')),
      maintenanceMarginUsd: big(user.calculateWeightedPerpPositionLiability(p, 'Maintenance')),
      liquidationPrice: liqPrice(user.liquidationPrice(p.marketIndex)),
      marginRatios: { initial: ratio(ratioFor('Initial')), maintenance: ratio(ratioFor('Maintenance')) },
      contractSize,
      valueUsd: unrealized,
      exposureUsd: notionalUsd,
    };
  });
}

/** The deposits (amount > 0) and borrows (< 0) of one sub-account, in mint units; figures from the SDK. */
export function spotPositions(client: DriftClient, user: User, ref: AccountRef): SpotPosition[] {
  return user.getActiveSpotPositions().flatMap((s): SpotPosition[] => {
    const market = client.getSpotMarketAccount(s.marketIndex);
    if (!market) throw new Error(`spot market ${s.marketIndex} is not subscribed`);
    const amount = user.getTokenAmount(s.marketIndex);
    if (amount.isZero()) return [];
    const name = decodeName(market.name);
    const { asset } = assetOf(name);
    const oracle = client.getOracleDataForSpotMarket(s.marketIndex).price;
    // token units × PRICE (1e6) / 10^decimals = micro-USD (QUOTE and PRICE precisions are both 1e6).
    const valueUsd = (big(amount) * big(oracle)) / 10n ** BigInt(market.decimals);
    // Deposits worth less than a cent are leftovers of closed trades ("0 ETH" lines); borrows always show (a dust
    // borrow can be what gets an account liquidated). They still count in Drift's margin figures.
    if (valueUsd >= 0n && valueUsd < DUST_USD) return [];
    const w = (x: number): number => x / SPOT_MARKET_WEIGHT_PRECISION.toNumber();
    return [{
      id: idOf(ref, 'spot', name), venue: 'drift', kind: 'spot', market: name, asset, markPrice: priceOf(oracle),
      amount: { raw: big(amount), decimals: market.decimals }, isCollateral: true, entryPrice: null, unrealizedPnlUsd: null,
      liquidationPrice: liqPrice(user.spotLiquidationPrice(s.marketIndex)),
      weights: {
        initialAsset: w(market.initialAssetWeight), maintenanceAsset: w(market.maintenanceAssetWeight),
        initialLiability: w(market.initialLiabilityWeight), maintenanceLiability: w(market.maintenanceLiabilityWeight),
      },
      valueUsd, exposureUsd: valueUsd < 0n ? -valueUsd : valueUsd,
    }];
  });
}

/** The margin account of one sub-account, as Drift's margin engine computes it. */
export function marginSummary(user: User, label: string | undefined): MarginSummary {
  const liquidatable = user.canBeLiquidated().canBeLiquidated;
  return {
    venue: 'drift', ...(label ? { account: label } : {}),
    totalCollateralUsd: big(user.getTotalCollateral('Initial')),
    maintenanceCollateralUsd: big(user.getTotalCollateral('Maintenance')),
    initialMarginUsd: big(user.getInitialMarginRequirement()),
    maintenanceMarginUsd: big(user.getMaintenanceMarginRequirement()),
    freeCollateralUsd: big(user.getFreeCollateral()),
    health: user.getHealth(),
    leverage: user.getLeverage().toNumber() / TEN_THOUSAND.toNumber(),
    liquidatable,
    beingLiquidated: user.isBeingLiquidated(),
    highLeverageMode: user.isHighLeverageMode('Initial'),
  };
}
