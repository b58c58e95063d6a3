/**
 * Risk parity (equal risk contribution): weights with w_i(Σw)_i equal for every asset, Σ the sample covariance
 * (ddof = 1) of daily simple returns over the lookback; long-only, optionally bounded (then assets at a bound carry
 * a different share, see src/risk/optimize.ts riskParity). Unlike inverse volatility it accounts for correlation;
 * with uncorrelated assets the two agree.
 */
import { covarianceMatrix } from '../risk/covariance.ts';
import { riskParity } from '../risk/optimize.ts';
import {
  boundsFor, checkedReturns, optimumCaveat, resolveUniverse, toWeights,
  type BoundsOption, type OracleProposal, type ProposingOracle, type ReturnsProvider, type Universe,
} from './types.ts';

/** Fewest daily returns a covariance is estimated from. */
export const MIN_COV_DAYS = 10;

export interface RiskParityOracleOptions {
  readonly universe: Universe;
  readonly returns: ReturnsProvider;
  readonly periodsPerYear: number;
  readonly lookbackDays?: number;
  readonly bounds?: BoundsOption;
}

export function riskParityOracle(options: RiskParityOracleOptions): ProposingOracle {
  const propose = async (at: number): Promise<OracleProposal> => {
    const assets = await resolveUniverse(options.universe, at, 'risk-parity', 2);
    const bounds = boundsFor(assets, options.bounds, 'risk-parity');
    const rows = await checkedReturns(options.returns, assets, at, 'risk-parity', MIN_COV_DAYS, options.lookbackDays);
    const opt = riskParity(covarianceMatrix(rows), bounds);
    const note = optimumCaveat(opt);
    return {
      weights: toWeights(assets, opt.weights),
      ...(note ? { note } : {}),
      detail: `${rows[0]?.length ?? 0} days of returns; volatility ${(opt.volatility * Math.sqrt(options.periodsPerYear) * 100).toFixed(1)}% a year`,
    };
  };
  return {
    name: 'risk-parity',
    description: 'Risk parity: each asset contributes the same share of portfolio variance',
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}
