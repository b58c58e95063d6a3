/**
 * validate_weights (seed 001): what every oracle's weights must satisfy before anyone looks at them.
 *
 * Rules, checked in this order, each failing with a UserError('bad_argument') that says what was wrong:
 *   1. not empty (at least one asset);
 *   2. every weight a finite number;
 *   3. every weight ≥ 0, unless `allowShort`;
 *   4. every asset known (the message lists the known ones);
 *   5. Σw = 1 within 1e-6 (the message shows the sum);
 *   6. with `bounds`, every weight within [lo, hi];
 *   7. with `maxGross` (long-short), gross Σ|w| ≤ maxGross within 1e-6.
 * A weight of exactly 0 is kept (it says "hold none of this"), -0 is read as 0.
 */
import type { Weights } from '../ports/index.ts';
import { DEFAULT_GROSS } from '../risk/optimize.ts';
import { UserError } from '../shared/errors.ts';
import { fmtPct } from '../shared/format.ts';

/** Seed 001: |Σw − 1| < 1e-6. */
export const WEIGHT_SUM_TOLERANCE = 1e-6;

export interface ValidateOptions {
  /** The asset symbols a weight may name (e.g. every asset with a price). */
  readonly knownAssets: Iterable<string>;
  /** Negative weights (shorts) allowed; Σw = 1 still applies. Default false (long-only). */
  readonly allowShort?: boolean;
  /** Prefix for messages, usually the oracle's name ("static:weights.yaml"). */
  readonly source?: string;
  /** Every weight within [lo, hi], fractions (e.g. ±the concentration limit). */
  readonly bounds?: readonly [lo: number, hi: number];
  /** Long-short gross cap: Σ|w| ≤ this, a fraction of capital (1.5 = 150%). */
  readonly maxGross?: number;
}

/** The long-short gross cap, a fraction of capital: `gross`, or 150% (DEFAULT_GROSS); UserError below 100%. */
export function checkedGross(gross: number | undefined): number {
  const g = gross ?? DEFAULT_GROSS;
  // Σw = 1 makes Σ|w| ≥ 1: a cap below 100% has no weights at all.
  if (!(g >= 1) || !Number.isFinite(g)) {
    throw new UserError('bad_argument', `gross must be at least 100% (weights sum to 100%), got ${fmtPct(g, 1)}.`, 'Gross is Σ|weight|: 150% allows 25% of shorts (gross=150%, the default).');
  }
  return g;
}

/**
 * Returns a frozen copy of `weights` with assets in the given order, or throws UserError('bad_argument') naming the
 * first broken rule. Accepts `unknown` values so parsed files can be passed in as they are.
 */
export function validateWeights(weights: Readonly<Record<string, unknown>>, options: ValidateOptions): Weights {
  const fail = (message: string, hint?: string): never => {
    throw new UserError('bad_argument', options.source ? `${options.source}: ${message}` : message, hint);
  };
  const entries = Object.entries(weights);
  if (entries.length === 0) fail('no weights: an oracle must propose at least one asset.');

  const out: Record<string, number> = {};
  for (const [asset, value] of entries) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(`the weight of ${asset} is ${describe(value)}; every weight must be a finite number.`);
    }
    out[asset] = Object.is(value, -0) ? 0 : (value as number);
  }
  if (!options.allowShort) {
    const negative = entries.filter(([, v]) => (v as number) < 0);
    if (negative.length > 0) {
      fail(`negative weight${negative.length > 1 ? 's' : ''} ${negative.map(([a, v]) => `${a} ${String(v)}`).join(', ')}: weights must be ≥ 0 (long-only; shorting is not allowed).`,
        'To short through perps, add long-short (e.g. /weights static:FILE long-short).');
    }
  }
  const known = new Set(options.knownAssets);
  const unknown = entries.map(([a]) => a).filter((a) => !known.has(a));
  if (unknown.length > 0) {
    fail(`unknown asset${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`, `Known: ${[...known].sort().join(', ') || 'none'}`);
  }
  const sum = sumOf(Object.values(out));
  if (!(Math.abs(sum - 1) < WEIGHT_SUM_TOLERANCE)) {
    fail(`the weights sum to ${Number(sum.toPrecision(12))}, not 1 (within ${WEIGHT_SUM_TOLERANCE}).`, 'Weights are fractions of the book: 0.4 for 40%.');
  }
  if (options.bounds) {
    const [lo, hi] = options.bounds;
    // The optimisers clip into their bounds exactly; 1e-9 only forgives the last bits of a file's decimals.
    const outside = Object.entries(out).filter(([, v]) => v < lo - 1e-9 || v > hi + 1e-9);
    if (outside.length > 0) {
      fail(`weight${outside.length > 1 ? 's' : ''} outside ${fmtPct(lo, 1)} to ${fmtPct(hi, 1)}: ${outside.map(([a, v]) => `${a} ${fmtPct(v, 1)}`).join(', ')}.`, 'Each weight is capped by the concentration limit (/limits).');
    }
  }
  if (options.maxGross !== undefined) {
    const gross = sumOf(Object.values(out).map(Math.abs));
    if (gross > options.maxGross + WEIGHT_SUM_TOLERANCE) {
      fail(`gross exposure Σ|w| is ${fmtPct(gross, 1)}, above the ${fmtPct(options.maxGross, 1)} cap.`, `Shrink the shorts, or raise the cap: gross=${Math.ceil(gross * 100)}%.`);
    }
  }
  return Object.freeze(out);
}

/** Σ with Neumaier compensation, so a long list of small weights does not drift by rounding. */
export function sumOf(xs: Iterable<number>): number {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the text "${value.length > 20 ? `${value.slice(0, 20)}…` : value}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}
