/** Checks a portfolio's figures against RiskLimits (seed 003 check_risk_limits → RiskViolation list). */
import type { RiskLimits, RiskViolation } from '../domain/index.ts';

export interface LimitInputs {
  /** Gross exposure / equity. */
  readonly leverage: number;
  readonly health: number;
  /** Gross exposure per position, USD, with the position's label. */
  readonly positions: readonly { readonly label: string; readonly exposureUsd: number }[];
  readonly equityUsd: number;
  /** 1-day VaR as a fraction of equity (null when unknown). */
  readonly var1d: number | null;
  /** Current drawdown, fraction (null when unknown). */
  readonly drawdown: number | null;
  /** Exposure-weighted average pairwise correlation of the risky assets (null when unknown). */
  readonly correlationExposure: number | null;
}

/**
 * Exposure-weighted average pairwise correlation: Σ_{i≠j} |w_i||w_j| ρ_ij / Σ_{i≠j} |w_i||w_j|. Near 1 means the
 * positions move as one, whatever their number; 0 with fewer than two exposures.
 */
export function correlationExposure(weights: readonly number[], corr: readonly (readonly number[])[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < weights.length; i++) {
    for (let j = 0; j < weights.length; j++) {
      if (i === j) continue;
      const w = Math.abs(weights[i] ?? 0) * Math.abs(weights[j] ?? 0);
      num += w * (corr[i]?.[j] ?? 0);
      den += w;
    }
  }
  return den === 0 ? 0 : num / den;
}

/** Every limit the inputs break, worst first within each kind. */
export function checkLimits(x: LimitInputs, limits: RiskLimits): RiskViolation[] {
  const out: RiskViolation[] = [];
  const pct = (f: number): string => `${(f * 100).toFixed(1)}%`;
  if (x.leverage > limits.maxPortfolioLeverage) {
    out.push({ limit: 'maxPortfolioLeverage', actual: x.leverage, allowed: limits.maxPortfolioLeverage, message: `Leverage ${x.leverage.toFixed(2)}x is above ${limits.maxPortfolioLeverage}x` });
  }
  if (x.health < limits.minHealth) {
    out.push({ limit: 'minHealth', actual: x.health, allowed: limits.minHealth, message: `Health ${Math.round(x.health)} is below ${limits.minHealth}` });
  }
  const sorted = [...x.positions].sort((a, b) => b.exposureUsd - a.exposureUsd);
  for (const p of sorted) {
    if (p.exposureUsd > limits.maxPositionSizeUsd) {
      out.push({ limit: 'maxPositionSizeUsd', market: p.label, actual: p.exposureUsd, allowed: limits.maxPositionSizeUsd, message: `${p.label} exposure $${Math.round(p.exposureUsd).toLocaleString('en-US')} is above $${limits.maxPositionSizeUsd.toLocaleString('en-US')}` });
    }
  }
  if (x.equityUsd > 0) {
    for (const p of sorted) {
      const share = p.exposureUsd / x.equityUsd;
      if (share > limits.maxPositionSizePercent) {
        out.push({ limit: 'maxPositionSizePercent', market: p.label, actual: share, allowed: limits.maxPositionSizePercent, message: `${p.label} is ${pct(share)} of equity, above ${pct(limits.maxPositionSizePercent)}` });
      }
    }
  }
  if (x.var1d !== null && x.var1d > limits.maxVar1dPercent) {
    out.push({ limit: 'maxVar1dPercent', actual: x.var1d, allowed: limits.maxVar1dPercent, message: `1-day VaR ${pct(x.var1d)} is above ${pct(limits.maxVar1dPercent)}` });
  }
  if (x.drawdown !== null && x.drawdown > limits.maxDrawdownPercent) {
    out.push({ limit: 'maxDrawdownPercent', actual: x.drawdown, allowed: limits.maxDrawdownPercent, message: `Drawdown ${pct(x.drawdown)} is above ${pct(limits.maxDrawdownPercent)}` });
  }
  if (x.correlationExposure !== null && x.correlationExposure > limits.maxCorrelationExposure) {
    out.push({ limit: 'maxCorrelationExposure', actual: x.correlationExposure, allowed: limits.maxCorrelationExposure, message: `Positions are ${x.correlationExposure.toFixed(2)} correlated on average, above ${limits.maxCorrelationExposure}` });
  }
  return out;
}
