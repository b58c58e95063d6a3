/**
 * Inverse volatility: w_i = (1/σ_i) / Σ_j (1/σ_j), σ_i the sample standard deviation (ddof = 1) of asset i's daily
 * simple returns over the lookback (the last `lookbackDays` returns the provider gives; all of them by default).
 * Annualising would multiply every σ by the same √periodsPerYear, so it does not change the weights; the
 * description shows the annual σ range only for the reader. Correlations are ignored (risk parity uses them).
 * An asset with σ = 0 over the window (a pegged stablecoin) cannot be weighted this way: UserError.
 */
import { stdev } from '../risk/volatility.ts';
import { UserError } from '../shared/errors.ts';
import { checkedReturns, resolveUniverse, toWeights, type OracleProposal, type ProposingOracle, type ReturnsProvider, type Universe } from './types.ts';

/** Fewest daily returns a volatility is estimated from. */
export const MIN_VOL_DAYS = 10;

export interface InverseVolatilityOptions {
  readonly universe: Universe;
  readonly returns: ReturnsProvider;
  readonly periodsPerYear: number;
  /** Use at most this many of the latest returns. */
  readonly lookbackDays?: number;
}

/** Weights ∝ 1/σ_i for per-period volatilities `vols` (all > 0). */
export function inverseVolatilityWeights(vols: readonly number[]): number[] {
  const inv = vols.map((v) => 1 / v);
  const total = inv.reduce((s, x) => s + x, 0);
  return inv.map((x) => x / total);
}

export function inverseVolatilityOracle(options: InverseVolatilityOptions): ProposingOracle {
  const propose = async (at: number): Promise<OracleProposal> => {
    const assets = await resolveUniverse(options.universe, at, 'inverse-vol');
    const rows = await checkedReturns(options.returns, assets, at, 'inverse-vol', MIN_VOL_DAYS, options.lookbackDays);
    const vols = rows.map((r) => stdev(r));
    const flat = assets.filter((_, i) => !(vols[i]! > 0));
    if (flat.length > 0) {
      throw new UserError('unavailable', `inverse-vol: ${flat.join(', ')} did not move over the last ${rows[0]?.length ?? 0} days (σ = 0), so 1/σ is infinite; leave ${flat.length > 1 ? 'them' : 'it'} out.`);
    }
    const annual = vols.map((v) => v * Math.sqrt(options.periodsPerYear));
    const lo = Math.min(...annual);
    const hi = Math.max(...annual);
    return {
      weights: toWeights(assets, inverseVolatilityWeights(vols)),
      detail: `${rows[0]?.length ?? 0} days of returns; annual volatility ${(lo * 100).toFixed(0)}%–${(hi * 100).toFixed(0)}%`,
    };
  };
  return {
    name: 'inverse-vol',
    description: 'Inverse volatility: weights ∝ 1/σ of daily returns (ignores correlation)',
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}
