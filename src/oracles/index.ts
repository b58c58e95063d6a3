/**
 * WeightOracle implementations (seed 001's Oracle) and `createOracle(name, deps)`, which picks one by name:
 *   static:<path>          weights from a JSON/YAML file in the weights directory (static-file.ts)
 *   equal                  1/N (equal-weight.ts)
 *   inverse-vol            ∝ 1/σ (inverse-volatility.ts)
 *   risk-parity            equal risk contributions (risk-parity.ts)
 *   min-variance | max-sharpe | target-vol   mean-variance optimisers (optimizer.ts)
 *   signals:<path-or-url>  per-asset scores, Numerai-style, from a file there or a public https URL (signals.ts)
 * Every oracle it returns validates its weights (validate_weights: finite, ≥ 0, known assets, Σ = 1 within 1e-6)
 * before handing them out, so a caller never sees weights that break the rules.
 *
 * Long-short (`gross` set): the optimisers may short (bounds below 0, Σ|w| ≤ gross) and a static file may hold
 * negative weights; both are then validated with shorts allowed and the gross cap (the optimisers also against their
 * bounds; a file, like a long-only one, has no per-asset cap). The oracle's name
 * gains " long-short". The oracles whose weights are never below 0 (equal, inverse-vol, risk-parity, signals:) refuse
 * it rather than ignore it.
 */
import { UserError } from '../shared/errors.ts';
import { equalWeightOracle } from './equal-weight.ts';
import { inverseVolatilityOracle } from './inverse-volatility.ts';
import { optimizerOracle } from './optimizer.ts';
import { riskParityOracle } from './risk-parity.ts';
import { signalsOracle, type SignalMappingOptions } from './signals.ts';
import { staticFileOracle } from './static-file.ts';
import type { BoundsOption, OracleProposal, ProposingOracle, ReturnsProvider, Universe } from './types.ts';
import type { HostResolver } from './url-fetch.ts';
import { validateWeights, type ValidateOptions } from './validate.ts';

export { checkedGross, validateWeights, WEIGHT_SUM_TOLERANCE } from './validate.ts';
export type { ValidateOptions } from './validate.ts';
export { equalWeightOracle } from './equal-weight.ts';
export { inverseVolatilityOracle, inverseVolatilityWeights } from './inverse-volatility.ts';
export { riskParityOracle } from './risk-parity.ts';
export { optimizerOracle, DEFAULT_TARGET_VOL_ANNUAL, type OptimizerObjective } from './optimizer.ts';
export { staticFileOracle, readWeightsFile } from './static-file.ts';
export {
  signalsOracle, parseSignals, pickScores, percentileRanks, signalWeights, capWeights,
  type SignalRow, type ScoreMapping, type SignalMappingOptions, type SignalsOracleOptions,
} from './signals.ts';
export type { BoundsOption, OracleProposal, ProposingOracle, ReturnsProvider, Universe } from './types.ts';
export { addressCategory, compileAllowList, redirectTarget, safeFetchText, UrlFetchError, MAX_REDIRECTS, type AddressCategory, type HostResolver } from './url-fetch.ts';

/** The names createOracle understands, as shown to users. */
export const ORACLE_NAMES: readonly string[] = [
  'equal', 'inverse-vol', 'risk-parity', 'min-variance', 'max-sharpe', 'target-vol', 'static:<path>', 'signals:<path-or-url>',
];

export interface OracleDeps {
  /** The assets the computed oracles weight (equal, inverse-vol, risk-parity, optimisers). */
  readonly universe: Universe;
  /** Aligned daily simple returns, assets × days. */
  readonly returns: ReturnsProvider;
  readonly periodsPerYear: number;
  /** Assets any weights may name (validation; signals drop the others). */
  readonly knownAssets: Iterable<string> | (() => Iterable<string>);
  /** Use at most this many of the latest daily returns. */
  readonly lookbackDays?: number;
  /** Risk parity and optimisers: per-asset weight bounds (default [0, 1]). */
  readonly bounds?: BoundsOption;
  /** target-vol: annual target, default 15%. */
  readonly targetVolAnnual?: number;
  /** Long-short: shorts allowed with gross Σ|w| ≤ this, a fraction of capital (≥ 1, see checkedGross); absent, long-only. */
  readonly gross?: number;
  /** The weights directory (WEIGHTS_DIR): static: and signals: files must lie inside it; without it none is read. */
  readonly baseDir?: string;
  /** signals: mapping, staleness and URL options (urlAllow: WEIGHTS_URL_ALLOW; resolveHost: tests only). */
  readonly signals?: SignalMappingOptions & {
    readonly maxAgeDays?: number;
    readonly timeoutMs?: number;
    readonly urlAllow?: readonly string[];
    readonly resolveHost?: HostResolver;
  };
}

