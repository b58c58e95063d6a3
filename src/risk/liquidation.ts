/** Signed distance from `mark` to `liquidationPrice` as a fraction of mark (−0.18 = an 18% fall liquidates). */
export function liquidationDistance(mark: number, liquidationPrice: number | null): number | null {
  if (liquidationPrice === null || !(mark > 0)) return null;
  return (liquidationPrice - mark) / mark;
}

/** Health tiers on Drift's 0–100 scale; below a tier's value the account is in that tier. */
export interface HealthTiers {
  readonly warning: number;
  readonly critical: number;
  readonly emergency: number;
}

export const DEFAULT_HEALTH_TIERS: HealthTiers = Object.freeze({ warning: 50, critical: 25, emergency: 10 });

export type HealthTier = 'ok' | 'warning' | 'critical' | 'emergency';

/** Which tier a health value falls in. */
export function healthTier(health: number, tiers: HealthTiers = DEFAULT_HEALTH_TIERS): HealthTier {
  if (health < tiers.emergency) return 'emergency';
  if (health < tiers.critical) return 'critical';
  if (health < tiers.warning) return 'warning';
  return 'ok';
}
