/** What the oracles share: the injected universe and returns, the proposal with its note, and weight bounds. */
import type { WeightOracle, Weights } from '../ports/index.ts';
import type { WeightBounds } from '../risk/optimize.ts';
import { UserError } from '../shared/errors.ts';

/** The assets a computed oracle weights: a fixed list, or a function of the time (e.g. "the risky assets held"). */
export type Universe = readonly string[] | ((at: number) => readonly string[] | Promise<readonly string[]>);

/**
 * Daily simple returns of `assets` up to `at`, aligned on common dates: assets × days, `returns[i][t]` is asset i's
 * return on day t, oldest first, every row the same length. Injected by the caller, so oracles do no price I/O.
 */
export type ReturnsProvider = (assets: readonly string[], at: number) => Promise<readonly (readonly number[])[]>;

/** Weights plus what the user should know about them. */
export interface OracleProposal {
  readonly weights: Weights;
  /** A caveat worth a warning: an optimiser that missed its target, assets dropped, a ridge added … */
  readonly note?: string;
  /** How the weights were computed, for the record: "29 days of returns; annual volatility 40%–90%". */
  readonly detail?: string;
}

/** A WeightOracle that can also say why its weights look the way they do. */
export interface ProposingOracle extends WeightOracle {
  propose(at: number): Promise<OracleProposal>;
}

/**
 * Bounds for every asset: one [lo, hi] for all, or per asset (assets not listed get [0, 1]). Fractions of the book,
 * 0 ≤ lo ≤ hi ≤ 1 long-only; long-short, −1 ≤ lo (a lower bound below 0 allows a short).
 */
export type BoundsOption = readonly [lo: number, hi: number] | Readonly<Record<string, readonly [lo: number, hi: number]>>;

/** Resolves the universe at `at`: sorted, de-duplicated, at least `min` assets. */
export async function resolveUniverse(universe: Universe, at: number, oracle: string, min = 1): Promise<string[]> {
  const list = typeof universe === 'function' ? await universe(at) : universe;
  const assets = [...new Set(list)].sort();
  if (assets.length < min) {
    throw new UserError('unavailable', `${oracle} needs at least ${min} asset${min > 1 ? 's' : ''} to weight, got ${assets.length === 0 ? 'none' : assets.join(', ')}.`);
  }
  return assets;
}

/** Per-asset bounds for `assets` from a BoundsOption, checked (UserError when infeasible or malformed); `longShort` admits lo < 0. */
export function boundsFor(assets: readonly string[], option: BoundsOption | undefined, oracle: string, longShort = false): WeightBounds {
  const pick = (a: string): readonly [number, number] => {
    if (option === undefined) return [0, 1];
    if (isPair(option)) return option;
    return (option as Readonly<Record<string, readonly [number, number]>>)[a] ?? [0, 1];
  };
  const bounds = assets.map((a) => {
    const [lo, hi] = pick(a);
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= (longShort ? -1 : 0) && lo <= hi && hi <= 1)) {
      throw new UserError('bad_argument', longShort
        ? `${oracle}: bounds for ${a} are [${lo}, ${hi}]; expected −1 ≤ lo ≤ hi ≤ 1 (long-short fractions).`
        : `${oracle}: bounds for ${a} are [${lo}, ${hi}]; expected 0 ≤ lo ≤ hi ≤ 1 (long-only fractions).`);
    }
    return [lo, hi] as const;
  });
  const sumLo = bounds.reduce((s, b) => s + b[0], 0);
  const sumHi = bounds.reduce((s, b) => s + b[1], 0);
  if (sumLo > 1 + 1e-12 || sumHi < 1 - 1e-12) {
    throw new UserError('bad_argument', `${oracle}: no weights within the bounds sum to 1 (lower bounds sum to ${sumLo}, upper to ${sumHi}) for ${assets.join(', ')}.`);
  }
  return bounds;
}

function isPair(option: BoundsOption): option is readonly [number, number] {
  return Array.isArray(option);
}

/** assets[i] → w[i] as a Weights record. */
export function toWeights(assets: readonly string[], w: readonly number[]): Weights {
  return Object.freeze(Object.fromEntries(assets.map((a, i) => [a, w[i] ?? 0])));
}

/** Returns from the provider, checked: one row per asset, all the same length, at least `minDays`, all finite. */
export async function checkedReturns(
  returns: ReturnsProvider, assets: readonly string[], at: number, oracle: string, minDays: number, lookbackDays?: number,
): Promise<number[][]> {
  const raw = await returns(assets, at);
  if (raw.length !== assets.length) throw new Error(`${oracle}: the returns provider gave ${raw.length} series for ${assets.length} assets`);
  const len = raw[0]?.length ?? 0;
  if (raw.some((r) => r.length !== len)) throw new Error(`${oracle}: the returns provider gave series of different lengths; align them first`);
  const keep = lookbackDays === undefined ? len : Math.min(len, lookbackDays);
  const rows = raw.map((r) => r.slice(len - keep));
  if (keep < minDays) {
    throw new UserError('unavailable', `${oracle} needs at least ${minDays} days of returns for ${assets.join(', ')}, got ${keep}.`);
  }
  rows.forEach((r, i) => {
    const bad = r.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new Error(`${oracle}: return ${bad} of ${assets[i] ?? i} is ${String(r[bad])}`);
  });
  return rows;
}

/** The caveats of an optimiser result worth showing (its note, a ridge, no convergence); undefined when none. */
export function optimumCaveat(opt: { readonly note: string; readonly ridge: number; readonly converged: boolean }): string | undefined {
  const parts: string[] = [];
  if (opt.note) parts.push(opt.note);
  if (opt.ridge > 0 && !opt.note.includes('ridge')) parts.push(`the covariance was singular; a ridge of ${opt.ridge} × mean variance was added`);
  if (!opt.converged) parts.push('the solver did not fully converge');
  return parts.length > 0 ? parts.join('; ') : undefined;
}
