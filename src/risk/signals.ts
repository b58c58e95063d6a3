/**
 * Mean-reversion signals (seed 000 MeanReversionStrategy) on closes of one period each (e.g. daily).
 *
 * Conventions: the LAST price is the current one; the lookback window is the `lookback` prices before it (the current
 * price is compared against the window, not part of it). z = (price − mean(window)) / stdev(window), sample stdev
 * (ddof = 1). Entry when |z| > entryZ (default 2), exit when |z| < exitZ (default 0.5), otherwise hold. Direction is
 * short when z > 0, long when z < 0. The expected return is a full reversion to the window mean, as a return of the
 * trade in its direction: |mean/price − 1|. Risk is the sample stdev (ddof = 1) of the simple returns between
 * consecutive window prices (return per period; chosen over price-stdev/price because it is what the position will
 * actually swing by per period). Opportunities rank by expectedReturn / risk, descending.
 */
import { RiskInputError } from './errors.ts';
import { mean, stdev } from './volatility.ts';

/** Parameters of the strategy. */
export interface MeanReversionOptions {
  /** Prices in the window before the current one; default 20, at least 3. */
  readonly lookback?: number;
  /** |z| above which to enter; default 2. */
  readonly entryZ?: number;
  /** |z| below which to exit; default 0.5 (must be ≤ entryZ). */
  readonly exitZ?: number;
}

/** One market's signal. */
export interface MeanReversionSignal {
  /** Standard deviations of the current price from the window mean (unitless). */
  readonly z: number;
  /** 'enter' when |z| > entryZ, 'exit' when |z| < exitZ, otherwise 'hold' (keep whatever is open). */
  readonly action: 'enter' | 'exit' | 'hold';
  /** Trade side toward the mean: short above it (z > 0), long below (z < 0), none at exactly the mean. */
  readonly direction: 'long' | 'short' | 'none';
  /** Current price (last input). */
  readonly price: number;
  /** Window mean price. */
  readonly mean: number;
  /** Window sample stdev of prices (price units). */
  readonly priceStdev: number;
  /** Signed move to the mean, mean/price − 1 (fraction). */
  readonly moveToMean: number;
  /** The trade's return if price reverts fully to the mean, |mean/price − 1| (fraction, ≥ 0). */
  readonly expectedReturn: number;
  /** Sample stdev of one-period simple returns within the window (fraction per period). */
  readonly risk: number;
  /** expectedReturn / risk (unitless); the ranking key. */
  readonly score: number;
}

/** A ranked opportunity: a named market whose signal is 'enter'. */
export interface MeanReversionOpportunity extends MeanReversionSignal {
  readonly market: string;
}

/** Mean-reversion ranking: entries best first, plus the markets that could not be scored and why. */
export interface MeanReversionScan {
  readonly opportunities: MeanReversionOpportunity[];
  readonly skipped: { readonly market: string; readonly reason: string }[];
}

/**
 * The mean-reversion signal of one market from its closes (oldest first, the last being current; at least
 * lookback + 1 prices, all finite and > 0). RiskInputError on a flat window (z undefined) or bad parameters.
 */
export function meanReversionSignal(prices: readonly number[], options: MeanReversionOptions = {}): MeanReversionSignal {
  const { lookback, entryZ, exitZ } = parameters(options);
  if (prices.length < lookback + 1) {
    throw new RiskInputError(`meanReversionSignal: need ${lookback + 1} prices (lookback ${lookback} + the current), got ${prices.length}`);
  }
  const recent = prices.slice(prices.length - lookback - 1);
  recent.forEach((p, i) => {
    if (!(p > 0) || !Number.isFinite(p)) throw new RiskInputError(`meanReversionSignal: price ${prices.length - lookback - 1 + i} is ${p}, expected a finite price > 0`);
  });
  const window = recent.slice(0, lookback);
  const price = recent[lookback]!;
  const m = mean(window);
  const sd = stdev(window);
  if (sd === 0) throw new RiskInputError(`meanReversionSignal: the ${lookback}-price window is flat (${window[0]}); z is undefined`);
  const z = (price - m) / sd;
  const returns = window.slice(1).map((p, i) => p / window[i]! - 1);
  const risk = stdev(returns);
  const moveToMean = m / price - 1;
  const expectedReturn = Math.abs(moveToMean);
  const abs = Math.abs(z);
  return {
    z,
    action: abs > entryZ ? 'enter' : abs < exitZ ? 'exit' : 'hold',
    direction: z > 0 ? 'short' : z < 0 ? 'long' : 'none',
    price,
    mean: m,
    priceStdev: sd,
    moveToMean,
    expectedReturn,
    risk,
    score: risk > 0 ? expectedReturn / risk : Infinity,
  };
}

/**
 * Scans markets and ranks the entries ('enter' signals) by expectedReturn / risk, descending (ties by market name).
 * A market that cannot be scored (too short, flat window, bad price) is listed in `skipped` with the reason instead
 * of failing the scan. Bad options still throw.
 */
export function rankMeanReversion(
  markets: readonly { readonly market: string; readonly prices: readonly number[] }[], options: MeanReversionOptions = {},
): MeanReversionScan {
  parameters(options);
  const opportunities: MeanReversionOpportunity[] = [];
  const skipped: { market: string; reason: string }[] = [];
  for (const { market, prices } of markets) {
    try {
      const s = meanReversionSignal(prices, options);
      if (s.action === 'enter') opportunities.push({ market, ...s });
    } catch (e) {
      if (!(e instanceof RiskInputError)) throw e;
      skipped.push({ market, reason: e.message });
    }
  }
  opportunities.sort((a, b) => b.score - a.score || (a.market < b.market ? -1 : a.market > b.market ? 1 : 0));
  return { opportunities, skipped };
}

function parameters(options: MeanReversionOptions): { lookback: number; entryZ: number; exitZ: number } {
  const lookback = options.lookback ?? 20;
  const entryZ = options.entryZ ?? 2;
  const exitZ = options.exitZ ?? 0.5;
  if (!Number.isInteger(lookback) || lookback < 3) throw new RiskInputError(`meanReversion: lookback is ${lookback}, expected a whole number ≥ 3`);
  if (!(entryZ > 0) || !Number.isFinite(entryZ)) throw new RiskInputError(`meanReversion: entryZ is ${entryZ}, expected a finite number > 0`);
  if (!(exitZ >= 0) || !(exitZ <= entryZ)) throw new RiskInputError(`meanReversion: exitZ is ${exitZ}, expected 0 ≤ exitZ ≤ entryZ (${entryZ})`);
  return { lookback, entryZ, exitZ };
}
