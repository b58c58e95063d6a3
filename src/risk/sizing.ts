/**
 * Position sizing (seed 003 PositionSizer): four ways to turn an account and a view into a USD notional, and the
 * RiskLimits caps every suggestion must pass. Notionals are unsigned USD magnitudes (the side comes from the
 * strategy); fractions are 0..1, never percents. Each result carries a one-line reasoning for the chat reply.
 */
import type { RiskLimits } from '../domain/limits.ts';
import { RiskInputError } from './errors.ts';

/** A sizing suggestion. */
export interface SizingResult {
  readonly method: 'fixed-fraction' | 'volatility-target' | 'var-budget' | 'half-kelly';
  /** Suggested notional, USD (≥ 0). */
  readonly notionalUsd: number;
  /** notionalUsd / equity (a fraction; above 1 means leverage). */
  readonly fractionOfEquity: number;
  /** How the number was reached, with the inputs, for the chat reply. */
  readonly reasoning: string;
}

/**
 * Fixed-fractional sizing, USD. Without a stop: allocate `fraction` of equity (notional = equity × fraction). With a
 * stop `stopDistance` (fraction of entry price, e.g. 0.05 = stop 5% away): risk `fraction` of equity on the trade,
 * notional = equity × fraction / stopDistance, so hitting the stop loses exactly equity × fraction.
 */
export function fixedFraction(equityUsd: number, fraction: number, stopDistance?: number): SizingResult {
  requireEquity(equityUsd, 'fixedFraction');
  requireFraction(fraction, 'fixedFraction', 'fraction');
  if (stopDistance === undefined) {
    const notionalUsd = equityUsd * fraction;
    return result('fixed-fraction', notionalUsd, equityUsd, `allocate ${pct(fraction)} of equity ${usd(equityUsd)} = ${usd(notionalUsd)}`);
  }
  if (!(stopDistance > 0 && stopDistance <= 1)) {
    throw new RiskInputError(`fixedFraction: stopDistance is ${stopDistance}, expected a fraction of price in (0, 1]`);
  }
  const riskUsd = equityUsd * fraction;
  const notionalUsd = riskUsd / stopDistance;
  return result(
    'fixed-fraction', notionalUsd, equityUsd,
    `risk ${pct(fraction)} of equity (${usd(riskUsd)}) with a stop ${pct(stopDistance)} away: ${usd(riskUsd)} / ${pct(stopDistance)} = ${usd(notionalUsd)}`,
  );
}

/**
 * Volatility targeting, USD: notional = equity × targetVol / assetVol, so the position alone moves equity with
 * annualised volatility `targetVolAnnual`. Both vols are annualised fractions (0.15 = 15%/yr).
 */
export function volatilityTarget(equityUsd: number, targetVolAnnual: number, assetVolAnnual: number): SizingResult {
  requireEquity(equityUsd, 'volatilityTarget');
  requirePositive(targetVolAnnual, 'volatilityTarget', 'targetVolAnnual');
  requirePositive(assetVolAnnual, 'volatilityTarget', 'assetVolAnnual');
  const notionalUsd = (equityUsd * targetVolAnnual) / assetVolAnnual;
  return result(
    'volatility-target', notionalUsd, equityUsd,
    `target ${pct(targetVolAnnual)}/yr on equity ${usd(equityUsd)} with asset vol ${pct(assetVolAnnual)}/yr: ${usd(equityUsd)} × ${pct(targetVolAnnual)} / ${pct(assetVolAnnual)} = ${usd(notionalUsd)}`,
  );
}

/**
 * VaR budgeting, USD: notional = equity × varBudgetFraction / assetVaR1d, so the position's 1-day VaR equals the
 * budget. `assetVaR1d` is the asset's 1-day VaR as a positive loss fraction of notional (var.ts convention).
 */
export function varBudget(equityUsd: number, varBudgetFraction: number, assetVaR1d: number): SizingResult {
  requireEquity(equityUsd, 'varBudget');
  requireFraction(varBudgetFraction, 'varBudget', 'varBudgetFraction');
  requirePositive(assetVaR1d, 'varBudget', 'assetVaR1d');
  const budgetUsd = equityUsd * varBudgetFraction;
  const notionalUsd = budgetUsd / assetVaR1d;
  return result(
    'var-budget', notionalUsd, equityUsd,
    `1-day VaR budget ${pct(varBudgetFraction)} of equity (${usd(budgetUsd)}) at asset VaR ${pct(assetVaR1d)}: ${usd(budgetUsd)} / ${pct(assetVaR1d)} = ${usd(notionalUsd)}`,
  );
}

/**
 * Half-Kelly, USD: Kelly f* = μ/σ² (μ expected return and σ² variance of the trade's return over the same period),
 * notional = equity × f* ÷ 2. A non-positive edge (μ ≤ 0) sizes to 0. Above 1× equity it is leverage: cap it.
 */
export function halfKelly(expectedReturn: number, variance: number, equityUsd: number): SizingResult {
  if (!Number.isFinite(expectedReturn)) throw new RiskInputError(`halfKelly: expectedReturn is ${expectedReturn}, expected a finite number`);
  requirePositive(variance, 'halfKelly', 'variance');
  requireEquity(equityUsd, 'halfKelly');
  const kelly = expectedReturn / variance;
  if (kelly <= 0) {
    return result('half-kelly', 0, equityUsd, `no edge: expected return ${pct(expectedReturn)} ≤ 0, Kelly ${kelly.toFixed(3)} → no position`);
  }
  const notionalUsd = (equityUsd * kelly) / 2;
  return result(
    'half-kelly', notionalUsd, equityUsd,
    `Kelly f* = μ/σ² = ${pct(expectedReturn)} / ${variance.toPrecision(3)} = ${kelly.toFixed(3)}; half = ${(kelly / 2).toFixed(3)} × ${usd(equityUsd)} = ${usd(notionalUsd)}`,
  );
}

