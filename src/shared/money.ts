/** Exact money: on-chain and ledger amounts stay integers with their decimals until shown. */

/** Decimals of every USD amount in the domain: micro-USD, the same precision as Drift's QUOTE_PRECISION and USDC. */
export const USD_DECIMALS = 6;
/** 1 USD in micro-USD. */
export const USD = 10n ** BigInt(USD_DECIMALS);

import type { Amount } from '../domain/amount.ts';

export type { Amount };

/** 10^decimals as a bigint. */
export function pow10(decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36) throw new RangeError(`bad decimals ${decimals}`);
  return 10n ** BigInt(decimals);
}

/** Integer division rounding half away from zero (bigint `/` truncates toward zero). */
export function divRound(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  const q = n / d;
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  const dAbs = d < 0n ? -d : d;
  if (twice >= dAbs) return q + ((n < 0n) !== (d < 0n) ? -1n : 1n);
  return q;
}

/** Integer division rounding toward negative infinity. */
export function divFloor(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d !== 0n && (n < 0n) !== (d < 0n)) ? q - 1n : q;
}

export function absBig(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Rescales an integer from `from` decimals to `to` decimals, rounding half away from zero. */
export function rescale(raw: bigint, from: number, to: number): bigint {
  if (to >= from) return raw * pow10(to - from);
  return divRound(raw, pow10(from - to));
}

/** Decimal string of an integer amount, e.g. (1500000000n, 9) → "1.5"; exact, no float on the way. */
export function toDecimalString(raw: bigint, decimals: number): string {
  const neg = raw < 0n;
  const abs = neg ? -raw : raw;
  const unit = pow10(decimals);
  const whole = abs / unit;
  let frac = (abs % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  if (decimals === 0) frac = '';
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a plain decimal string into raw units; throws RangeError on anything that is not a finite decimal. */
export function parseDecimal(text: string, decimals: number): bigint {
  const m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const [, sign, whole = '0', fracRaw = ''] = m;
  const unit = pow10(decimals);
  let value = BigInt(whole) * unit;
  if (fracRaw.length > 0) {
    const kept = fracRaw.slice(0, decimals).padEnd(decimals, '0');
    value += decimals > 0 ? BigInt(kept) : 0n;
    const dropped = fracRaw.slice(decimals);
    if (dropped.length > 0 && Number(dropped[0]) >= 5) value += 1n;
  }
  return sign === '-' ? -value : value;
}

/** Converts a float (analytics world) to raw units, rounding to nearest. Throws on NaN/Infinity. */
export function fromNumber(value: number, decimals: number): bigint {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // toFixed keeps up to 100 digits without exponent notation for |value| < 1e21.
  if (Math.abs(value) >= 1e21) throw new RangeError(`number too large for exact conversion: ${value}`);
  return parseDecimal(value.toFixed(Math.min(decimals, 100)), decimals);
}

/** Raw units → float, for analytics and charts only (loses precision beyond 2^53). */
export function toNumber(raw: bigint, decimals: number): number {
  return Number(toDecimalString(raw, decimals));
}

/** micro-USD → float USD, for analytics only. */
export function usdToNumber(micros: bigint): number {
  return toNumber(micros, USD_DECIMALS);
}

/** float USD → micro-USD (rounded to nearest micro-dollar). */
export function usdFromNumber(usd: number): bigint {
  return fromNumber(usd, USD_DECIMALS);
}

/** Amount → float, for analytics only. */
export function amountToNumber(a: Amount): number {
  return toNumber(a.raw, a.decimals);
}
