import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absBig, amountToNumber, divFloor, divRound, fromNumber, parseDecimal, pow10, rescale, toDecimalString, toNumber, USD,
  USD_DECIMALS, usdFromNumber, usdToNumber,
} from '../../src/shared/money.ts';

/**
 * Reference rounding, written differently from divRound: with a = |n|, b = |d| the value a/b rounded half up is
 * floor((2a + b) / 2b); the sign of n/d is put back afterwards (so halves go away from zero).
 */
function roundHalfAway(n: bigint, d: bigint): bigint {
  const negative = (n < 0n) !== (d < 0n);
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  const q = (2n * a + b) / (2n * b);
  return negative ? -q : q;
}

const big = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
const nonZero = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).filter((d) => d !== 0n);
const decimals = fc.integer({ min: 0, max: 36 });

describe('constants and pow10', () => {
  it('USD is 10^6 micro-USD', () => {
    expect(USD_DECIMALS).toBe(6);
    expect(USD).toBe(1_000_000n);
  });

  it('pow10 is 10^d for 0..36 and refuses anything else', () => {
    expect(pow10(0)).toBe(1n);
    expect(pow10(9)).toBe(1_000_000_000n);
    expect(pow10(36)).toBe(1_000_000_000_000_000_000_000_000_000_000_000_000n);
    for (const bad of [-1, 1.5, 37, NaN, Infinity]) expect(() => pow10(bad)).toThrow(RangeError);
  });

  it('absBig', () => {
    expect(absBig(-5n)).toBe(5n);
    expect(absBig(5n)).toBe(5n);
    expect(absBig(0n)).toBe(0n);
  });
});

describe('divRound', () => {
  it('rounds half away from zero on hand cases', () => {
    const cases: [bigint, bigint, bigint][] = [
      [5n, 2n, 3n], [-5n, 2n, -3n], [5n, -2n, -3n], [-5n, -2n, 3n], [7n, 2n, 4n], [1n, 3n, 0n], [-1n, 3n, 0n],
      [2n, 3n, 1n], [-2n, 3n, -1n], [0n, 7n, 0n], [6n, 3n, 2n], [-7n, 2n, -4n], [149n, 100n, 1n], [150n, 100n, 2n],
      [-150n, 100n, -2n], [-149n, 100n, -1n],
    ];
    for (const [n, d, q] of cases) expect(divRound(n, d), `${n}/${d}`).toBe(q);
  });

  it('equals the exactly rounded rational (property)', () => {
    fc.assert(fc.property(big, nonZero, (n, d) => {
      expect(divRound(n, d)).toBe(roundHalfAway(n, d));
    }), { numRuns: 2000 });
  });

  it('is within half of the divisor of the exact value and odd-symmetric (property)', () => {
    fc.assert(fc.property(big, nonZero, (n, d) => {
      const q = divRound(n, d);
      const err = absBig(q * d - n);
      expect(2n * err <= absBig(d)).toBe(true);
      expect(divRound(-n, d)).toBe(-q);
    }));
  });

  it('refuses division by zero', () => {
    expect(() => divRound(1n, 0n)).toThrow(RangeError);
  });
});

describe('divFloor', () => {
  it('matches Math.floor on small integers (exhaustive over a grid)', () => {
    for (let n = -60; n <= 60; n++) {
      for (let d = -13; d <= 13; d++) {
        if (d === 0) continue;
        expect(divFloor(BigInt(n), BigInt(d)), `${n}/${d}`).toBe(BigInt(Math.floor(n / d)));
      }
    }
  });

  it('matches Math.floor on random small integers (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -1000, max: 1000 }).filter((d) => d !== 0), (n, d) => {
      expect(divFloor(BigInt(n), BigInt(d))).toBe(BigInt(Math.floor(n / d)));
    }));
  });

  it('satisfies q·d ≤ n < (q+1)·d for positive d on big integers (property)', () => {
    fc.assert(fc.property(big, fc.bigInt({ min: 1n, max: 10n ** 20n }), (n, d) => {
      const q = divFloor(n, d);
      expect(q * d <= n && n < (q + 1n) * d).toBe(true);
    }));
  });
});

describe('rescale', () => {
  it('scales up exactly and down with half-away rounding', () => {
    expect(rescale(1n, 0, 6)).toBe(1_000_000n);
    expect(rescale(15n, 1, 0)).toBe(2n);
    expect(rescale(-15n, 1, 0)).toBe(-2n);
    expect(rescale(14n, 1, 0)).toBe(1n);
    expect(rescale(-14n, 1, 0)).toBe(-1n);
    // 1.5 SOL (9 decimals) in micro units (6): 1_500_000_000 / 10^3
    expect(rescale(1_500_000_000n, 9, 6)).toBe(1_500_000n);
    // 0.0000005 SOL at 6 decimals: 500 / 10^3 = 0.5 → 1
    expect(rescale(500n, 9, 6)).toBe(1n);
    expect(rescale(42n, 4, 4)).toBe(42n);
  });

  it('up then down is the identity, and down equals the rounded rational (property)', () => {
    const small = fc.integer({ min: 0, max: 18 });
    fc.assert(fc.property(big, small, small, (x, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(rescale(rescale(x, lo, hi), hi, lo)).toBe(x);
      expect(rescale(x, hi, lo)).toBe(roundHalfAway(x, 10n ** BigInt(hi - lo)));
    }));
  });
});

