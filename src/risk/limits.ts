/** Checks a portfolio's figures against RiskLimits (seed 003 check_risk_limits → RiskViolation list). */
import type { RiskLimits, RiskViolation } from '../domain/index.ts';

export interface LimitInputs {
  /** Gross exposure / equity. */
  readonly leverage: number;
  readonly health: number;
  /** Gross exposure per non-cash position, USD, with the position's label (their sum is the gross exposure). */
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
 * Concentration of one position, fraction in [0, 1]: exposure / max(gross exposure, equity). On a book invested at 1x
 * or more it is the position's share of gross exposure; below 1x idle cash dilutes it, so a small position in a
 * mostly-cash book is not "concentrated" (USD in, any unit as long as all three agree).
 */
export function concentration(exposureUsd: number, grossUsd: number, equityUsd: number): number {
  const base = Math.max(grossUsd, equityUsd);
  return base > 0 ? Math.abs(exposureUsd) / base : 0;
}

/**
 * Exposure-weighted average co-movement of the positions: Σ_{i≠j} w_i w_j ρ_ij / Σ_{i≠j} |w_i||w_j| over signed net
 * exposures (USD). Near 1 means the book's P&L moves as one bet whatever the number of positions; a long against a short
 * of correlated assets (a hedge) counts negative, so a hedged book is not "correlated". 0 with fewer than two exposures.
 */
export function correlationExposure(weights: readonly number[], corr: readonly (readonly number[])[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < weights.length; i++) {
    for (let j = 0; j < weights.length; j++) {
      if (i === j) continue;
      const w = (weights[i] ?? 0) * (weights[j] ?? 0);
      num += w * (corr[i]?.[j] ?? 0);
      den += Math.abs(w);
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
  const gross = x.positions.reduce((s, p) => s + Math.abs(p.exposureUsd), 0);
  for (const p of sorted) {
    const share = concentration(p.exposureUsd, gross, x.equityUsd);
    if (share > limits.maxPositionSizePercent) {
      out.push({ limit: 'maxPositionSizePercent', market: p.label, actual: share, allowed: limits.maxPositionSizePercent, message: `${p.label} concentration ${pct(share)} is above ${pct(limits.maxPositionSizePercent)}` });
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
