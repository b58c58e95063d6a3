/** Compact USD and shortened signatures: the formats that make tables fit a phone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmtSignature, fmtSignedUsdCompact, fmtUsd, fmtUsdCompact } from '../../src/shared/format.ts';

const SCALE: Readonly<Record<string, number>> = { k: 1e3, M: 1e6, B: 1e9 };

/** "-$12.3k" → -12,300 (USD), independently of the formatter. */
function parseCompact(text: string): number {
  const m = /^([+-]?)\$(\d{1,3}(?:\.\d{1,2})?)([kMB])$/.exec(text);
  if (!m) throw new Error(`not a compact USD amount: ${text}`);
  const value = Number(m[2]) * (SCALE[m[3] ?? ''] ?? NaN);
  return m[1] === '-' ? -value : value;
}

describe('fmtUsdCompact', () => {
  it('keeps exact cents below $1,000, then 3 significant digits in k, M, B', () => {
    expect(fmtUsdCompact(0n)).toBe('$0.00');
    expect(fmtUsdCompact(999_994_999n)).toBe('$999.99');
    // $999.995 rounds to $1,000.00: past exact cents.
    expect(fmtUsdCompact(999_995_000n)).toBe('$1.00k');
    expect(fmtUsdCompact(4_382_410_000n)).toBe('$4.38k');
    expect(fmtUsdCompact(10_000_000_000n)).toBe('$10.0k');
    expect(fmtUsdCompact(82_169_280_000n)).toBe('$82.2k');
    expect(fmtUsdCompact(-567_400_000_000n)).toBe('-$567k');
    // 999,600 would be "1000k": it carries into millions.
    expect(fmtUsdCompact(999_600_000_000n)).toBe('$1.00M');
    expect(fmtUsdCompact(-1_234_000_000_000n)).toBe('-$1.23M');
    expect(fmtUsdCompact(4_560_000_000_000_000n)).toBe('$4.56B');
  });

  it('is fmtUsd below $1,000; above, within half a unit of the 3rd significant digit, the sign kept, ≤ 8 characters (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.bigInt({ min: -(9n * 10n ** 17n), max: 9n * 10n ** 17n })) /* around $1k; up to $900B */, (micros) => {
      const text = fmtUsdCompact(micros);
      const usd = Number(micros) / 1e6;
      expect([...text].length).toBeLessThanOrEqual(8);
      if (/\.\d\d$/.test(text)) {
        expect(text).toBe(fmtUsd(micros));
        expect(Math.abs(usd)).toBeLessThan(1000);
        return;
      }
      const shown = parseCompact(text);
      expect(Math.sign(shown)).toBe(Math.sign(usd));
      // Three significant digits: off by at most half of the last one shown (0.5% of the smallest 3-digit mantissa).
      expect(Math.abs(shown - usd)).toBeLessThanOrEqual(Math.abs(usd) * 0.005 + 1e-9);
    }));
  });

  it('signed: PnL and deltas carry their sign, zero none', () => {
    expect(fmtSignedUsdCompact(82_169_000_000n)).toBe('+$82.2k');
    expect(fmtSignedUsdCompact(-5_943_280_000n)).toBe('-$5.94k');
    expect(fmtSignedUsdCompact(280_000n)).toBe('+$0.28');
    expect(fmtSignedUsdCompact(-4_999n)).toBe('$0.00');
    expect(fmtSignedUsdCompact(0n)).toBe('$0.00');
  });
});

describe('fmtSignature', () => {
  it('keeps 6 leading and 8 trailing characters of a long signature', () => {
    const sig = '5ya1LMqZbSNnrkVsUuDU7VkXNm8a9wwRHgQ7cJXkPfQ6ptiUH2jv4A1YqSNPn9PFt2yZkf1mGAhzUT2ExHBN3W';
    expect(fmtSignature(sig)).toBe('5ya1LM…2ExHBN3W');
    expect(fmtSignature('short')).toBe('short');
  });
});
