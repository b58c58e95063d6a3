/**
 * Alert levels, thresholds and tiers: what each rule compares its value with, the defaults (seed 000) and the
 * hysteresis that keeps a level from flapping. The rules that use them are in rules.ts and lp-rules.ts.
 */
import { ALERT_RULE_NAMES, type AlertLevel, type AlertRule } from '../../domain/index.ts';

export type LevelOrOk = AlertLevel | 'ok';
/** What an alert's action button offers; 'recenter' runs the chat command /recenter on the observation's `positionId`. */
export type AlertAction = 'hedge' | 'reduce' | 'rebalance' | 'recenter';

/** Severity order: ok < info < warning < critical < emergency. */
export const LEVEL_RANK: Readonly<Record<LevelOrOk, number>> = Object.freeze({ ok: 0, info: 1, warning: 2, critical: 3, emergency: 4 });

export const ALERT_RULES: readonly AlertRule[] = ALERT_RULE_NAMES;

/** What one rule found for one dedupe key at one evaluation. */
export interface Observation {
  /** `${account}:${rule}:${market ?? '*'}`. */
  readonly key: string;
  readonly rule: AlertRule;
  readonly market?: string;
  /** Level after hysteresis. */
  readonly level: LevelOrOk;
  /** What the rule measured (see the module comment for units). */
  readonly value: number;
  /** The threshold of `level` (of the least severe level when ok). */
  readonly threshold: number;
  readonly title: string;
  /** The numbers behind it: health now, price vs liquidation price, distance … */
  readonly detail: string;
  /** What the alert's action button offers; only on non-ok observations. */
  readonly action?: AlertAction;
  /** The position `action` acts on (set with 'recenter'): the button passes it to the command. */
  readonly positionId?: string;
}

/** Tiers where lower is worse (health, distance to liquidation): entered below a threshold, left above threshold + margin. */
export interface FallingTiers {
  readonly warning: number;
  readonly critical: number;
  readonly emergency: number;
  /** Absolute hysteresis margin, in the value's unit (health points, distance as a fraction). */
  readonly margin: number;
}

/**
 * Tiers where higher is worse: entered above a threshold, left below threshold × (1 − relativeMargin). A null level is
 * not used. For var/drawdown/leverage the numbers are multiples of the RiskLimits value (1 = at the limit).
 */
export interface RisingTiers {
  readonly warning: number;
  readonly critical: number | null;
  readonly emergency: number | null;
  readonly relativeMargin: number;
}

export interface AlertThresholds {
  /** Health of each margin account (0–100). */
  readonly health: FallingTiers;
  /** |mark − liquidation price| / mark per position with a liquidation price. */
  readonly liquidationDistance: FallingTiers;
  /** 1-day VaR as a fraction of equity, in multiples of RiskLimits.maxVar1dPercent. */
  readonly var: RisingTiers;
  /** Current drawdown, in multiples of RiskLimits.maxDrawdownPercent. */
  readonly drawdown: RisingTiers;
  /** Portfolio leverage, in multiples of RiskLimits.maxPortfolioLeverage. */
  readonly leverage: RisingTiers;
  /** A position's gross exposure as a fraction of total value (seed 000: 25%). */
  readonly concentration: RisingTiers;
  /** Exposure-weighted average pairwise correlation of the risky assets. */
  readonly correlation: RisingTiers;
  /** Out of range enters `level`; back in range only once the active bin is `reentryBins` inside an edge. */
  readonly lpOutOfRange: { readonly level: AlertLevel; readonly reentryBins: number };
  /** In range with the active bin fewer than `bins` bins from an edge (warning); clears at `bins` + 1 bins inside. */
  readonly lpNearEdge: { readonly bins: number };
  /** |base value − quote value| / LP value at the active bin's price (0.8 = a 90/10 split). */
  readonly lpSkew: RisingTiers;
  /** Gap between the oracle price and the active bin's [lower, upper) price, as a fraction of the oracle price. */
  readonly lpOracleDivergence: RisingTiers;
  /** |ΔValue| / value over the monitor's window (`windowMinutes` tells the monitor which window to measure). */
  readonly pnlMove: RisingTiers & { readonly windowMinutes: number };
  /** Data age per venue, in refresh intervals: entered above `warningIntervals`, left below `recoverIntervals`. */
  readonly staleData: { readonly warningIntervals: number; readonly criticalIntervals: number | null; readonly recoverIntervals: number };
  /** A venue reporting not ok. */
  readonly venueError: { readonly level: AlertLevel };
  /** Least time between two notifications of a key at the same level (see engine.ts). */
  readonly cooldownMs: Readonly<Record<AlertLevel, number>>;
  /** Unacknowledged critical and emergency alerts repeat this often. */
  readonly repeatMs: number;
}

