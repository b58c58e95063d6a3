/** Risk limits (seed 003 RiskLimits). Fractions are 0..1; USD limits are whole-dollar numbers for readability. */
export interface RiskLimits {
  readonly maxPortfolioLeverage: number;
  readonly maxPositionSizeUsd: number;
  /** Largest share of total value one position may hold (fraction). */
  readonly maxPositionSizePercent: number;
  readonly maxCorrelationExposure: number;
  /** Largest 1-day 95% VaR as a fraction of total value. */
  readonly maxVar1dPercent: number;
  /** Lowest acceptable health (0–100, Drift scale). */
  readonly minHealth: number;
  readonly maxDrawdownPercent: number;
}

/**
 * Defaults from seed 003. Its min_health_ratio of 150 is a collateral/requirement percentage (150% ⇔ requirement is
 * 2/3 of collateral), which on Drift's 0–100 health scale is 100 × (1 − 1/1.5) ≈ 33.
 */
export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze({
  maxPortfolioLeverage: 5,
  maxPositionSizeUsd: 50_000,
  maxPositionSizePercent: 0.3,
  maxCorrelationExposure: 0.7,
  maxVar1dPercent: 0.05,
  minHealth: 33,
  maxDrawdownPercent: 0.15,
});

/** Why a limit is broken (seed 003 RiskViolation). */
export interface RiskViolation {
  readonly limit: keyof RiskLimits;
  readonly actual: number;
  readonly allowed: number;
  readonly market?: string;
  readonly message: string;
}

/** What each limit means to a user, its unit and the range a value must fall in. */
export const LIMIT_SPECS: Readonly<Record<keyof RiskLimits, { label: string; unit: 'x' | 'usd' | 'fraction' | 'health'; min: number; max: number }>> = {
  maxPortfolioLeverage: { label: 'Max leverage', unit: 'x', min: 0.1, max: 100 },
  maxPositionSizeUsd: { label: 'Max position size', unit: 'usd', min: 1, max: 1e12 },
  maxPositionSizePercent: { label: 'Max concentration', unit: 'fraction', min: 0.01, max: 1 },
  maxCorrelationExposure: { label: 'Max avg correlation', unit: 'fraction', min: 0, max: 1 },
  maxVar1dPercent: { label: 'Max 1-day VaR', unit: 'fraction', min: 0.001, max: 1 },
  minHealth: { label: 'Min health', unit: 'health', min: 0, max: 100 },
  maxDrawdownPercent: { label: 'Max drawdown', unit: 'fraction', min: 0.01, max: 1 },
};

/** Short names users type in `/limits set`. */
export const LIMIT_ALIASES: Readonly<Record<string, keyof RiskLimits>> = {
  leverage: 'maxPortfolioLeverage', position_usd: 'maxPositionSizeUsd', position_pct: 'maxPositionSizePercent',
  correlation: 'maxCorrelationExposure', var: 'maxVar1dPercent', health: 'minHealth', drawdown: 'maxDrawdownPercent',
};
