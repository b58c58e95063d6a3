/**
 * Returns from price series, and the inverse (equity from returns).
 *
 * Gap policy: a price that is not finite (NaN, ±Infinity) or not positive (0, negative) is a GAP — a missing or
 * broken observation, never a real price. The return across a gap is unknown, and treating it as 0 would understate
 * volatility and VaR exactly when data is worst, so:
 *   - `simpleReturns` / `logReturns` throw RiskInputError naming the first gap;
 *   - `returnsWithGaps` drops every return that touches a gap (the one into it and the one out of it) and says how
 *     many it dropped. The surviving returns are no longer consecutive in time; callers that need a regular grid
 *     should align first (`alignSeries`) and check `dropped`.
 * Returns are fractions per period (0.05 = +5%).
 */
import { RiskInputError } from './errors.ts';

/** Simple (arithmetic) or log (continuously compounded) returns. */
export type ReturnKind = 'simple' | 'log';

function isPrice(p: number | undefined): p is number {
  return p !== undefined && Number.isFinite(p) && p > 0;
}

function requirePrices(prices: readonly number[], what: string): void {
  if (prices.length < 2) throw new RiskInputError(`${what}: need at least 2 prices, got ${prices.length}`);
}

function returnsStrict(prices: readonly number[], kind: ReturnKind, what: string): number[] {
  requirePrices(prices, what);
  const n = prices.length;
  const out = new Array<number>(n - 1);
  let prev = prices[0];
  if (!isPrice(prev)) throw new RiskInputError(`${what}: price 0 is ${String(prev)}, a gap (expected a finite positive number); use returnsWithGaps`);
  for (let i = 1; i < n; i++) {
    const p = prices[i];
    if (!isPrice(p)) throw new RiskInputError(`${what}: price ${i} is ${String(p)}, a gap (expected a finite positive number); use returnsWithGaps`);
    out[i - 1] = kind === 'simple' ? p / prev - 1 : Math.log(p / prev);
    prev = p;
  }
  return out;
}

/** Simple returns p[i]/p[i−1] − 1, fractions per period; throws RiskInputError on fewer than 2 prices or any gap. */
export function simpleReturns(prices: readonly number[]): number[] {
  return returnsStrict(prices, 'simple', 'simpleReturns');
}

/** Log returns ln(p[i]/p[i−1]), per period; throws RiskInputError on fewer than 2 prices or any gap. */
export function logReturns(prices: readonly number[]): number[] {
  return returnsStrict(prices, 'log', 'logReturns');
}

/** Returns (fractions per period) between consecutive valid prices, dropping each return that touches a gap. */
export function returnsWithGaps(prices: readonly number[], kind: ReturnKind): { returns: number[]; dropped: number } {
  requirePrices(prices, 'returnsWithGaps');
  const returns: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    const a = prices[i - 1];
    const b = prices[i];
    if (isPrice(a) && isPrice(b)) returns.push(kind === 'simple' ? b / a - 1 : Math.log(b / a));
  }
  return { returns, dropped: prices.length - 1 - returns.length };
}

/** One timestamped series: `t[i]` (any unit, e.g. ms since epoch) is the time of value `v[i]`. */
export interface TimedSeries {
  readonly t: readonly number[];
  readonly v: readonly number[];
}

/**
 * Values of every series on the timestamps they all share, ascending: `values[k][i]` is series k at `t[i]`. Values
 * are passed through untouched (a NaN stays a gap for `returnsWithGaps`); duplicate timestamps within a series throw.
 */
export function alignSeries(series: readonly TimedSeries[]): { t: number[]; values: number[][] } {
  if (series.length === 0) throw new RiskInputError('alignSeries: need at least 1 series, got 0');
  const maps = series.map((s, k) => {
    if (s.t.length !== s.v.length) {
      throw new RiskInputError(`alignSeries: series ${k} has ${s.t.length} timestamps but ${s.v.length} values`);
    }
    const m = new Map<number, number>();
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i] as number;
      if (!Number.isFinite(t)) throw new RiskInputError(`alignSeries: series ${k} timestamp ${i} is ${String(t)}`);
      if (m.has(t)) throw new RiskInputError(`alignSeries: series ${k} repeats timestamp ${t}`);
      m.set(t, s.v[i] as number);
    }
    return m;
  });
  // Walk the shortest series: the intersection cannot be larger than it.
  let shortest = 0;
  maps.forEach((m, k) => { if (m.size < (maps[shortest] as Map<number, number>).size) shortest = k; });
  const t = [...(maps[shortest] as Map<number, number>).keys()].filter((x) => maps.every((m) => m.has(x)));
  t.sort((a, b) => a - b);
  return { t, values: maps.map((m) => t.map((x) => m.get(x) as number)) };
}

/** Compound growth factor ∏(1 + r) of simple returns (fractions); 1 means flat. Throws on NaN or r < −1. */
export function growthFactor(returns: readonly number[]): number {
  let g = 1;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    // `!(r >= -1)` also catches NaN; a simple return below −100% cannot come from a non-negative value.
    if (!(r >= -1 && r < Infinity)) throw new RiskInputError(`growthFactor: return ${i} is ${r}, expected a finite simple return ≥ −1`);
    g *= 1 + r;
  }
  return g;
}

/** Equity curve from simple returns: [start, start(1+r0), start(1+r0)(1+r1), …], length n+1 (value units of start). */
export function equityCurve(returns: readonly number[], start = 1): number[] {
  if (!(start > 0) || !Number.isFinite(start)) throw new RiskInputError(`equityCurve: start is ${start}, expected a finite positive number`);
  const out = new Array<number>(returns.length + 1);
  let v = start;
  out[0] = v;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (!(r >= -1 && r < Infinity)) throw new RiskInputError(`equityCurve: return ${i} is ${r}, expected a finite simple return ≥ −1`);
    v *= 1 + r;
    out[i + 1] = v;
  }
  return out;
}
