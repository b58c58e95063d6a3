import { expect, it } from 'vitest';
import { alignedDaily } from '../../src/app/history.ts';
import { CsvPriceHistory } from '../../src/prices/csv.ts';
import { SHARED_PRICES, describeShared } from '../helpers/shared-dir.ts';

/** Reads nothing until a query: the tests that query it are guarded. */
const csv = new CsvPriceHistory(SHARED_PRICES);
// Daily closes are stamped at the end of their UTC day (csv.ts): the close of 2025-12-31 is at 2026-01-01T00:00Z.
const END_2025 = Date.UTC(2026, 0, 1);

describeShared('alignedDaily', () => {
  it('aligns assets on common days and keeps the last N + 1 closes', async () => {
    const h = await alignedDaily(csv, ['BTC', 'SOL'], END_2025, 30);
    expect(h.t).toHaveLength(31);
    expect(h.closes[1]!.at(-1)).toBe(124.65); // SOL close 2025-12-31
    expect(h.closes[0]!.at(-1)).toBe(87648.22);
    expect(h.assumedPegged).toEqual([]);
  });

  it('holds a stablecoin at $1 when its history would shorten the window (USDC file ends 2025-08-13)', async () => {
    const h = await alignedDaily(csv, ['SOL', 'USDC'], END_2025, 60);
    expect(h.assumedPegged).toEqual(['USDC']);
    expect(h.t).toHaveLength(61);
    expect(new Set(h.closes[1])).toEqual(new Set([1]));
  });

  it('uses the stablecoin’s real closes when they cover the window', async () => {
    const h = await alignedDaily(csv, ['SOL', 'USDC'], Date.UTC(2025, 7, 1), 60);
    expect(h.assumedPegged).toEqual([]);
    expect(new Set(h.closes[1]).size).toBeGreaterThan(1);
  });

  it('names risky assets without history', async () => {
    await expect(alignedDaily(csv, ['SOL', 'DOGE'], END_2025, 30)).rejects.toThrow(/No 1d price history for DOGE|No daily price history for DOGE/);
  });
});