/** Which cap bound a capped notional. */
export type SizingCap = 'none' | 'maxPositionSizeUsd' | 'maxPositionSizePercent' | 'maxPortfolioLeverage';

/** A notional after the RiskLimits caps. */
export interface CappedSize {
  /** The notional asked for, USD. */
  readonly requestedUsd: number;
  /** min(requested, every cap), USD (≥ 0). */
  readonly notionalUsd: number;
  /** The cap that set notionalUsd ('none' if the request fit); the first in declaration order on a tie. */
  readonly boundBy: SizingCap;
  /**
   * Each cap, USD: maxPositionSizeUsd; the largest new exposure x whose concentration x / max(gross + x, equity) stays
   * within maxPositionSizePercent p, i.e. max(p × equity, p × gross / (1 − p)); maxPortfolioLeverage × equity − gross.
   */
  readonly caps: { readonly maxPositionSizeUsd: number; readonly maxPositionSizePercent: number; readonly maxPortfolioLeverage: number };
  readonly reasoning: string;
}

/**
 * Caps a notional (USD) by RiskLimits: maxPositionSizeUsd, the concentration limit maxPositionSizePercent (see
 * `concentration` in limits.ts: the new position's exposure / max(gross after, equity)), and the leverage
 * headroom maxPortfolioLeverage × equity − currentGrossUsd (gross exposure already open, USD; floored at 0).
 * Reports which cap bound.
 */
export function capByLimits(notionalUsd: number, equityUsd: number, limits: RiskLimits, currentGrossUsd = 0): CappedSize {
  if (!(notionalUsd >= 0) || !Number.isFinite(notionalUsd)) {
    throw new RiskInputError(`capByLimits: notional is ${notionalUsd}, expected a finite USD magnitude ≥ 0`);
  }
  requireEquity(equityUsd, 'capByLimits');
  if (!(currentGrossUsd >= 0) || !Number.isFinite(currentGrossUsd)) {
    throw new RiskInputError(`capByLimits: current gross exposure is ${currentGrossUsd}, expected a finite USD amount ≥ 0`);
  }
  for (const key of ['maxPositionSizeUsd', 'maxPositionSizePercent', 'maxPortfolioLeverage'] as const) {
    const v = limits[key];
    if (!(v >= 0) || !Number.isFinite(v)) throw new RiskInputError(`capByLimits: limit ${key} is ${v}, expected a finite number ≥ 0`);
  }
  const caps = {
    maxPositionSizeUsd: limits.maxPositionSizeUsd,
    maxPositionSizePercent: concentrationCap(limits.maxPositionSizePercent, equityUsd, currentGrossUsd),
    maxPortfolioLeverage: Math.max(0, limits.maxPortfolioLeverage * equityUsd - currentGrossUsd),
  };
  let boundBy: SizingCap = 'none';
  let capped = notionalUsd;
  for (const key of ['maxPositionSizeUsd', 'maxPositionSizePercent', 'maxPortfolioLeverage'] as const) {
    if (caps[key] < capped) {
      capped = caps[key];
      boundBy = key;
    }
  }
  const why: Record<SizingCap, string> = {
    none: `${usd(notionalUsd)} is within every limit`,
    maxPositionSizeUsd: `capped at the ${usd(caps.maxPositionSizeUsd)} per-position limit`,
    maxPositionSizePercent: `capped at ${usd(caps.maxPositionSizePercent)}: more would make it over ${pct(limits.maxPositionSizePercent)} concentration`,
    maxPortfolioLeverage: `capped at the leverage headroom ${limits.maxPortfolioLeverage}× ${usd(equityUsd)} − gross ${usd(currentGrossUsd)} = ${usd(caps.maxPortfolioLeverage)}`,
  };
  return { requestedUsd: notionalUsd, notionalUsd: capped, boundBy, caps, reasoning: why[boundBy] };
}

/** Largest new exposure (USD) with x / max(gross + x, equity) ≤ share; unbounded for a share of 100% or more. */
function concentrationCap(share: number, equityUsd: number, grossUsd: number): number {
  if (share >= 1) return Infinity;
  return Math.max(share * equityUsd, (share * grossUsd) / (1 - share));
}

function result(method: SizingResult['method'], notionalUsd: number, equityUsd: number, reasoning: string): SizingResult {
  return { method, notionalUsd, fractionOfEquity: notionalUsd / equityUsd, reasoning };
}

function requireEquity(equityUsd: number, what: string): void {
  if (!(equityUsd > 0) || !Number.isFinite(equityUsd)) throw new RiskInputError(`${what}: equity is ${equityUsd}, expected a finite USD amount > 0`);
}

function requireFraction(x: number, what: string, name: string): void {
  if (!(x >= 0 && x <= 1)) throw new RiskInputError(`${what}: ${name} is ${x}, expected a fraction in [0, 1] (not a percent)`);
}

function requirePositive(x: number, what: string, name: string): void {
  if (!(x > 0) || !Number.isFinite(x)) throw new RiskInputError(`${what}: ${name} is ${x}, expected a finite number > 0`);
}

function usd(x: number): string {
  return `$${x.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(4))}%`;
}
