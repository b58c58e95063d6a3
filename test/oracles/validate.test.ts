import { describe, expect, it } from 'vitest';
import { checkedGross, validateWeights, WEIGHT_SUM_TOLERANCE } from '../../src/oracles/validate.ts';
import { UserError } from '../../src/shared/errors.ts';

const KNOWN = ['BTC', 'ETH', 'SOL', 'USDC'];

function error(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('validateWeights (seed 001 validate_weights)', () => {
  it('returns a frozen copy of valid weights', () => {
    const w = validateWeights({ BTC: 0.4, ETH: 0.3, USDC: 0.3 }, { knownAssets: KNOWN });
    expect(w).toEqual({ BTC: 0.4, ETH: 0.3, USDC: 0.3 });
    expect(Object.isFrozen(w)).toBe(true);
  });

  it('accepts a sum within 1e-6 of 1 and rejects one just outside, showing the sum', () => {
    expect(WEIGHT_SUM_TOLERANCE).toBe(1e-6);
    expect(() => validateWeights({ BTC: 0.5, ETH: 0.5 + 9e-7 }, { knownAssets: KNOWN })).not.toThrow();
    const e = error(() => validateWeights({ BTC: 0.5, ETH: 0.5 + 2e-6 }, { knownAssets: KNOWN }));
    expect(e.code).toBe('bad_argument');
    expect(e.message).toBe('the weights sum to 1.000002, not 1 (within 0.000001).');
    expect(error(() => validateWeights({ BTC: 0.4, ETH: 0.3 }, { knownAssets: KNOWN })).message).toBe('the weights sum to 0.7, not 1 (within 0.000001).');
  });

  it('rejects empty weights', () => {
    expect(error(() => validateWeights({}, { knownAssets: KNOWN })).message).toBe('no weights: an oracle must propose at least one asset.');
  });

  it('rejects non-finite and non-numeric weights, naming the asset', () => {
    expect(error(() => validateWeights({ BTC: Number.NaN, ETH: 1 }, { knownAssets: KNOWN })).message)
      .toBe('the weight of BTC is NaN; every weight must be a finite number.');
    expect(error(() => validateWeights({ BTC: Infinity }, { knownAssets: KNOWN })).message).toContain('the weight of BTC is Infinity');
    expect(error(() => validateWeights({ BTC: '0.5', ETH: 0.5 }, { knownAssets: KNOWN })).message).toContain('the weight of BTC is the text "0.5"');
    expect(error(() => validateWeights({ BTC: null }, { knownAssets: KNOWN })).message).toContain('the weight of BTC is null');
  });

  it('rejects negative weights unless shorting is allowed', () => {
    const e = error(() => validateWeights({ BTC: 1.2, ETH: -0.2 }, { knownAssets: KNOWN }));
    expect(e.message).toBe('negative weight ETH -0.2: weights must be ≥ 0 (long-only; shorting is not allowed).');
    expect(validateWeights({ BTC: 1.2, ETH: -0.2 }, { knownAssets: KNOWN, allowShort: true })).toEqual({ BTC: 1.2, ETH: -0.2 });
    expect(validateWeights({ BTC: 1, ETH: -0 }, { knownAssets: KNOWN }).ETH).toBe(0);
  });

  it('long-short: the gross cap and the bounds, each refused with the figures and what to do', () => {
    const ls = { knownAssets: KNOWN, allowShort: true };
    // Σw = 1, Σ|w| = 1.4: inside 150%, outside 130%.
    expect(validateWeights({ BTC: 1.2, ETH: -0.2 }, { ...ls, maxGross: 1.5 })).toEqual({ BTC: 1.2, ETH: -0.2 });
    const over = error(() => validateWeights({ BTC: 1.2, ETH: -0.2 }, { ...ls, maxGross: 1.3 }));
    expect(over.message).toBe('gross exposure Σ|w| is 140.0%, above the 130.0% cap.');
    expect(over.hint).toBe('Shrink the shorts, or raise the cap: gross=140%.');
    const outside = error(() => validateWeights({ BTC: 0.9, ETH: 0.5, SOL: -0.4 }, { ...ls, bounds: [-0.3, 0.6] }));
    expect(outside.message).toBe('weights outside -30.0% to 60.0%: BTC 90.0%, SOL -40.0%.');
    expect(validateWeights({ BTC: 0.6, ETH: 0.6, SOL: -0.2 }, { ...ls, bounds: [-0.3, 0.6], maxGross: 1.4 })).toEqual({ BTC: 0.6, ETH: 0.6, SOL: -0.2 });
    // Long-only, a negative weight says how to allow shorts.
    expect(error(() => validateWeights({ BTC: 1.2, ETH: -0.2 }, { knownAssets: KNOWN })).hint).toBe('To short through perps, add long-short (e.g. /weights static:FILE long-short).');
  });

  it('checkedGross: 150% by default; below 100% a user error with the reason', () => {
    expect(checkedGross(undefined)).toBe(1.5);
    expect(checkedGross(2)).toBe(2);
    expect(checkedGross(1)).toBe(1);
    const e = error(() => checkedGross(0.9));
    expect([e.code, e.message]).toEqual(['bad_argument', 'gross must be at least 100% (weights sum to 100%), got 90.0%.']);
  });

  it('rejects unknown assets and lists the known ones', () => {
    const e = error(() => validateWeights({ BTC: 0.5, DOGE: 0.3, PEPE: 0.2 }, { knownAssets: new Set(KNOWN) }));
    expect(e.message).toBe('unknown assets DOGE, PEPE.');
    expect(e.hint).toBe('Known: BTC, ETH, SOL, USDC');
  });

  it('prefixes messages with the source', () => {
    expect(error(() => validateWeights({ BTC: 0.5 }, { knownAssets: KNOWN, source: 'static:w.yaml' })).message)
      .toBe('static:w.yaml: the weights sum to 0.5, not 1 (within 0.000001).');
  });
});
