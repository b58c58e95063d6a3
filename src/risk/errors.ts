/** Input a risk function cannot work with (too short, constant, non-finite …); the message says what and why. */
export class RiskInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RiskInputError';
  }
}

/** Throws RiskInputError unless `xs` has at least `min` values, all finite. `what` names the input in the message. */
export function requireFinite(xs: readonly number[], min: number, what: string): void {
  if (xs.length < min) throw new RiskInputError(`${what}: need at least ${min} values, got ${xs.length}`);
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new RiskInputError(`${what}: value ${bad} is ${String(xs[bad])}, expected a finite number`);
}
