import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { downsampleSnapshots } from '../../src/storage/schema.ts';

const MIN = 60_000;
const DAY = 1_440 * MIN;

describe('snapshot downsampling', () => {
  it('keeps 5-minute points for 7 days, hourly to 90 days, daily beyond (the last of each bucket)', () => {
    const newest = 200 * DAY;
    // One record per minute over the last 120 days.
    const records = Array.from({ length: 120 * 1_440 }, (_, i) => ({ at: newest - (120 * 1_440 - 1 - i) * MIN }));
    const kept = downsampleSnapshots(records);
    const inAge = (lo: number, hi: number) => kept.filter((r) => newest - r.at >= lo && newest - r.at < hi).length;
    // 7 days of 5-minute buckets ≈ 2,016; 83 days of hours ≈ 1,992; 30 days of days ≈ 30 (bucket edges add ±1 each).
    expect(Math.abs(inAge(0, 7 * DAY) - 2_016)).toBeLessThanOrEqual(2);
    expect(Math.abs(inAge(7 * DAY + 5 * MIN, 90 * DAY) - 1_992)).toBeLessThanOrEqual(2);
    expect(Math.abs(inAge(90 * DAY + 60 * MIN, 121 * DAY) - 30)).toBeLessThanOrEqual(2);
    expect(kept[kept.length - 1]?.at).toBe(newest); // the newest always survives
  });

  it('is idempotent, keeps time order and never invents points (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 400 * 1_440 }), { maxLength: 300 }), (minutes) => {
      const records = [...minutes].sort((a, b) => a - b).map((m) => ({ at: m * MIN }));
      const once = downsampleSnapshots(records);
      expect(downsampleSnapshots(once)).toEqual(once);
      expect(once.every((r, i) => i === 0 || r.at > once[i - 1]!.at)).toBe(true);
      expect(once.every((r) => records.includes(r))).toBe(true);
      if (records.length > 0) expect(once[once.length - 1]).toBe(records[records.length - 1]);
    }));
  });

  it('compact() applies it to the stored history', async () => {
    const repos = memoryRepositories();
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 3 * 60; i++) {
      await repos.snapshots.append({ at: base + i * MIN, totalValueUsd: BigInt(i), unrealizedPnlUsd: 0n, realizedPnlUsd: 0n, health: 100, leverage: 1, prices: {} });
    }
    expect(await repos.snapshots.list()).toHaveLength(180);
    expect(await repos.snapshots.compact()).toBe(144);
    const all = await repos.snapshots.list();
    expect(all).toHaveLength(36); // 180 minutes in 5-minute buckets
    expect(all[all.length - 1]?.totalValueUsd).toBe(179n);
  });
});