describe('toDecimalString and parseDecimal', () => {
  it('formats hand cases without trailing zeros', () => {
    expect(toDecimalString(1_500_000_000n, 9)).toBe('1.5');
    expect(toDecimalString(-1n, 6)).toBe('-0.000001');
    expect(toDecimalString(0n, 6)).toBe('0');
    expect(toDecimalString(100n, 2)).toBe('1');
    expect(toDecimalString(-120n, 2)).toBe('-1.2');
    expect(toDecimalString(123n, 0)).toBe('123');
    // python3 -c "print(2**70)" → 1180591620717411303424
    expect(toDecimalString(2n ** 70n, 6)).toBe('1180591620717411.303424');
  });

  it('round-trips: parseDecimal(toDecimalString(x, d), d) === x (property)', () => {
    fc.assert(fc.property(big, decimals, (x, d) => {
      const text = toDecimalString(x, d);
      expect(text).toMatch(/^-?\d+(\.\d*[1-9])?$/);
      expect(parseDecimal(text, d)).toBe(x);
    }), { numRuns: 2000 });
  });

  it('parses signs, surrounding spaces and extra digits (rounded half away from zero)', () => {
    expect(parseDecimal(' 1.5 ', 9)).toBe(1_500_000_000n);
    expect(parseDecimal('+2', 2)).toBe(200n);
    expect(parseDecimal('-0.5', 1)).toBe(-5n);
    expect(parseDecimal('0.125', 2)).toBe(13n);
    expect(parseDecimal('-0.125', 2)).toBe(-13n);
    expect(parseDecimal('0.1249999', 2)).toBe(12n);
    expect(parseDecimal('1.5', 0)).toBe(2n);
    expect(parseDecimal('-1.5', 0)).toBe(-2n);
    expect(parseDecimal('1.4', 0)).toBe(1n);
    expect(parseDecimal('007.10', 3)).toBe(7100n);
    expect(parseDecimal('-0', 3)).toBe(0n);
  });

  it('rounds extra digits like the exact rational (property)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 30 });
    fc.assert(fc.property(fc.boolean(), digits, digits, fc.integer({ min: 0, max: 12 }), (neg, whole, frac, d) => {
      const text = `${neg ? '-' : ''}${whole}.${frac}`;
      // The exact value is ±(whole·10^k + frac) / 10^k with k = frac.length; scaled to d decimals and rounded.
      const k = frac.length;
      const exact = (neg ? -1n : 1n) * BigInt(whole + frac);
      const expected = d >= k ? exact * 10n ** BigInt(d - k) : roundHalfAway(exact, 10n ** BigInt(k - d));
      expect(parseDecimal(text, d)).toBe(expected);
    }), { numRuns: 1000 });
  });

  it('refuses anything that is not a plain decimal', () => {
    for (const bad of ['1e5', 'abc', '', ' ', '1.2.3', '.5', '5.', '--1', '1,000', 'NaN', 'Infinity', '0x10', '1 000', '+-1']) {
      expect(() => parseDecimal(bad, 6), JSON.stringify(bad)).toThrow(RangeError);
    }
  });
});

describe('fromNumber and toNumber', () => {
  it('refuses NaN, ±Infinity and numbers too large to convert exactly', () => {
    for (const bad of [NaN, Infinity, -Infinity, 1e21, -1e21]) expect(() => fromNumber(bad, 6), String(bad)).toThrow(RangeError);
    expect(() => usdFromNumber(NaN)).toThrow(RangeError);
  });

  it('converts to the nearest unit', () => {
    expect(fromNumber(1.5, 9)).toBe(1_500_000_000n);
    expect(fromNumber(0.1, 6)).toBe(100_000n);
    expect(fromNumber(0.1 + 0.2, 6)).toBe(300_000n);
    expect(fromNumber(-2.5, 0)).toBe(-3n);
    expect(fromNumber(2.5, 0)).toBe(3n);
    // The double nearest 1.005 is 1.00499999999999989… (python3: Decimal(1.005)), so it rounds down.
    expect(fromNumber(1.005, 2)).toBe(100n);
    expect(fromNumber(0, 6)).toBe(0n);
    expect(usdFromNumber(1234.56789)).toBe(1_234_567_890n);
  });

  it('is exact for k / 10^d (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 3 }), (k, d) => {
      expect(fromNumber(k / 10 ** d, d)).toBe(BigInt(k));
    }));
  });

  it('toNumber and its wrappers', () => {
    expect(toNumber(1_500_000_000n, 9)).toBe(1.5);
    expect(toNumber(-25n, 1)).toBe(-2.5);
    expect(usdToNumber(1_234_567_890n)).toBe(1234.56789);
    expect(amountToNumber({ raw: 1_500_000_000n, decimals: 9 })).toBe(1.5);
  });
});
