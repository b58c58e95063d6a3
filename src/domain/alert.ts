export type AlertLevel = 'info' | 'warning' | 'critical' | 'emergency';

/** Every alert rule, by the name users type in /mute. */
export const ALERT_RULE_NAMES = [
  'health', 'liquidation_distance', 'var', 'drawdown', 'leverage', 'concentration', 'correlation', 'lp_out_of_range',
  'pnl_move', 'stale_data', 'venue_error', 'drift',
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
