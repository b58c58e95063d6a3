/**
 * The `arch` package's backcast: the value standing in for the pre-sample ε² and σ² that start a variance recursion
 * (GARCH in garch.ts, EWMA in volatility.ts). Units: residuals are fractions per period, the backcast fraction².
 */

/** arch's backcast window and decay: τ = min(75, n) squared residuals weighted ∝ 0.94^i. */
export const BACKCAST_WINDOW = 75;
export const BACKCAST_DECAY = 0.94;

/** Normalised backcast weights w_i ∝ 0.94^i, i < min(75, n) (sum 1). */
export function backcastWeights(n: number): Float64Array {
  const tau = Math.min(BACKCAST_WINDOW, n);
  const w = new Float64Array(tau);
  let sum = 0;
  for (let i = 0; i < tau; i++) {
    w[i] = Math.pow(BACKCAST_DECAY, i);
    sum += w[i]!;
  }
  for (let i = 0; i < tau; i++) w[i] = w[i]! / sum;
  return w;
}

/** arch's backcast of residuals ε (fraction² per period): Σ w_i ε²_i over the first min(75, n), w_i ∝ 0.94^i. */
export function backcast(residuals: ArrayLike<number>): number {
  const w = backcastWeights(residuals.length);
  let b = 0;
  for (let i = 0; i < w.length; i++) b += w[i]! * (residuals[i] as number) ** 2;
  return b;
}
