/**
 * Stress scenarios as relative price moves per asset, and their effect on a portfolio: PnL per position, margin
 * health after, and which positions' liquidation prices the scenario crosses.
 */
import { RiskInputError } from './errors.ts';
import { liquidationPriceOf, marginAt, type MarginAccountModel } from './margin.ts';
import { instrumentPnl, shockedPrices, type Instrument } from './portfolio-model.ts';

export interface StressScenario {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Relative move per asset (−0.3 = −30%); assets not listed do not move. */
  readonly moves: Readonly<Record<string, number>>;
  /** Assets whose move was inferred rather than observed (historical replays), with how. */
  readonly proxied?: Readonly<Record<string, string>>;
}

/** Every asset in `assets` except stablecoins moves by `move`. */
export function uniformShock(assets: readonly string[], move: number, stable: readonly string[] = ['USDC', 'USDT']): StressScenario {
  checkMove(move);
  const moves = Object.fromEntries(assets.filter((a) => !stable.includes(a)).map((a) => [a, move]));
  return { id: `uniform:${move}`, name: `All assets ${fmt(move)}`, description: 'Every non-stable asset moves by the same amount', moves };
}

/** Named per-asset moves (e.g. SOL −30%). */
export function assetShocks(moves: Readonly<Record<string, number>>): StressScenario {
  for (const m of Object.values(moves)) checkMove(m);
  const name = Object.entries(moves).map(([a, m]) => `${a} ${fmt(m)}`).join(', ');
  return { id: `assets:${name}`, name, description: 'Per-asset shock, other prices unchanged', moves: { ...moves } };
}

/**
 * Correlation → 1: every risky asset makes its own k-sigma move in the same direction at once (no diversification).
 * `dailyVol` per asset; `direction` −1 for a crash. Moves are exp(direction × k × σ) − 1 so they stay above −100%.
 */
export function correlationToOne(dailyVol: Readonly<Record<string, number>>, k = 2.326, direction: 1 | -1 = -1): StressScenario {
  const moves = Object.fromEntries(Object.entries(dailyVol).map(([a, s]) => [a, Math.expm1(direction * k * s)]));
  return {
    id: `corr1:${k}`, name: 'Correlation → 1', moves,
    description: `Every asset moves ${k.toFixed(2)}σ (1-day) ${direction < 0 ? 'down' : 'up'} together: diversification disappears`,
  };
}

/**
 * Volatility × k: the expected move of every asset given that the portfolio loses k × z × σ_p, under the measured
 * covariance (Gaussian conditional expectation E[r | wᵀr = −kzσ_p] = −kz Σw/σ_p). `exposures` USD per asset.
 */
export function volatilityMultiplier(assets: readonly string[], cov: readonly (readonly number[])[], exposures: readonly number[],
  k: number, z = 2.326): StressScenario {
  if (!(k > 0)) throw new RiskInputError(`volatility multiplier must be > 0, got ${k}`);
  const n = assets.length;
  const sw = new Array<number>(n).fill(0);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) sw[i]! += (cov[i]?.[j] ?? 0) * (exposures[j] ?? 0);
    variance += (exposures[i] ?? 0) * sw[i]!;
  }
  if (!(variance > 0)) throw new RiskInputError('the portfolio has no price risk to stress');
  const sigma = Math.sqrt(variance);
  const moves = Object.fromEntries(assets.map((a, i) => [a, Math.max(-0.99, (-k * z * sw[i]!) / sigma)]));
  return { id: `vol:${k}`, name: `Volatility ×${k}`, description: `A ${k}× 99% 1-day move along the portfolio's own risk`, moves };
}

/**
 * A historical replay: observed moves, with missing assets filled from the first available reference asset, scaled by
 * relative daily volatility (and kept above −99%).
 */
export function historicalReplay(ep: { id: string; name: string; description: string; moves: Readonly<Record<string, number>> },
  assets: readonly string[], dailyVol: Readonly<Record<string, number>>, references: readonly string[] = ['SOL', 'ETH', 'BTC']): StressScenario {
  const moves: Record<string, number> = {};
  const proxied: Record<string, string> = {};
  const ref = references.find((r) => ep.moves[r] !== undefined);
  for (const a of assets) {
    const m = ep.moves[a];
    if (m !== undefined) {
      moves[a] = m;
    } else if (ref !== undefined && a !== 'USDC' && a !== 'USDT') {
      const scale = (dailyVol[a] ?? 0) / (dailyVol[ref] ?? 1);
      const logMove = Math.log1p(ep.moves[ref] ?? 0) * (Number.isFinite(scale) && scale > 0 ? scale : 1);
      moves[a] = Math.max(-0.99, Math.expm1(logMove));
      proxied[a] = `${ref} × ${scale.toFixed(2)} (vol ratio)`;
    }
  }
  return { id: ep.id, name: ep.name, description: ep.description, moves, proxied };
}

export interface StressResult {
  readonly scenario: StressScenario;
  readonly totalPnl: number;
  readonly positions: readonly { id: string; label: string; pnl: number }[];
  readonly accounts: readonly {
    readonly healthBefore: number;
    readonly healthAfter: number;
    /** Maintenance collateral below requirement after the moves: the venue would liquidate. */
    readonly liquidatable: boolean;
  }[];
  /** Ids of perp positions whose asset's liquidation price the scenario crosses. */
  readonly crossed: readonly string[];
}

/** Applies a scenario to a portfolio: PnL per instrument, and health of each margin account before and after. */
export function runStress(scenario: StressScenario, instruments: readonly Instrument[], accounts: readonly MarginAccountModel[],
  prices: Readonly<Record<string, number>>): StressResult {
  const pnl = instrumentPnl(instruments, prices, scenario.moves);
  const after = shockedPrices(prices, scenario.moves);
  const crossed: string[] = [];
  const accountResults = accounts.map((acc) => {
    const before = marginAt(acc, prices);
    const post = marginAt(acc, after);
    for (const p of acc.perps) {
      const liq = liquidationPriceOf(acc, prices, p.asset);
      const moved = after[p.asset];
      if (liq === null || moved === undefined) continue;
      const long = p.units > 0;
      if ((long && moved <= liq) || (!long && moved >= liq)) crossed.push(p.id);
    }
    return { healthBefore: before.health, healthAfter: post.health, liquidatable: post.freeMaintenance < 0 };
  });
  return {
    scenario,
    totalPnl: pnl.reduce((s, x) => s + x, 0),
    positions: instruments.map((inst, i) => ({ id: inst.id, label: inst.label, pnl: pnl[i] ?? 0 })),
    accounts: accountResults,
    crossed,
  };
}

function checkMove(m: number): void {
  if (!Number.isFinite(m) || m <= -1) throw new RiskInputError(`a price move must be above −100%, got ${(m * 100).toFixed(1)}%`);
}

function fmt(m: number): string {
  return `${m > 0 ? '+' : ''}${(m * 100).toFixed(0)}%`;
}
