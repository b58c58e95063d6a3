/**
 * Reads real daily closes in place from SHARED_DIR/data/prices (never copied), for tests of src/risk. Call them only
 * inside `itShared` / `describeShared` tests (test/helpers/shared-dir.ts), never at module load.
 */
import { readFileSync } from 'node:fs';
import type { TimedSeries } from '../../../src/risk/returns.ts';
import { sharedPath } from '../../helpers/shared-dir.ts';

/** Daily closes of `symbol` (e.g. 'SOL') with start ≤ date ≤ end (ISO dates), ascending, exactly as in the CSV. */
export function dailyCloses(symbol: string, start: string, end: string): number[] {
  const text = readFileSync(sharedPath('data', 'prices', `${symbol}-USD.daily.csv`), 'utf8');
  const out: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [date, close] = line.split(',');
    if (date !== undefined && close !== undefined && date >= start && date <= end) out.push(Number(close));
  }
  return out;
}

/** SOL daily closes 2024-01-01 .. 2025-12-31 (731 values): the real series most reference values use. */
export const SOL_2024_2025 = (): number[] => dailyCloses('SOL', '2024-01-01', '2025-12-31');

/** Asserts |actual − expected| ≤ tol·max(|expected|, floor): relative agreement with a Python reference value. */
export function expectRel(actual: number, expected: number, tol = 1e-12, floor = 0): void {
  const err = Math.abs(actual - expected);
  const bound = tol * Math.max(Math.abs(expected), floor);
  if (!(err <= bound)) throw new Error(`expected ${actual} to be within ${tol} (relative) of ${expected}; off by ${err}`);
}

/** Simple returns of consecutive prices, computed naively so tests do not depend on the code under test. */
export function naiveSimple(prices: readonly number[]): number[] {
  return prices.slice(1).map((p, i) => p / (prices[i] as number) - 1);
}

/** Log returns of consecutive prices, computed naively. */
export function naiveLog(prices: readonly number[]): number[] {
  return prices.slice(1).map((p, i) => Math.log(p / (prices[i] as number)));
}

/** Dated simple returns (the return dated D is close(D)/close(D − 1) − 1), t = epoch ms of D, for start ≤ D ≤ end. */
export function datedReturns(symbol: string, start: string, end: string): TimedSeries {
  const rows = readFileSync(sharedPath('data', 'prices', `${symbol}-USD.daily.csv`), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(','));
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const d = rows[i]![0]!;
    if (d >= start && d <= end) {
      t.push(Date.parse(`${d}T00:00:00Z`));
      v.push(Number(rows[i]![1]) / Number(rows[i - 1]![1]) - 1);
    }
  }
  return { t, v };
}
