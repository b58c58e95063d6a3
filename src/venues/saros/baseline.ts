/**
 * Fees earned and HODL value of a Saros position since its baseline (what each bin held when Vigil first saw it).
 * Pure bigint arithmetic.
 *
 * Why per share: inside one bin every swap trades X for Y at the bin's fixed price, so a bin's value at its own price
 * (reserveX × price + reserveY) changes only by the fees the program compounds into it. A share's value at the bin
 * price therefore grows by exactly the fees per share, whatever the price did and whoever deposited or withdrew since:
 * fees = Σ bins shares now × (value per share now − value per share at the baseline), in Y at the bins' prices. The
 * HODL value is what the position's shares redeemed for at the baseline (X and Y), held instead.
 */
import { positionBinAmounts, priceQ64FromId, type BinState } from './math.ts';

/** A bin as first recorded (program bin id). */
export interface BaselineBin extends BinState {
  readonly binId: number;
}

export interface SinceBaseline {
  /** Fees compounded into the position's bins since the baseline, Y base units at the bins' prices (≥ 0). */
  readonly feesY: bigint;
  /** What the current shares redeemed for at the baseline, X and Y base units. */
  readonly hodlX: bigint;
  readonly hodlY: bigint;
  /** Bins holding a share that have no baseline yet (to record now). */
  readonly unrecorded: readonly number[];
}

/** Value of `shares` of `bin` at the bin's own price, Y base units × 2^64 (kept scaled so nothing rounds early). */
function valueQ64(shares: bigint, bin: BinState, priceQ64: bigint): bigint {
  if (bin.totalSupply === 0n) return 0n;
  return (shares * (bin.reserveX * priceQ64 + (bin.reserveY << 64n))) / bin.totalSupply;
}

/**
 * The position's fees and HODL since `baseline` (bins without one count from now: no fees, HODL as they hold now).
 * `shares[k]` belongs to bin `lowerBinId + k`; `bins` are the bins as read now.
 */
export function sinceBaseline(o: {
  readonly shares: readonly bigint[];
  readonly lowerBinId: number;
  readonly binStep: number;
  readonly bins: (binId: number) => BinState | undefined;
  readonly baseline: ReadonlyMap<number, BinState>;
}): SinceBaseline {
  let feesQ64 = 0n;
  let hodlX = 0n;
  let hodlY = 0n;
  const unrecorded: number[] = [];
  for (const a of positionBinAmounts(o.shares, o.lowerBinId, o.bins)) {
    const then = o.baseline.get(a.binId);
    if (!then || then.totalSupply === 0n) {
      unrecorded.push(a.binId);
      hodlX += a.x;
      hodlY += a.y;
      continue;
    }
    const now = o.bins(a.binId) as BinState;
    const price = priceQ64FromId(a.binId, o.binStep);
    const grown = valueQ64(a.shares, now, price) - valueQ64(a.shares, then, price);
    // Rounding (and the program's own floor divisions) can leave a bin a hair below its baseline: no negative fees.
    if (grown > 0n) feesQ64 += grown;
    hodlX += (a.shares * then.reserveX) / then.totalSupply;
    hodlY += (a.shares * then.reserveY) / then.totalSupply;
  }
  return { feesY: feesQ64 >> 64n, hodlX, hodlY, unrecorded };
}