/** The oracle called `name` (see ORACLE_NAMES); UserError('bad_argument') listing the names when there is none. */
export function createOracle(name: string, deps: OracleDeps): ProposingOracle {
  const trimmed = name.trim();
  const lower = trimmed.toLowerCase();
  const known = (): Iterable<string> => (typeof deps.knownAssets === 'function' ? deps.knownAssets() : deps.knownAssets);
  const common = { universe: deps.universe, returns: deps.returns, periodsPerYear: deps.periodsPerYear, ...(deps.lookbackDays !== undefined ? { lookbackDays: deps.lookbackDays } : {}) };
  const bounded = { ...common, ...(deps.bounds !== undefined ? { bounds: deps.bounds } : {}) };
  const gross = deps.gross;
  if (gross !== undefined) refuseLongOnly(lower);
  let oracle: ProposingOracle;
  if (lower.startsWith('static:')) {
    const path = trimmed.slice('static:'.length).trim();
    if (path === '') throw new UserError('bad_argument', 'static: needs a file, e.g. static:weights.yaml.');
    oracle = staticFileOracle({ path, ...(deps.baseDir !== undefined ? { baseDir: deps.baseDir } : {}) });
  } else if (lower.startsWith('signals:')) {
    const source = trimmed.slice('signals:'.length).trim();
    if (source === '') throw new UserError('bad_argument', 'signals: needs a file or an https URL, e.g. signals:signals.csv or signals:https://example.com/signals.csv.');
    oracle = signalsOracle({ ...deps.signals, source, knownAssets: known, ...(deps.baseDir !== undefined ? { baseDir: deps.baseDir } : {}) });
  } else if (lower === 'equal') {
    oracle = equalWeightOracle({ universe: deps.universe });
  } else if (lower === 'inverse-vol') {
    oracle = inverseVolatilityOracle(common);
  } else if (lower === 'risk-parity') {
    oracle = riskParityOracle(bounded);
  } else if (lower === 'min-variance' || lower === 'max-sharpe' || lower === 'target-vol') {
    oracle = optimizerOracle({
      ...bounded, objective: lower, ...(deps.targetVolAnnual !== undefined ? { targetVolAnnual: deps.targetVolAnnual } : {}), ...(gross !== undefined ? { gross } : {}),
    });
  } else {
    throw new UserError('bad_argument', `No weight oracle "${trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed}".`, `Oracles: ${ORACLE_NAMES.join(', ')}`);
  }
  if (gross === undefined) return validated(oracle, known);
  // The optimisers' bounds are known; a static file's only limit is the gross cap (as long-only files are not capped).
  const pair = deps.bounds !== undefined && Array.isArray(deps.bounds) && !lower.startsWith('static:') ? { bounds: deps.bounds as readonly [number, number] } : {};
  return validated({ ...oracle, name: `${oracle.name} long-short` }, known, { allowShort: true, maxGross: gross, ...pair });
}

/** The oracles whose weights are never below 0: long-short would change nothing, so it is refused with the reason. */
function refuseLongOnly(lower: string): void {
  const hint = 'long-short applies to min-variance, max-sharpe, target-vol and static: files.';
  if (lower === 'risk-parity') throw new UserError('bad_argument', 'risk-parity is long-only: a short cannot carry a risk budget.', hint);
  if (lower === 'equal' || lower === 'inverse-vol' || lower.startsWith('signals:')) {
    throw new UserError('bad_argument', `${lower.startsWith('signals:') ? 'signals:' : lower} is long-only: its weights are never below 0.`, hint);
  }
}

/** `oracle` with validate_weights applied to everything it proposes; `rules` adds shorts, a gross cap and bounds. */
export function validated(
  oracle: ProposingOracle, knownAssets: () => Iterable<string>, rules: Pick<ValidateOptions, 'allowShort' | 'maxGross' | 'bounds'> = {},
): ProposingOracle {
  const propose = async (at: number): Promise<OracleProposal> => {
    const p = await oracle.propose(at);
    return { ...p, weights: validateWeights(p.weights, { knownAssets: knownAssets(), source: oracle.name, ...rules }) };
  };
  return {
    name: oracle.name,
    description: oracle.description,
    propose,
    fetchWeights: async (at) => (await propose(at)).weights,
  };
}
