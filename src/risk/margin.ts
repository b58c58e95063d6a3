/**
 * Drift's cross-margin model on floats, for what-if prices (stress tests, plans). The exact, integer version of the
 * same rules lives with each venue's books; both use `healthFromMargin`, the one health formula.
 */

/** Drift health (User.getHealth): 100 × (1 − maintenance requirement / maintenance collateral), 0..100, rounded. */
export function healthFromMargin(maintenanceRequirement: number, maintenanceCollateral: number): number {
  if (maintenanceRequirement === 0 && maintenanceCollateral >= 0) return 100;
  if (maintenanceCollateral <= 0) return 0;
  const h = (1 - maintenanceRequirement / maintenanceCollateral) * 100;
  return Math.round(Math.min(100, Math.max(0, h)));
}

export interface SpotBalanceModel {
  readonly asset: string;
  /** Signed units of the asset (negative = borrow). */
  readonly units: number;
  readonly maintenanceAssetWeight: number;
  readonly maintenanceLiabilityWeight: number;
  readonly initialAssetWeight: number;
  readonly initialLiabilityWeight: number;
}

export interface PerpModel {
  readonly id: string;
  readonly asset: string;
  /** Signed units of the underlying asset (contracts × contract size). */
  readonly units: number;
  /** units × entry price, USD (what the position cost; PnL = units × price − entryValue). */
  readonly entryValue: number;
  readonly maintenanceRatio: number;
  readonly initialRatio: number;
}

/** One cross-margin account: its spot balances and perp positions. */
export interface MarginAccountModel {
  readonly spot: readonly SpotBalanceModel[];
  readonly perps: readonly PerpModel[];
}

export interface MarginState {
  readonly maintenanceCollateral: number;
  readonly maintenanceRequirement: number;
  readonly initialCollateral: number;
  readonly initialRequirement: number;
  /** Maintenance collateral − requirement, USD: negative means liquidatable. */
  readonly freeMaintenance: number;
  readonly health: number;
}

/** Margin state of an account at `prices` (USD per asset unit). */
export function marginAt(account: MarginAccountModel, prices: Readonly<Record<string, number>>): MarginState {
  let tcM = 0;
  let tcI = 0;
  let mrM = 0;
  let mrI = 0;
  for (const s of account.spot) {
    const value = s.units * (prices[s.asset] ?? 0);
    if (value >= 0) {
      tcM += value * s.maintenanceAssetWeight;
      tcI += value * s.initialAssetWeight;
    } else {
      mrM += -value * s.maintenanceLiabilityWeight;
      mrI += -value * s.initialLiabilityWeight;
    }
  }
  for (const p of account.perps) {
    const value = p.units * (prices[p.asset] ?? 0);
    const pnl = value - p.entryValue;
    tcM += pnl;
    tcI += pnl;
    mrM += Math.abs(value) * p.maintenanceRatio;
    mrI += Math.abs(value) * p.initialRatio;
  }
  return {
    maintenanceCollateral: tcM, maintenanceRequirement: mrM, initialCollateral: tcI, initialRequirement: mrI,
    freeMaintenance: tcM - mrM, health: healthFromMargin(mrM, tcM),
  };
}

/**
 * Price of `asset` at which the account becomes liquidatable with every other price held (Drift's convention):
 * current − freeMaintenance / (dFree/dPrice). Null when no move of this asset alone gets there.
 */
export function liquidationPriceOf(account: MarginAccountModel, prices: Readonly<Record<string, number>>, asset: string): number | null {
  const p0 = prices[asset];
  if (p0 === undefined || !(p0 > 0)) return null;
  let slope = 0;
  for (const s of account.spot) {
    if (s.asset !== asset) continue;
    slope += s.units * (s.units >= 0 ? s.maintenanceAssetWeight : s.maintenanceLiabilityWeight);
  }
  for (const p of account.perps) {
    if (p.asset !== asset) continue;
    slope += p.units - Math.abs(p.units) * p.maintenanceRatio;
  }
  if (slope === 0) return null;
  const free = marginAt(account, prices).freeMaintenance;
  if (free <= 0) return p0;
  const liq = p0 - free / slope;
  return liq > 0 ? liq : null;
}
