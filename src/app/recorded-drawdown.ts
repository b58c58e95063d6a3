/**
 * Drawdown of the equity Vigil recorded (snapshots), as opposed to a backtest of today's positions: what limits and
 * alerts compare with a drawdown limit. One place for both (the /limits check and the drawdown alert).
 */
import type { SnapshotRepo } from '../ports/index.ts';

/** How far back the recorded peak is looked for. */
export const DRAWDOWN_WINDOW_DAYS = 90;

/**
 * Current drawdown from the recorded equity peak of the last DRAWDOWN_WINDOW_DAYS (and now), fraction of the peak;
 * null with fewer than two snapshots (not enough history to speak of a drawdown).
 */
export async function recordedDrawdown(snapshots: SnapshotRepo, totalValueUsd: bigint, now: number): Promise<number | null> {
  const snaps = await snapshots.list({ from: now - DRAWDOWN_WINDOW_DAYS * 86_400_000, to: now });
  if (snaps.length < 2) return null;
  const value = Number(totalValueUsd) / 1e6;
  const peak = Math.max(...snaps.map((x) => Number(x.totalValueUsd) / 1e6), value);
  return peak > 0 ? Math.max(0, 1 - value / peak) : null;
}
