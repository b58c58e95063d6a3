export type AlertLevel = 'info' | 'warning' | 'critical' | 'emergency';

/** Every alert rule, by the name users type in /mute. */
export const ALERT_RULE_NAMES = [
  'health', 'liquidation_distance', 'var', 'drawdown', 'leverage', 'concentration', 'correlation', 'lp_out_of_range',
  'lp_near_edge', 'lp_skew', 'lp_oracle_divergence', 'pnl_move', 'stale_data', 'venue_error', 'drift',
] as const;

export type AlertRule = (typeof ALERT_RULE_NAMES)[number];

/** An alert as raised by a rule; `key` dedupes it per (account, rule, market). */
export interface Alert {
  readonly key: string;
  readonly rule: AlertRule;
  readonly level: AlertLevel;
  readonly market?: string;
  readonly title: string;
  readonly detail: string;
  /** The number the rule measured (health, % distance, fraction …). */
  readonly value: number;
  readonly threshold: number;
  readonly raisedAt: number;
}

/** The range an editable threshold accepts: [min, max], or (min, max) when `exclusive`; whole numbers only when `integer`. */
export interface ThresholdSpec {
  readonly min: number;
  readonly max: number;
  readonly unit: 'health' | 'fraction' | 'bins';
  readonly integer?: boolean;
  readonly exclusive?: boolean;
}

/** Alert thresholds an admin may change with /thresholds set, and their ranges (health points, fractions or LP bins). */
export const EDITABLE_THRESHOLDS = {
  health_warning: { min: 1, max: 100, unit: 'health' }, health_critical: { min: 1, max: 100, unit: 'health' }, health_emergency: { min: 1, max: 100, unit: 'health' },
  liq_warning: { min: 0.005, max: 0.9, unit: 'fraction' }, liq_critical: { min: 0.005, max: 0.9, unit: 'fraction' }, liq_emergency: { min: 0.005, max: 0.9, unit: 'fraction' },
  concentration: { min: 0.01, max: 1, unit: 'fraction' }, pnl_move: { min: 0.001, max: 1, unit: 'fraction' },
  // LP rules: whole bins from an edge; skew and oracle gap as fractions strictly between 0 and 1.
  lp_near_edge_bins: { min: 1, max: 100, unit: 'bins', integer: true },
  lp_skew: { min: 0, max: 1, unit: 'fraction', exclusive: true }, lp_oracle_divergence: { min: 0, max: 1, unit: 'fraction', exclusive: true },
} as const satisfies Readonly<Record<string, ThresholdSpec>>;
export type EditableThreshold = keyof typeof EDITABLE_THRESHOLDS;
