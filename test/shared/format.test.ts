import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fmtKey, fmtUnpriced,
  fmtAmount, fmtClock, fmtDuration, fmtHealth, fmtLeverage, fmtPct, fmtPrice, fmtQty, fmtSignedPct, fmtSignedUsd, fmtTime, fmtUsd,
} from '../../src/shared/format.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** "-$1,234.57" → -123457 cents, independently of the formatter. */
function cents(text: string): bigint {
  const m = /^([+-]?)\$(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a USD amount: ${text}`);
  const value = BigInt((m[2] ?? '').replaceAll(',', '') + (m[3] ?? ''));
  return m[1] === '-' ? -value : value;
}

describe('fmtUsd', () => {
  it('formats micro-USD to cents with grouping, rounding half away from zero', () => {
    expect(fmtUsd(0n)).toBe('$0.00');
    // python3: Decimal(1234567890) / 10**6 = 1234.56789 → quantize(0.01, ROUND_HALF_UP) = 1234.57
    expect(fmtUsd(1_234_567_890n)).toBe('$1,234.57');
    // -0.005 → -0.01 (half away from zero)
    expect(fmtUsd(-5_000n)).toBe('-$0.01');
    expect(fmtUsd(5_000n)).toBe('$0.01');
    // 0.004999 → 0.00, and no "-$0.00" for a tiny negative
    expect(fmtUsd(4_999n)).toBe('$0.00');
    expect(fmtUsd(-4_999n)).toBe('$0.00');
    // python3: (Decimal(-1234567890123) / 10**6).quantize(Decimal('0.01'), ROUND_HALF_UP) = -1234567.89
    expect(fmtUsd(-1_234_567_890_123n)).toBe('-$1,234,567.89');
    expect(fmtUsd(999_994_999n)).toBe('$999.99');
    expect(fmtUsd(999_995_000n)).toBe('$1,000.00');
    // python3: (Decimal(2**70) / 10**6).quantize(Decimal('0.01'), ROUND_HALF_UP) = 1180591620717411.30
    expect(fmtUsd(2n ** 70n)).toBe('$1,180,591,620,717,411.30');
  });

  it('parsed back, is within half a cent of the input, with the right sign (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), (x) => {
      const text = fmtUsd(x);
      const c = cents(text);
      // |c·10^4 − x| ≤ 5000 µUSD (half a cent); exactly half a cent only when rounding away from zero.
      const err = c * 10_000n - x;
      expect(err >= -5_000n && err <= 5_000n).toBe(true);
      if (err === 5_000n) expect(x > 0n).toBe(true);
      if (err === -5_000n) expect(x < 0n).toBe(true);
      expect(text.startsWith('-')).toBe(c < 0n);
    }), { numRuns: 2000 });
  });
});

describe('fmtSignedUsd', () => {
  it('always carries a sign, except for zero', () => {
    expect(fmtSignedUsd(12_300_000n)).toBe('+$12.30');
    expect(fmtSignedUsd(-4_000_000n)).toBe('-$4.00');
    expect(fmtSignedUsd(0n)).toBe('$0.00');
    expect(fmtSignedUsd(4_999n)).toBe('$0.00');
    expect(fmtSignedUsd(-4_999n)).toBe('$0.00');
    expect(fmtSignedUsd(5_000n)).toBe('+$0.01');
    expect(fmtSignedUsd(-5_000n)).toBe('-$0.01');
    expect(fmtSignedUsd(1_234_567_890n)).toBe('+$1,234.57');
  });

  it('is fmtUsd with a + on positive amounts (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (x) => {
      const plain = fmtUsd(x);
      const signed = fmtSignedUsd(x);
      const c = cents(plain);
      expect(signed).toBe(c > 0n ? `+${plain}` : plain);
    }));
  });
});

describe('fmtPct and fmtSignedPct', () => {
  it('fmtPct', () => {
    expect(fmtPct(0.1234)).toBe('12.34%');
    expect(fmtPct(0.5, 1)).toBe('50.0%');
    expect(fmtPct(1)).toBe('100.00%');
    expect(fmtPct(0)).toBe('0.00%');
    expect(fmtPct(-0.0567)).toBe('-5.67%');
    expect(fmtPct(0.12345, 0)).toBe('12%');
    expect(fmtPct(NaN)).toBe('—');
    expect(fmtPct(Infinity)).toBe('—');
  });

  it('fmtPct shows a tiny negative as zero, not "-0.00%"', () => {
    expect(fmtPct(-0.00001)).toBe('0.00%');
    expect(fmtPct(-0.004, 0)).toBe('0%');
    expect(fmtPct(-0)).toBe('0.00%');
  });

  it('fmtSignedPct', () => {
    expect(fmtSignedPct(0.05)).toBe('+5.00%');
    expect(fmtSignedPct(-0.05)).toBe('-5.00%');
    expect(fmtSignedPct(0)).toBe('0.00%');
    expect(fmtSignedPct(0.00001)).toBe('0.00%');
    expect(fmtSignedPct(-0.00001)).toBe('0.00%');
    expect(fmtSignedPct(0.123456, 1)).toBe('+12.3%');
    expect(fmtSignedPct(NaN)).toBe('—');
  });

  it('a non-zero signed percent is the plain one with a sign (property)', () => {
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (f) => {
      const plain = fmtPct(f);
      const signed = fmtSignedPct(f);
      if (plain === '0.00%') expect(signed).toBe('0.00%');
      else expect(signed).toBe(f > 0 ? `+${plain}` : plain);
    }));
  });
});

describe('fmtPrice', () => {
  it('shows any asset from BTC to BONK', () => {
    expect(fmtPrice(87648.22)).toBe('$87,648.22');
    // 4 significant digits below $1: the double nearest 0.00000747 is 7.4699999…e-6 (python3: Decimal(0.00000747))
    expect(fmtPrice(0.00000747)).toBe('$0.000007470');
    expect(fmtPrice(0.1883)).toBe('$0.1883');
    expect(fmtPrice(124.65)).toBe('$124.65');
    expect(fmtPrice(1)).toBe('$1.00');
    expect(fmtPrice(0)).toBe('$0.00');
    expect(fmtPrice(1_234_567.891)).toBe('$1,234,567.89');
    expect(fmtPrice(-0.5)).toBe('-$0.5000');
    // python3: Decimal(0.012345) = 0.01234500000000000007…, so 5 decimals round up
    expect(fmtPrice(0.012345)).toBe('$0.01235');
  });

  it('shows a missing price as a dash', () => {
    expect(fmtPrice(null)).toBe('—');
    expect(fmtPrice(undefined)).toBe('—');
    expect(fmtPrice(NaN)).toBe('—');
    expect(fmtPrice(-Infinity)).toBe('—');
  });

  it('a price that rounds up to $1 is shown like $1', () => {
    expect(fmtPrice(0.99999)).toBe('$1.00');
    expect(fmtPrice(0.99994)).toBe('$0.9999');
  });
});

describe('fmtQty', () => {
  it('trims trailing zeros and groups the whole part', () => {
    expect(fmtQty(1234.5)).toBe('1,234.5');
    expect(fmtQty(2)).toBe('2');
    expect(fmtQty(0)).toBe('0');
    expect(fmtQty(-1234567.891)).toBe('-1,234,567.891');
    expect(fmtQty(1.23456789)).toBe('1.2346');
    expect(fmtQty(1.23456789, 2)).toBe('1.23');
  });

  it('keeps three significant digits for small quantities', () => {
    // |x| < 1: max(maxFraction, 2 − floor(log10 |x|)) decimals: 0.00001234 → 7 decimals → 0.0000123
    expect(fmtQty(0.00001234)).toBe('0.0000123');
    expect(fmtQty(-0.5)).toBe('-0.5');
    expect(fmtQty(0.5, 0)).toBe('0.5');
  });

  it('keeps the zeros of a whole number with no decimals', () => {
    expect(fmtQty(10, 0)).toBe('10');
    expect(fmtQty(100, 0)).toBe('100');
    expect(fmtQty(1234.56, 0)).toBe('1,235');
    expect(fmtQty(-2000, 0)).toBe('-2,000');
  });

  it('no "-0" for a negative that rounds to zero; a dash for non-finite', () => {
    expect(fmtQty(-1e-14)).toBe('0');
    expect(fmtQty(NaN)).toBe('—');
    expect(fmtQty(Infinity)).toBe('—');
  });

  it('integers print as themselves, grouped (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 6 }), (n, digits) => {
      expect(fmtQty(n, digits).replaceAll(',', '')).toBe(String(n));
    }));
  });
});

describe('fmtAmount', () => {
  it('formats exact amounts with a symbol', () => {
    expect(fmtAmount({ raw: 1_500_000_000n, decimals: 9 }, 'SOL')).toBe('1.5 SOL');
    expect(fmtAmount({ raw: 1_000_000n, decimals: 6 }, 'USDC')).toBe('1 USDC');
    expect(fmtAmount({ raw: 123n, decimals: 0 }, 'BONK')).toBe('123 BONK');
    expect(fmtAmount({ raw: 1_234_567_000_000_000n, decimals: 9 }, 'SOL')).toBe('1,234,567 SOL');
  });

  it('groups negatives and rounds half away from zero to maxFraction', () => {
    // python3: (Decimal(-1234567891234567) / 10**9).quantize(Decimal('0.0001'), ROUND_HALF_UP) = -1234567.8912
    expect(fmtAmount({ raw: -1_234_567_891_234_567n, decimals: 9 }, 'SOL')).toBe('-1,234,567.8912 SOL');
    // -0.00005 SOL → -0.0001
    expect(fmtAmount({ raw: -50_000n, decimals: 9 }, 'SOL')).toBe('-0.0001 SOL');
    // -0.000000005 SOL → 0, shown without a sign
    expect(fmtAmount({ raw: -5n, decimals: 9 }, 'SOL')).toBe('0 SOL');
    // 1.239 → 1.24 with 2 decimals
    expect(fmtAmount({ raw: 1_239_000_000n, decimals: 9 }, 'SOL', 2)).toBe('1.24 SOL');
  });
});

describe('fmtLeverage and fmtHealth', () => {
  it('fmtLeverage', () => {
    expect(fmtLeverage(3.456)).toBe('3.46x');
    expect(fmtLeverage(0)).toBe('0.00x');
    expect(fmtLeverage(10)).toBe('10.00x');
    expect(fmtLeverage(Infinity)).toBe('—');
    expect(fmtLeverage(NaN)).toBe('—');
  });

  it('fmtHealth', () => {
    expect(fmtHealth(73.4)).toBe('73/100');
    expect(fmtHealth(72.5)).toBe('73/100');
    expect(fmtHealth(100)).toBe('100/100');
    expect(fmtHealth(0)).toBe('0/100');
    expect(fmtHealth(NaN)).toBe('—');
    expect(fmtHealth(Infinity)).toBe('—');
  });
});

describe('fmtDuration', () => {
  it('seconds, minutes, hours, days', () => {
    expect(fmtDuration(0)).toBe('0s');
    expect(fmtDuration(999)).toBe('0s');
    expect(fmtDuration(59 * S)).toBe('59s');
    expect(fmtDuration(59_999)).toBe('59s');
    expect(fmtDuration(61 * S)).toBe('1m 01s');
    expect(fmtDuration(3 * M + 5 * S)).toBe('3m 05s');
    expect(fmtDuration(H - S)).toBe('59m 59s');
    expect(fmtDuration(2 * H)).toBe('2h 00m');
    expect(fmtDuration(2 * H + 10 * M)).toBe('2h 10m');
    expect(fmtDuration(48 * H - M)).toBe('47h 59m');
    expect(fmtDuration(48 * H)).toBe('2d 0h');
    expect(fmtDuration(3 * D)).toBe('3d 0h');
    expect(fmtDuration(3 * D + 4 * H + 59 * M)).toBe('3d 4h');
  });

  it('a dash for negative or non-finite', () => {
    expect(fmtDuration(-1)).toBe('—');
    expect(fmtDuration(NaN)).toBe('—');
    expect(fmtDuration(Infinity)).toBe('—');
  });
});

describe('fmtTime', () => {
  // python3: datetime(2026, 11, 21, 9, 5, tzinfo=timezone.utc).timestamp() * 1000
  const NOV_21_0905_UTC = 1795251900000;
  // python3: datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc).timestamp() * 1000
  const NOV_21_1500_UTC = 1795273200000;
  // python3: datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc).timestamp() * 1000
  const JUL_01_1230_UTC = 1782909000000;

  it('in UTC by default', () => {
    expect(fmtTime(NOV_21_0905_UTC)).toBe('2026-11-21 09:05 UTC');
    expect(fmtTime(0)).toBe('1970-01-01 00:00 UTC');
  });

  it('in another zone: Tokyo is UTC+9, across midnight too', () => {
    expect(fmtTime(NOV_21_0905_UTC, 'Asia/Tokyo')).toBe('2026-11-21 18:05 GMT+9');
    expect(fmtTime(NOV_21_1500_UTC, 'Asia/Tokyo')).toBe('2026-11-22 00:00 GMT+9');
  });

  it('follows daylight saving time', () => {
    expect(fmtTime(NOV_21_0905_UTC, 'Europe/Paris')).toBe('2026-11-21 10:05 GMT+1');
    expect(fmtTime(JUL_01_1230_UTC, 'Europe/Paris')).toBe('2026-07-01 14:30 GMT+2');
    expect(fmtTime(JUL_01_1230_UTC, 'Asia/Kolkata')).toBe('2026-07-01 18:00 GMT+5:30');
  });
});

describe('fmtClock', () => {
  it('shows the time of day with seconds in the zone, for deadlines', () => {
    expect(fmtClock(Date.UTC(2026, 10, 21, 9, 1, 0))).toBe('09:01:00 UTC');
    expect(fmtClock(Date.UTC(2026, 10, 21, 23, 59, 59), 'Europe/Paris')).toBe('00:59:59 GMT+1');
    expect(fmtClock(Date.UTC(2026, 10, 21, 0, 0, 5))).toBe('00:00:05 UTC');
  });
});

describe('fmtKey and fmtUnpriced', () => {
  it('shortens keys for a phone and lists unpriced tokens by exact amount', () => {
    expect(fmtKey('Hk1fCEvGJzkhsPtm5dNzDqq3tP1GdePAb38pcCQEDnC6')).toBe('Hk1f…nC6');
    expect(fmtKey('short')).toBe('short');
    expect(fmtUnpriced([
      { amount: { raw: 5n, decimals: 0 }, mint: 'Hk1fCEvGJzkhsPtm5dNzDqq3tP1GdePAb38pcCQEDnC6' },
      { amount: { raw: 1_234_567_890_123n, decimals: 9 }, mint: 'So11111111111111111111111111111111111111112' },
    ])).toBe('Not valued (no price): 5 of Hk1f…nC6, 1,234.567890123 of So11…112');
  });
});