const MIN = 60_000;

export const DEFAULT_THRESHOLDS: AlertThresholds = Object.freeze<AlertThresholds>({
  health: { warning: 50, critical: 25, emergency: 10, margin: 5 },
  liquidationDistance: { warning: 0.15, critical: 0.08, emergency: 0.04, margin: 0.02 },
  var: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  drawdown: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  leverage: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  concentration: { warning: 0.25, critical: null, emergency: null, relativeMargin: 0.1 },
  correlation: { warning: 0.7, critical: null, emergency: null, relativeMargin: 0.1 },
  lpOutOfRange: { level: 'warning', reentryBins: 1 },
  lpNearEdge: { bins: 3 },
  lpSkew: { warning: 0.8, critical: null, emergency: null, relativeMargin: 0.1 },
  lpOracleDivergence: { warning: 0.01, critical: null, emergency: null, relativeMargin: 0.1 },
  pnlMove: { warning: 0.05, critical: null, emergency: null, relativeMargin: 0.1, windowMinutes: 60 },
  staleData: { warningIntervals: 3, criticalIntervals: null, recoverIntervals: 2 },
  venueError: { level: 'warning' },
  cooldownMs: { info: 60 * MIN, warning: 30 * MIN, critical: 10 * MIN, emergency: 5 * MIN },
  repeatMs: 15 * MIN,
});

/** One tier: entered when the value crosses `enter` (strictly), held until it is strictly past `leave`. */
export interface Tier {
  readonly level: AlertLevel;
  readonly enter: number;
  readonly leave: number;
}

/**
 * The level of `value` given the level it had before: the most severe tier whose threshold the value crosses, or
 * whose level is no worse than `previous` and whose hysteresis band the value has not yet left. `tiers` go from the
 * least to the most severe. NaN is ok.
 */
export function levelWithHysteresis(
  value: number, tiers: readonly Tier[], direction: 'falling' | 'rising', previous: LevelOrOk,
): { level: LevelOrOk; tier: Tier | undefined } {
  for (let i = tiers.length - 1; i >= 0; i--) {
    const t = tiers[i] as Tier;
    const crossed = direction === 'falling' ? value < t.enter : value > t.enter;
    const held = LEVEL_RANK[t.level] <= LEVEL_RANK[previous] && (direction === 'falling' ? value <= t.leave : value >= t.leave);
    if (crossed || held) return { level: t.level, tier: t };
  }
  return { level: 'ok', tier: undefined };
}

/** Health-like tiers (lower is worse), each left `margin` above its threshold. */
export function fallingTiers(t: FallingTiers): Tier[] {
  return [
    { level: 'warning', enter: t.warning, leave: t.warning + t.margin },
    { level: 'critical', enter: t.critical, leave: t.critical + t.margin },
    { level: 'emergency', enter: t.emergency, leave: t.emergency + t.margin },
  ];
}

/** Rising tiers scaled by `base` (1 for absolute thresholds, the RiskLimits value for limit rules). */
export function risingTiers(t: RisingTiers, base = 1): Tier[] {
  const out: Tier[] = [];
  for (const [level, m] of [['warning', t.warning], ['critical', t.critical], ['emergency', t.emergency]] as const) {
    if (m === null) continue;
    out.push({ level, enter: m * base, leave: m * base * (1 - t.relativeMargin) });
  }
  return out;
}
