/**
 * Mean-variance optimisers as oracles (src/risk/optimize.ts), long-only with optional bounds — or long-short with a
 * gross cap (`gross`: bounds may go below 0, Σw = 1, Σ|w| ≤ gross; PyPortfolioOpt's convention) — on daily simple
 * returns over the lookback: μ = the mean daily return per asset (a weak guide: past means), Σ = the sample
 * covariance (ddof = 1), both per day.
 *   - min-variance: argmin wᵀΣw;
 *   - max-sharpe:   argmax (μᵀw − rf)/√(wᵀΣw), rf = 0 unless given (annual, converted to per day);
 *   - target-vol:   the highest μᵀw with √(wᵀΣw)·√periodsPerYear ≤ the annual target (15% by default, seed 000);
 *                   a target below the least volatile mix is a user error naming both (no silent min-variance).
 */
import { covarianceMatrix } from '../risk/covariance.ts';
import { RiskInputError } from '../risk/errors.ts';
import { maxSharpe, minVariance, targetVolatility, UnreachableTargetError, type PortfolioOptimum } from '../risk/optimize.ts';
import { mean } from '../risk/volatility.ts';
import { UserError } from '../shared/errors.ts';
import { fmtPct } from '../shared/format.ts';
import { MIN_COV_DAYS } from './risk-parity.ts';
import {
  boundsFor, checkedReturns, optimumCaveat, resolveUniverse, toWeights,
  type BoundsOption, type OracleProposal, type ProposingOracle, type ReturnsProvider, type Universe,
} from './types.ts';

export type OptimizerObjective = 'min-variance' | 'max-sharpe' | 'target-vol';

/** Seed 000: the target-vol optimiser's default, annual. */
export const DEFAULT_TARGET_VOL_ANNUAL = 0.15;

export interface OptimizerOracleOptions {
  readonly objective: OptimizerObjective;
  readonly universe: Universe;
  readonly returns: ReturnsProvider;
  readonly periodsPerYear: number;
  readonly lookbackDays?: number;
  readonly bounds?: BoundsOption;
  /** target-vol only: annual volatility target, default 15%. */
  readonly targetVolAnnual?: number;
  /** max-sharpe: annual risk-free rate, default 0. */
  readonly riskFreeAnnual?: number;
  /** Long-short: the gross cap Σ|w| ≤ gross, a fraction of capital (≥ 1); absent, long-only. */
  readonly gross?: number;
}

const DESCRIPTIONS: Readonly<Record<OptimizerObjective, string>> = {
  'min-variance': 'Minimum variance: the least volatile long-only mix (historical covariance)',
  'max-sharpe': 'Maximum Sharpe: the best return per unit of risk on historical means (a weak guide)',
  'target-vol': 'Target volatility: the highest historical return at {target} annual volatility',
};
const LONG_SHORT: Readonly<Record<OptimizerObjective, string>> = {
  'min-variance': 'Minimum variance, long-short: the least volatile mix, shorts through perps',
  'max-sharpe': 'Maximum Sharpe, long-short: the best return per unit of risk on historical means, shorts through perps',
  'target-vol': 'Target volatility, long-short: the highest historical return at {target} annual volatility, shorts through perps',
};

export function optimizerOracle(options: OptimizerOracleOptions): ProposingOracle {
  const { objective, periodsPerYear: ppy } = options;
  const target = options.targetVolAnnual ?? DEFAULT_TARGET_VOL_ANNUAL;
  if (!(target > 0) || !Number.isFinite(target)) throw new UserError('bad_argument', `target-vol: target volatility ${target} must be a positive fraction (0.15 for 15%).`);
  const propose = async (at: number): Promise<OracleProposal> => {
    const assets = await resolveUniverse(options.universe, at, objective, 2);
    const gross = options.gross === undefined ? {} : { gross: options.gross };
    const bounds = boundsFor(assets, options.bounds, objective, options.gross !== undefined);
    const rows = await checkedReturns(options.returns, assets, at, objective, MIN_COV_DAYS, options.lookbackDays);
    const cov = covarianceMatrix(rows);
    const mu = rows.map((r) => mean(r));
    let opt: PortfolioOptimum;
    let outcome = '';
    if (objective === 'min-variance') {
      opt = minVariance(cov, bounds, { mu, ...gross });
    } else if (objective === 'max-sharpe') {
      const rf = (options.riskFreeAnnual ?? 0) / ppy;
      try {
        opt = maxSharpe(mu, cov, rf, bounds, gross);
      } catch (err) {
        if (err instanceof RiskInputError) {
          throw new UserError('unavailable', `max-sharpe: no mix of ${assets.join(', ')} earned more than the risk-free rate over the last ${rows[0]?.length ?? 0} days, so there is no Sharpe ratio to maximise; try min-variance or risk-parity.`);
        }
        throw err;
      }
    } else {
      let t;
      try {
        t = targetVolatility(mu, cov, target / Math.sqrt(ppy), bounds, gross);
      } catch (err) {
        if (err instanceof UnreachableTargetError) {
          throw new UserError('bad_argument', `target-vol: ${pct(target)} a year is below the least volatile mix of ${assets.join(', ')} (${pct(err.limit * Math.sqrt(ppy))}); aim at ${pct(Math.ceil(err.limit * Math.sqrt(ppy) * 1000) / 1000)} or more, or use min-variance.`);
        }
        throw err;
      }
      opt = t;
      if (t.outcome === 'max-return-below-target') outcome = `even the highest-return mix stays below ${pct(target)} (${pct(t.volatility * Math.sqrt(ppy))})`;
    }
    const caveat = outcome || optimumCaveat(opt);
    const annual = opt.expectedReturn === null ? '' : `, historical return ${pct(opt.expectedReturn * ppy)} a year`;
    return {
      weights: toWeights(assets, opt.weights),
      ...(caveat ? { note: caveat } : {}),
      detail: `${rows[0]?.length ?? 0} days of returns; volatility ${pct(opt.volatility * Math.sqrt(ppy))} a year${annual}${options.gross === undefined ? '' : `; gross ${pct(opt.gross)}`}`,
    };
  };
  return {
    name: objective,
    description: options.gross === undefined
      ? DESCRIPTIONS[objective].replace('{target}', pct(target))
      : `${LONG_SHORT[objective].replace('{target}', pct(target))} (gross ≤ ${fmtPct(options.gross, 0)})`,
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
